/**
 * A prepared message (`--data FILE` or `--data -`): an RFC 5322 message the
 * user wrote, sent as it is except for its line breaks.
 */
import { normaliseLineEndings } from './line-endings.js';

/**
 * Normalises a prepared message for sending: every line break (CRLF, bare LF,
 * bare CR) becomes CRLF, and a CRLF is added at the end when missing. A
 * message that already uses CRLF throughout and ends with CRLF is unchanged,
 * byte for byte, so a carefully crafted file goes out exactly as written.
 *
 * To send bare LFs or odd line breaks on purpose, use raw mode instead
 * (`encodeRawForData` in data.ts), which bypasses this step.
 */
export function normalisePrepared(bytes: Buffer): Buffer {
  return normaliseLineEndings(bytes);
}
