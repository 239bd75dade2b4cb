/**
 * MIME entities (RFC 2045 §2.4): header fields and content, the shape shared
 * by a whole message and by each part of a multipart one.
 */
import { isAscii } from 'node:buffer';
import type { HeaderField } from './header.js';
import { formatHeaderField } from './header-field.js';

/** Header fields and the content after them, already encoded. */
export interface MimeEntity {
  readonly fields: readonly HeaderField[];
  readonly content: Buffer;
}

const CRLF = Buffer.from('\r\n');

/** Writes an entity: its header fields, the empty line, then its content. */
export function renderEntity(entity: MimeEntity): Buffer {
  const header = entity.fields.map(formatHeaderField).join('');
  return Buffer.concat([Buffer.from(header, 'utf8'), CRLF, entity.content]);
}

/**
 * Combines entities into one `multipart/mixed` entity (RFC 2046 §5.1.3),
 * with a boundary found in none of them. `seed` makes the boundary unique
 * to the message and must hold only letters, digits and '-'.
 */
export function composeMultipart(parts: readonly MimeEntity[], seed: string): MimeEntity {
  const rendered = parts.map(renderEntity);
  const boundary = chooseBoundary(rendered, seed);

  // A delimiter is CRLF "--" boundary (RFC 2046 §5.1.1): the CRLF before it
  // belongs to the delimiter, not to the part that precedes it.
  const pieces = rendered.flatMap((part) => [Buffer.from(`--${boundary}\r\n`), part, CRLF]);
  const content = Buffer.concat([...pieces, Buffer.from(`--${boundary}--\r\n`)]);

  // RFC 2045 §6.4: a multipart entity is labelled 7bit or 8bit, never encoded.
  const fields = [
    { name: 'Content-Type', value: `multipart/mixed; boundary="${boundary}"` },
    { name: 'Content-Transfer-Encoding', value: isAscii(content) ? '7bit' : '8bit' },
  ];
  return { fields, content };
}

// "=_" can occur neither in base64 nor in quoted-printable text (where '='
// is always followed by two hex digits or a line break), so the search only
// ever matters for 7bit and 8bit parts; the counter is bumped on a hit.
function chooseBoundary(parts: readonly Buffer[], seed: string): string {
  for (let attempt = 0; ; attempt += 1) {
    const boundary = `=_smtp-probe_${seed}_${attempt}`;
    if (!parts.some((part) => part.includes(boundary))) return boundary;
  }
}
