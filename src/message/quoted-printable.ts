/**
 * The quoted-printable content transfer encoding of RFC 2045 §6.7: mostly
 * readable text in short 7-bit lines, whatever the original line lengths.
 */
import { splitLines } from './line-endings.js';

// RFC 2045 §6.7 rule 5: encoded lines are at most 76 characters, the '='
// of a soft line break included.
const MAX_LINE = 76;

const EQUALS = 0x3d;
const SPACE = 0x20;
const TAB = 0x09;

/**
 * Encodes text for `Content-Transfer-Encoding: quoted-printable`. The text's
 * CRLFs stay hard line breaks; longer lines are cut with soft line breaks
 * (`=` before CRLF); bytes outside printable ASCII, '=' and whitespace at a
 * line's end become `=XX`. The input is expected to use CRLF line breaks.
 */
export function encodeQuotedPrintable(text: Buffer): Buffer {
  const lines = splitLines(text).map(encodeLine);
  return Buffer.from(lines.join('\r\n'), 'ascii');
}

function encodeLine(line: Buffer): string {
  const encoded: string[] = [];
  let current = '';

  line.forEach((byte, index) => {
    const token = encodeByte(byte, index === line.length - 1);
    // Leave room for the '=' of a soft line break.
    if (current.length + token.length > MAX_LINE - 1) {
      encoded.push(`${current}=`);
      current = '';
    }
    current += token;
  });
  encoded.push(current);
  return encoded.join('\r\n');
}

// Rule 3: a space or tab at the end of a line is encoded, because gateways
// may strip trailing whitespace; elsewhere it is left as it is.
function encodeByte(byte: number, lastInLine: boolean): string {
  const whitespace = byte === SPACE || byte === TAB;
  const literal = (byte > SPACE && byte < 0x7f && byte !== EQUALS) || (whitespace && !lastInLine);
  if (literal) return String.fromCharCode(byte);
  return `=${byte.toString(16).toUpperCase().padStart(2, '0')}`;
}
