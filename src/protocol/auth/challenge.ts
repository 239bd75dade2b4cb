/**
 * The text of a 334 challenge: base64 (RFC 4954 §4), though servers
 * sometimes send plain words or nothing at all.
 */
import { isUtf8 } from 'node:buffer';

// RFC 4648 §4 alphabet, with padding only at the end. Missing padding is
// tolerated; a length that leaves six stray bits (4n + 1) is not base64.
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** Decodes challenge text as base64; undefined when it is not base64. */
export function decodeBase64(text: string): Buffer | undefined {
  const trimmed = text.trim();
  if (!BASE64.test(trimmed)) return undefined;

  const padded = trimmed.includes('=');
  if (padded ? trimmed.length % 4 !== 0 : trimmed.length % 4 === 1) return undefined;
  return Buffer.from(trimmed, 'base64');
}

/**
 * Decodes a 334 challenge's base64 for display; undecodable text is returned
 * as it came, marked. Decoded bytes that are not UTF-8 keep one character
 * per byte, as reply text does; the transcript escapes controls (such as the
 * NUL some servers end "User Name" with) when it prints.
 */
export function decodeChallenge(text: string): string {
  const bytes = decodeBase64(text);
  if (bytes === undefined) return `${text} [not base64]`;

  return isUtf8(bytes) ? bytes.toString('utf8') : bytes.toString('latin1');
}
