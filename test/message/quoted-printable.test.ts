import { describe, expect, it } from 'vitest';
import { encodeQuotedPrintable } from '../../src/message/quoted-printable.js';
import { decodeQuotedPrintable } from './decoders.js';

function encode(text: string | Buffer): string {
  return encodeQuotedPrintable(Buffer.isBuffer(text) ? text : Buffer.from(text)).toString('ascii');
}

describe('encodeQuotedPrintable', () => {
  it('when text is printable ASCII then it is unchanged except "="', () => {
    expect(encode('a = b.\r\n')).toBe('a =3D b.\r\n');
  });

  it('when bytes are 8-bit or controls then they become =XX', () => {
    expect(encode('café\x01\r\n')).toBe('caf=C3=A9=01\r\n');
  });

  it('when a line ends in a space or tab then that one is encoded', () => {
    expect(encode('a b \r\nc\t\r\n d')).toBe('a b=20\r\nc=09\r\n d');
  });

  it('when a line is long then soft breaks keep lines within 76 and decoding restores it', () => {
    const text = Buffer.from(`${'é=x '.repeat(700)}\r\nnext\r\n`);
    const encoded = encodeQuotedPrintable(text);
    const lines = encoded.toString('ascii').split('\r\n');

    expect(lines.every((line) => line.length <= 76)).toBe(true);
    expect(lines.filter((line) => line.endsWith('=')).length).toBeGreaterThan(30);
    expect(decodeQuotedPrintable(encoded)).toEqual(text);
  });
});
