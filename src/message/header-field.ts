/**
 * Header fields as they are written into a message: encoded where RFC 2047
 * allows it, then folded into lines (RFC 5322 §2.2.3).
 */
import { encodeUnstructured } from './encoded-word.js';
import type { HeaderField } from './header.js';

// RFC 5322 §2.1.1: lines SHOULD be at most 78 characters (MUST: 998).
const FOLD_WIDTH = 78;

// RFC 2047 §5 allows encoded-words only in unstructured text, comments and
// display names. These fields have structure (addresses, ids, dates, MIME
// parameters) and are written as given: a non-ASCII address is for the
// transport to carry with SMTPUTF8 (RFC 6531, RFC 6532).
const STRUCTURED = new Set([
  'from',
  'sender',
  'reply-to',
  'to',
  'cc',
  'bcc',
  'date',
  'message-id',
  'in-reply-to',
  'references',
  'return-path',
  'received',
  'mime-version',
  'content-type',
  'content-transfer-encoding',
  'content-disposition',
  'content-id',
]);

// A run of spaces or tabs with the word after it, or trailing whitespace.
const PIECES = /[ \t]*[^ \t]+|[ \t]+/g;

/**
 * Writes a header field as `Name: value` and its CRLF, with a non-ASCII
 * value of an unstructured field as RFC 2047 encoded-words, folded before
 * whitespace to keep lines within 78 characters where the value allows.
 * A word longer than a line is kept whole: it can only be folded where
 * there is whitespace.
 */
export function formatHeaderField(field: HeaderField): string {
  const value = isStructured(field.name) ? field.value : encodeUnstructured(field.value);
  return `${fold(`${field.name}: ${value}`)}\r\n`;
}

/** Tells whether two header field names are the same; names ignore case. */
export function isSameField(name: string, other: string): boolean {
  return name.toLowerCase() === other.toLowerCase();
}

function isStructured(name: string): boolean {
  const lower = name.toLowerCase();
  return STRUCTURED.has(lower) || lower.startsWith('resent-');
}

// Folding is a CRLF put before whitespace (RFC 5322 §2.2.3). Whitespace
// alone never starts a line: §3.2.2 forbids lines of only whitespace, and
// some readers take one for the end of the header section.
function fold(line: string): string {
  const lines: string[] = [];
  let current = '';

  for (const piece of line.match(PIECES) ?? []) {
    const startsLine = /[ \t]/.test(current) && /[^ \t]/.test(piece);
    if (startsLine && current.length + piece.length > FOLD_WIDTH) {
      lines.push(current);
      current = piece;
    } else {
      current += piece;
    }
  }
  lines.push(current);
  return lines.join('\r\n');
}
