import { describe, expect, it } from 'vitest';
import { composeAttachment, filenameParameter } from '../../src/message/attachment.js';
import { mediaTypeFor } from '../../src/message/media-type.js';

/** Joins RFC 2231 continuations and percent-decodes them, as a receiver does. */
function decodeContinuations(parameter: string): string {
  const segments = parameter.split('; ').map((part) => part.replace(/^filename\*(\d+\*)?=/, ''));
  const joined = segments.join('').replace(/^UTF-8''/, '');
  return decodeURIComponent(joined);
}

describe('filenameParameter', () => {
  it('when the name is printable ASCII then it is a quoted-string with " and \\ escaped', () => {
    expect(filenameParameter('my report.txt')).toBe('filename="my report.txt"');
    expect(filenameParameter('a"b\\c.txt')).toBe('filename="a\\"b\\\\c.txt"');
  });

  it('when the name holds a control character then it is percent-encoded', () => {
    expect(filenameParameter('a\tb')).toBe("filename*=UTF-8''a%09b");
  });

  it('when a long name is not ASCII then it is split into numbered continuations', () => {
    const name = `${'Überweisungsbestätigung '.repeat(4)}März.pdf`;
    const parameter = filenameParameter(name);
    const pieces = parameter.split('; ');

    expect(pieces.length).toBeGreaterThan(2);
    expect(pieces.map((piece) => /^filename\*(\d+)\*=/.exec(piece)?.[1])).toEqual(
      pieces.map((_piece, index) => String(index)),
    );
    expect(pieces.every((piece) => piece.length <= 70)).toBe(true);
    expect(decodeContinuations(parameter)).toBe(name);
  });

  it('when continuations are made then none splits a character', () => {
    const pieces = filenameParameter('✓'.repeat(30)).split('; ');
    for (const piece of pieces) {
      expect(() => decodeURIComponent(piece.replace(/^.*=(UTF-8'')?/, ''))).not.toThrow();
    }
  });
});

describe('composeAttachment', () => {
  it('when content is attached then it is base64 in lines of 76 characters', () => {
    const { content } = composeAttachment({ name: 'x.bin', content: Buffer.alloc(200, 7) });
    const lines = content.toString('ascii').split('\r\n');

    expect(lines.slice(0, -2).every((line) => line.length === 76)).toBe(true);
    expect(lines.at(-1)).toBe('');
  });

  it('when the file is empty then its content is empty', () => {
    expect(composeAttachment({ name: 'x', content: Buffer.alloc(0) }).content).toEqual(
      Buffer.alloc(0),
    );
  });
});

describe('mediaTypeFor', () => {
  it('when the extension is known then its type is found, ignoring case', () => {
    expect(mediaTypeFor('Logo.PNG')).toBe('image/png');
    expect(mediaTypeFor('archive.tar.gz')).toBe('application/gzip');
    expect(mediaTypeFor('notes.txt')).toBe('text/plain');
  });

  it('when the extension is unknown or missing then it is application/octet-stream', () => {
    for (const name of [
      'data.xyz',
      'README',
      '.bashrc',
      'x.constructor',
      'x.__proto__',
      'mail.eml',
    ]) {
      expect(mediaTypeFor(name), name).toBe('application/octet-stream');
    }
  });
});
