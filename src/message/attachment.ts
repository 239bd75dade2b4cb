/**
 * Attachments: each file becomes a base64 body part (RFC 2045 §6.8) with a
 * Content-Disposition naming the file (RFC 2183), so any content, binary or
 * not, arrives byte for byte.
 */
import type { MimeEntity } from './entity.js';
import { mediaTypeFor } from './media-type.js';

/** A file to attach: its name, without directories, and its bytes. */
export interface Attachment {
  readonly name: string;
  readonly content: Buffer;
}

// RFC 2045 §6.8: encoded lines are at most 76 characters.
const BASE64_LINE = 76;

// Percent-encoded characters per RFC 2231 continuation, so that a line of
// ` filename*12*=` plus one segment stays within 78 characters.
const SEGMENT_LENGTH = 50;

// Names of printable ASCII go in a quoted-string (RFC 2183 §2.3); others use
// RFC 2231 parameter value encoding.
const PLAIN_NAME = /^[\x20-\x7e]+$/;

// RFC 2231 §7 attribute-char: printable ASCII except space, '*', "'", '%'
// and the tspecials of RFC 2045 §5.1.
const ATTRIBUTE_CHAR = /^[A-Za-z0-9!#$&+\-.^_`{|}~]$/;

/** Makes an attachment's body part: base64, with media type and file name. */
export function composeAttachment(attachment: Attachment): MimeEntity {
  const fields = [
    { name: 'Content-Type', value: mediaTypeFor(attachment.name) },
    { name: 'Content-Transfer-Encoding', value: 'base64' },
    { name: 'Content-Disposition', value: `attachment; ${filenameParameter(attachment.name)}` },
  ];
  return { fields, content: encodeBase64Lines(attachment.content) };
}

/**
 * Writes the `filename` parameter of Content-Disposition: a quoted-string for
 * printable ASCII, otherwise RFC 2231 UTF-8 percent-encoding, split into
 * numbered continuations (`filename*0*=`, `filename*1*=`) when long.
 */
export function filenameParameter(name: string): string {
  if (PLAIN_NAME.test(name)) return `filename="${name.replace(/["\\]/g, '\\$&')}"`;

  const segments = splitSegments(percentEncode(name));
  if (segments.length === 1) return `filename*=UTF-8''${segments[0]}`;
  return segments
    .map((segment, index) => `filename*${index}*=${index === 0 ? "UTF-8''" : ''}${segment}`)
    .join('; ');
}

function encodeBase64Lines(content: Buffer): Buffer {
  const base64 = content.toString('base64');
  const lines: string[] = [];
  for (let start = 0; start < base64.length; start += BASE64_LINE) {
    lines.push(`${base64.slice(start, start + BASE64_LINE)}\r\n`);
  }
  return Buffer.from(lines.join(''), 'ascii');
}

function percentEncode(name: string): string[] {
  return [...name].map((char) => (ATTRIBUTE_CHAR.test(char) ? char : percentEncodeChar(char)));
}

function percentEncodeChar(char: string): string {
  const bytes = [...Buffer.from(char, 'utf8')];
  return bytes.map((byte) => `%${byte.toString(16).toUpperCase().padStart(2, '0')}`).join('');
}

// A segment holds whole characters, never part of a %XX triplet or of a
// UTF-8 sequence: some readers decode each continuation on its own.
function splitSegments(tokens: readonly string[]): string[] {
  const segments: string[] = [];
  let current = '';

  for (const token of tokens) {
    if (current.length + token.length > SEGMENT_LENGTH) {
      segments.push(current);
      current = '';
    }
    current += token;
  }
  segments.push(current);
  return segments;
}
