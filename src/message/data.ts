/**
 * Message content on the wire: after DATA's 354 with the transparency
 * procedure of RFC 5321 §4.5.2, or in BDAT chunks (RFC 3030 CHUNKING).
 */
import { isAscii } from 'node:buffer';
import { UsageError } from '../errors.js';
import { normaliseLineEndings } from './line-endings.js';

const DOT = Buffer.from('.');
const CRLF_DOT = Buffer.from('\r\n.');
const END_OF_DATA = Buffer.from('.\r\n');
const CRLF_END_OF_DATA = Buffer.from('\r\n.\r\n');

/**
 * Encodes a message for DATA: every line that starts with '.', the first one
 * included, gets one more '.' (RFC 5321 §4.5.2), and the end-of-data line
 * `.<CRLF>` follows the message's final CRLF.
 *
 * Line breaks are normalised to CRLF first, adding a final CRLF if missing:
 * RFC 5321 §2.3.8 forbids a bare CR or LF, and a bare LF before a '.' is what
 * "SMTP smuggling" uses to end the data early on servers that accept one.
 * A message with CRLF line breaks only is stuffed and nothing else.
 */
export function encodeForData(message: Buffer): Buffer {
  const text = normaliseLineEndings(message);
  const pieces: Buffer[] = text[0] === DOT[0] ? [DOT] : [];
  let start = 0;

  // Each "\r\n." starts a line with a dot: cut after the CRLF, add one dot.
  for (let at = text.indexOf(CRLF_DOT); at !== -1; at = text.indexOf(CRLF_DOT, start)) {
    pieces.push(text.subarray(start, at + 2), DOT);
    start = at + 2;
  }
  pieces.push(text.subarray(start), END_OF_DATA);
  return Buffer.concat(pieces);
}

/**
 * Encodes content for DATA in raw mode: the bytes untouched (no dot-stuffing,
 * no line-break repair), then `<CRLF>.<CRLF>`.
 *
 * Raw mode exists to test how a server treats bare LF, bare CR and look-alike
 * end-of-data sequences (`<LF>.<LF>`, `<LF>.<CRLF>`) inside the content. The
 * leading CRLF makes the real terminator count even when the content stops
 * mid-line, so it is always the last thing sent; content ending in CRLF
 * therefore gains one empty line.
 */
export function encodeRawForData(bytes: Buffer): Buffer {
  return Buffer.concat([bytes, CRLF_END_OF_DATA]);
}

/**
 * Tells whether a message holds any byte above 0x7f, so that it needs the
 * 8BITMIME extension (`BODY=8BITMIME`, RFC 6152) to travel unaltered.
 */
export function needsEightBitMime(message: Buffer): boolean {
  return !isAscii(message);
}

/**
 * Splits a message into BDAT chunks of `chunkSize` octets, the last one
 * shorter. BDAT sends each chunk's exact size, so there is no dot-stuffing
 * and no terminator (RFC 3030 §2). An empty message gives one empty chunk,
 * sent as `BDAT 0 LAST`. Chunks share memory with the message.
 */
export function splitIntoChunks(message: Buffer, chunkSize: number): Buffer[] {
  if (!Number.isSafeInteger(chunkSize) || chunkSize < 1) {
    throw new UsageError(`chunk size must be a whole number of octets above 0, not ${chunkSize}`);
  }

  const chunks: Buffer[] = [];
  for (let start = 0; start < message.length; start += chunkSize) {
    chunks.push(message.subarray(start, start + chunkSize));
  }
  return chunks.length > 0 ? chunks : [message.subarray(0, 0)];
}
