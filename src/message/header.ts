/**
 * `--header "Name: value"`: one extra header field for the composed message.
 * The text goes into the message verbatim, so anything that could end the
 * line, and with it start another header or an SMTP command, is refused.
 */
import { UsageError } from '../errors.js';

/** A header field: its name and unfolded value, e.g. `Subject` and `hi`. */
export interface HeaderField {
  readonly name: string;
  readonly value: string;
}

// CR or LF would end the header line and smuggle another field (or, in a
// header section sent after DATA, end it early); NUL is never legitimate.
const FORBIDDEN: Record<string, string> = {
  '\r': 'a carriage return (CR)',
  '\n': 'a line feed (LF)',
  '\0': 'a NUL byte',
};

// RFC 5322 §3.6.8: ftext is printable US-ASCII except ':' (33–57, 59–126).
const FIELD_NAME = /^[\x21-\x39\x3b-\x7e]+$/;

/**
 * Parses the text of a `--header` option into a name and a value, refusing
 * CR, LF and NUL anywhere, a missing colon, and a name outside RFC 5322 ftext.
 * Whitespace after the colon is dropped; the value may be empty.
 */
export function parseHeaderOption(text: string): HeaderField {
  refuseLineBreaks('--header', text);

  const colon = text.indexOf(':');
  if (colon === -1) {
    throw new UsageError(
      `--header ${quote(text)} has no colon`,
      'write it as "Name: value", e.g. --header "X-Test: 1"',
    );
  }

  const name = text.slice(0, colon);
  refuseFieldName(name);
  const value = text.slice(colon + 1).replace(/^[ \t]+/, '');
  // Other controls (ESC, \x01) have no business in a value and would reach
  // every reader's terminal; TAB is folding white space and stays.
  if (/[\x00-\x08\x0b-\x1f\x7f]/.test(value)) {
    throw new UsageError(`--header ${quote(text)} has a control character in its value`);
  }
  return { name, value };
}

/**
 * Refuses text that holds CR, LF or NUL, naming the character and its place;
 * `what` says where the text came from, e.g. `--header` or `subject`.
 */
export function refuseLineBreaks(what: string, text: string): void {
  const at = text.search(/[\r\n\0]/);
  if (at === -1) return;

  const found = FORBIDDEN[text.charAt(at)];
  throw new UsageError(
    `${what} ${quote(text)} contains ${found} at character ${at + 1}`,
    'a header is one line: line breaks would inject further headers or commands',
  );
}

function refuseFieldName(name: string): void {
  if (name === '') {
    throw new UsageError('--header has an empty name before its colon');
  }
  if (!FIELD_NAME.test(name)) {
    throw new UsageError(
      `--header name ${quote(name)} is not valid: only printable ASCII except ':', ` +
        'and no spaces (RFC 5322 §3.6.8)',
    );
  }
}

// Quoted as typed: the CLI escapes the whole message on its way out.
function quote(text: string): string {
  return `"${text}"`;
}
