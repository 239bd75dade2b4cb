import { describe, expect, it } from 'vitest';
import { normalisePrepared } from '../../src/message/prepared.js';

describe('normalisePrepared', () => {
  it('when line breaks mix LF, CR and CRLF then every one becomes CRLF', () => {
    const mixed = Buffer.from('Subject: a\nFrom: b\rTo: c\r\n\nbody\n');
    expect(normalisePrepared(mixed).toString()).toBe(
      'Subject: a\r\nFrom: b\r\nTo: c\r\n\r\nbody\r\n',
    );
  });

  it('when CR and LF come in the wrong order or doubled then each is its own line break', () => {
    expect(normalisePrepared(Buffer.from('a\n\rb\r\r\nc\n\nd\r\n')).toString()).toBe(
      'a\r\n\r\nb\r\n\r\nc\r\n\r\nd\r\n',
    );
  });

  it('when the message does not end with a line break then CRLF is added', () => {
    expect(normalisePrepared(Buffer.from('a\r\nb')).toString()).toBe('a\r\nb\r\n');
    expect(normalisePrepared(Buffer.from('a\r\nb\r')).toString()).toBe('a\r\nb\r\n');
    expect(normalisePrepared(Buffer.alloc(0)).toString()).toBe('\r\n');
  });

  it(
    'when the message already uses CRLF and ends ' + 'with one then it is unchanged byte for byte',
    () => {
      const message = Buffer.from([
        ...Buffer.from('Subject: caf'),
        0xe9,
        0xff,
        0x00,
        ...Buffer.from('\r\n\r\n.\r\n'),
      ]);
      expect(normalisePrepared(message)).toEqual(message);
    },
  );

  it('when the message holds 8-bit bytes then only its line breaks change', () => {
    const message = Buffer.from([0x80, 0x0a, 0xfe, 0x0d, 0x0d, 0x0a]);
    expect(normalisePrepared(message)).toEqual(
      Buffer.from([0x80, 0x0d, 0x0a, 0xfe, 0x0d, 0x0a, 0x0d, 0x0a]),
    );
  });
});
