/**
 * Decoders for the tests: each reverses one encoding that src/message
 * writes, independently of how it was written, so round trips prove the
 * output readable by a receiver.
 */

/** Undoes DATA transparency: drops the terminator, then one dot from dot-led lines. */
export function unstuff(wire: Buffer): Buffer {
  const text = wire.toString('latin1');
  if (!text.endsWith('\r\n.\r\n')) throw new Error('no end-of-data line');

  const lines = text.slice(0, -3).split('\r\n');
  const original = lines.map((line) => (line.startsWith('.') ? line.slice(1) : line));
  return Buffer.from(original.join('\r\n'), 'latin1');
}

/** Unfolds a header section and decodes RFC 2047 B-encoded words in it. */
export function decodeHeaderValue(folded: string): string {
  const unfolded = folded.replace(/\r\n(?=[ \t])/g, '');
  const adjacent = unfolded.replace(/(\?=)[ \t]+(?==\?)/g, '$1');
  return adjacent.replace(/=\?UTF-8\?B\?([A-Za-z0-9+/=]*)\?=/gi, (_word, base64: string) =>
    Buffer.from(base64, 'base64').toString('utf8'),
  );
}

/** Decodes quoted-printable text: soft line breaks removed, `=XX` turned into bytes. */
export function decodeQuotedPrintable(encoded: Buffer): Buffer {
  const text = encoded.toString('ascii').replace(/=\r\n/g, '');
  const bytes: number[] = [];

  for (let index = 0; index < text.length; index += 1) {
    if (text[index] === '=') {
      bytes.push(parseInt(text.slice(index + 1, index + 3), 16));
      index += 2;
    } else {
      bytes.push(text.charCodeAt(index));
    }
  }
  return Buffer.from(bytes);
}

/** Splits a message at its first empty line into header section and body. */
export function splitMessage(message: Buffer): { header: string; body: Buffer } {
  const end = message.indexOf('\r\n\r\n');
  if (end === -1) throw new Error('no empty line after the header section');
  return { header: message.subarray(0, end + 2).toString('utf8'), body: message.subarray(end + 4) };
}

/** Finds a header field's unfolded value in a header section, by name. */
export function fieldValue(header: string, name: string): string | undefined {
  const unfolded = header.replace(/\r\n(?=[ \t])/g, '');
  const line = unfolded
    .split('\r\n')
    .find((field) => field.toLowerCase().startsWith(`${name.toLowerCase()}:`));
  return line?.slice(name.length + 1).trim();
}

/** Tells whether bytes hold a CR or an LF that is not part of a CRLF. */
export function hasBareLineBreak(bytes: Buffer): boolean {
  return /\r(?!\n)|(?<!\r)\n/.test(bytes.toString('latin1'));
}
