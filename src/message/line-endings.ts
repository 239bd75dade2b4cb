/**
 * Line endings of message content. RFC 5321 §2.3.8 lets a client send CR and
 * LF only together, as CRLF; files written on Unix (LF) or old Macs (CR) are
 * brought to that form before anything else looks at their lines.
 */

const CRLF = Buffer.from('\r\n');

// Tried in this order at each position, so a CRLF is kept as one line break.
const ANY_LINE_BREAK = /\r\n|\r|\n/g;

/**
 * Rewrites every line break (CRLF, bare LF, bare CR) as CRLF and makes the
 * bytes end with CRLF. Content that already has only CRLF line breaks and a
 * final CRLF comes back unchanged, byte for byte.
 */
export function normaliseLineEndings(bytes: Buffer): Buffer {
  // latin1 maps each byte to one character and back, so no byte is altered.
  const text = bytes.toString('latin1').replace(ANY_LINE_BREAK, '\r\n');
  const normalised = Buffer.from(text, 'latin1');

  if (normalised.length >= 2 && normalised.subarray(-2).equals(CRLF)) return normalised;
  return Buffer.concat([normalised, CRLF]);
}

/**
 * Splits bytes at each CRLF, dropping the CRLFs. Bytes that end with CRLF
 * give a last, empty element; a bare CR or LF stays inside its line.
 */
export function splitLines(bytes: Buffer): Buffer[] {
  const lines: Buffer[] = [];
  let start = 0;

  for (let end = bytes.indexOf(CRLF); end !== -1; end = bytes.indexOf(CRLF, start)) {
    lines.push(bytes.subarray(start, end));
    start = end + 2;
  }
  lines.push(bytes.subarray(start));
  return lines;
}
