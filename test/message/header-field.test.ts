import { describe, expect, it } from 'vitest';
import { encodeUnstructured } from '../../src/message/encoded-word.js';
import { formatHeaderField } from '../../src/message/header-field.js';
import { decodeHeaderValue } from './decoders.js';

const LONG_ASCII_SUBJECT =
  'Delivery check for the quarterly report run, sent to every relay in the ' +
  'cluster, one after the other, to compare their queue times';

function lines(field: string): string[] {
  expect(field.endsWith('\r\n')).toBe(true);
  return field.slice(0, -2).split('\r\n');
}

describe('formatHeaderField', () => {
  it('when the value is short ASCII then it is one line ending in CRLF', () => {
    expect(formatHeaderField({ name: 'Subject', value: 'hello' })).toBe('Subject: hello\r\n');
  });

  it('when the line is longer than 78 characters then it is folded before whitespace', () => {
    const field = formatHeaderField({ name: 'Subject', value: LONG_ASCII_SUBJECT });

    expect(lines(field).length).toBeGreaterThan(1);
    expect(lines(field).every((line) => line.length <= 78)).toBe(true);
    expect(
      lines(field)
        .slice(1)
        .every((line) => line.startsWith(' ')),
    ).toBe(true);
    expect(field.replace(/\r\n(?=[ \t])/g, '')).toBe(`Subject: ${LONG_ASCII_SUBJECT}\r\n`);
  });

  it('when a value has a run of trailing spaces then no line is whitespace only', () => {
    const field = formatHeaderField({
      name: 'X-Pad',
      value: `${'word '.repeat(20)}${' '.repeat(90)}`,
    });
    expect(lines(field).every((line) => line.trim() !== '')).toBe(true);
  });

  it('when a word is longer than a line then it is kept whole', () => {
    const token = 'x'.repeat(120);
    expect(formatHeaderField({ name: 'X-Token', value: token })).toBe(`X-Token: ${token}\r\n`);
  });

  it('when an unstructured value is not ASCII then it is written as RFC 2047 words', () => {
    const subject = 'Zustellung geprüft — 日本語のテスト, ✓ done';
    const field = formatHeaderField({ name: 'Subject', value: subject });

    expect(field).toMatch(/^Subject: Zustellung\s+=\?UTF-8\?B\?/);
    expect(lines(field).every((line) => line.length <= 78)).toBe(true);
    expect(Buffer.from(field).every((byte) => byte < 0x80)).toBe(true);
    expect(decodeHeaderValue(field)).toBe(`Subject: ${subject}\r\n`);
  });

  it('when an address field is not ASCII then it is written as given, for SMTPUTF8', () => {
    const field = formatHeaderField({ name: 'To', value: 'Jürgen <jürgen@bücher.example>' });
    expect(field).toBe('To: Jürgen <jürgen@bücher.example>\r\n');
  });
});

describe('encodeUnstructured', () => {
  it('when the text is ASCII then it is unchanged', () => {
    expect(encodeUnstructured('=?not a word?= but plain')).toBe('=?not a word?= but plain');
  });

  it('when only a later word is not ASCII then the plain words before it stay readable', () => {
    expect(encodeUnstructured('Weekly report für Max')).toBe(
      `Weekly report =?UTF-8?B?${Buffer.from('für Max').toString('base64')}?=`,
    );
  });

  it(
    'when the text is long then every word is at ' +
      'most 75 characters and holds whole characters',
    () => {
      const text = '🙂é'.repeat(40);
      const words = encodeUnstructured(text).split(' ');

      expect(words.length).toBeGreaterThan(1);
      for (const word of words) {
        expect(word.length).toBeLessThanOrEqual(75);
        const octets = Buffer.from(/^=\?UTF-8\?B\?(.*)\?=$/.exec(word)![1]!, 'base64');
        expect(octets.toString('utf8')).not.toContain('\ufffd');
      }
      expect(decodeHeaderValue(words.join(' '))).toBe(text);
    },
  );
});
