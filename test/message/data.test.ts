import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.js';
import {
  encodeForData,
  encodeRawForData,
  needsEightBitMime,
  splitIntoChunks,
} from '../../src/message/data.js';
import { unstuff } from './decoders.js';

// Case 052: the body as the user wrote it, and the form it must take on the wire.
const DOT_LINES_BODY = '.first\r\nhello\r\n.\r\n.test\r\n..\r\nworld\r\n';
const DOT_LINES_WIRE = '..first\r\nhello\r\n..\r\n..test\r\n...\r\nworld\r\n.\r\n';

describe('encodeForData', () => {
  it('when lines start with a dot, the first included, then each gets one more dot', () => {
    const wire = encodeForData(Buffer.from(DOT_LINES_BODY));
    expect(wire.toString('latin1')).toBe(DOT_LINES_WIRE);
  });

  it('when the encoded bytes are un-stuffed then the original message comes back', () => {
    const messages = [
      DOT_LINES_BODY,
      'Subject: x\r\n\r\n.\r\n',
      '...\r\n\r\n. \r\n.\r\n.\r\n',
      'no dots here\r\n',
      'a.b\r\n.c.\r\nd\r\n',
    ];

    for (const message of messages) {
      const original = Buffer.from(message, 'latin1');
      expect(unstuff(encodeForData(original))).toEqual(original);
    }
  });

  it('when the message lacks a final CRLF then one is added before the end-of-data line', () => {
    expect(encodeForData(Buffer.from('hello')).toString()).toBe('hello\r\n.\r\n');
    expect(encodeForData(Buffer.from('.')).toString()).toBe('..\r\n.\r\n');
  });

  it('when a bare LF comes before a dot line then it becomes CRLF and the dot is stuffed', () => {
    const smuggled = Buffer.from('hello\n.\r\nMAIL FROM:<x@example.test>\r\n');
    expect(encodeForData(smuggled).toString()).toBe(
      'hello\r\n..\r\nMAIL FROM:<x@example.test>\r\n.\r\n',
    );
  });

  it('when the message holds 8-bit bytes then they pass unchanged', () => {
    const message = Buffer.from([0xc3, 0xa9, 0x0d, 0x0a, 0x2e, 0xff, 0x0d, 0x0a]);
    expect(encodeForData(message)).toEqual(
      Buffer.from([0xc3, 0xa9, 0x0d, 0x0a, 0x2e, 0x2e, 0xff, 0x0d, 0x0a, 0x2e, 0x0d, 0x0a]),
    );
  });
});

describe('encodeRawForData', () => {
  it('when content has bare LFs and a look-alike terminator then it is sent untouched', () => {
    const content = Buffer.from('a\n.\nb\r\n.\nc');
    expect(encodeRawForData(content).toString()).toBe('a\n.\nb\r\n.\nc\r\n.\r\n');
  });

  it('when content ends with CRLF then the terminator still comes as CRLF . CRLF', () => {
    expect(encodeRawForData(Buffer.from('x\r\n')).toString()).toBe('x\r\n\r\n.\r\n');
  });
});

describe('needsEightBitMime', () => {
  it('when any byte is above 0x7f then 8BITMIME is needed', () => {
    expect(needsEightBitMime(Buffer.from('Grüße\r\n'))).toBe(true);
    expect(needsEightBitMime(Buffer.from([0x41, 0x80]))).toBe(true);
  });

  it('when every byte is 7-bit then 8BITMIME is not needed', () => {
    expect(needsEightBitMime(Buffer.from('plain\r\n\x7f\r\n'))).toBe(false);
    expect(needsEightBitMime(Buffer.alloc(0))).toBe(false);
  });
});

describe('splitIntoChunks', () => {
  it('when the message is not a multiple of the chunk size then the last chunk is shorter', () => {
    const message = Buffer.from('0123456789');
    const chunks = splitIntoChunks(message, 4);

    expect(chunks.map((chunk) => chunk.length)).toEqual([4, 4, 2]);
    expect(Buffer.concat(chunks)).toEqual(message);
  });

  it('when the message is an exact multiple then every chunk is full', () => {
    expect(splitIntoChunks(Buffer.alloc(12), 4).map((chunk) => chunk.length)).toEqual([4, 4, 4]);
    expect(splitIntoChunks(Buffer.alloc(3), 100).map((chunk) => chunk.length)).toEqual([3]);
  });

  it('when chunks are made then dots and line breaks are not touched', () => {
    const message = Buffer.from('.a\r\n.\r\n');
    expect(Buffer.concat(splitIntoChunks(message, 3))).toEqual(message);
  });

  it('when the message is empty then there is one empty chunk, for BDAT 0 LAST', () => {
    const chunks = splitIntoChunks(Buffer.alloc(0), 10);
    expect(chunks.map((chunk) => chunk.length)).toEqual([0]);
  });

  it('when the chunk size is not a whole number above 0 then it is a usage error', () => {
    expect(() => splitIntoChunks(Buffer.alloc(5), 0)).toThrow(UsageError);
    expect(() => splitIntoChunks(Buffer.alloc(5), 2.5)).toThrow('chunk size must be');
    expect(() => splitIntoChunks(Buffer.alloc(5), Number.NaN)).toThrow(UsageError);
  });
});
