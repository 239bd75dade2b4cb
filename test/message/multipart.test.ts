import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { composeMessage, type ComposeOptions } from '../../src/message/compose.js';
import { fieldValue, splitMessage } from './decoders.js';

const PROBE_ID = '20261204T171500Z-3f9a1c2b';
const FIRST_BOUNDARY = `=_smtp-probe_${PROBE_ID}_0`;

const BASE: ComposeOptions = {
  from: 'probe@example.test',
  to: ['postmaster@example.test'],
  headers: [],
  attachments: [],
  probeId: PROBE_ID,
  hostname: 'client.example.test',
  target: 'mx.example.test:25',
  date: new Date(Date.UTC(2026, 11, 4, 17, 15, 0)),
};

interface Part {
  header: string;
  body: Buffer;
}

/** Reads a multipart/mixed message as a receiver would: by its declared boundary. */
function readParts(message: Buffer): { boundary: string; parts: Part[] } {
  const { header, body } = splitMessage(message);
  const contentType = fieldValue(header, 'Content-Type') ?? '';
  const boundary = /^multipart\/mixed; boundary="([^"]+)"$/.exec(contentType)![1]!;

  const text = body.toString('latin1');
  expect(text.startsWith(`--${boundary}\r\n`)).toBe(true);
  expect(text.endsWith(`\r\n--${boundary}--\r\n`)).toBe(true);
  const inner = text.slice(`--${boundary}\r\n`.length, -`\r\n--${boundary}--\r\n`.length);
  const parts = inner
    .split(`\r\n--${boundary}\r\n`)
    .map((part) => splitMessage(Buffer.from(part, 'latin1')));
  return { boundary, parts };
}

describe('composeMessage with attachments', () => {
  it('when a binary file is attached then its base64 decodes to the original bytes', () => {
    const binary = Buffer.concat([Buffer.from([0, 13, 10, 46, 255, 128]), randomBytes(3000)]);
    const message = composeMessage({
      ...BASE,
      attachments: [{ name: 'dump.bin', content: binary }],
    });
    const { boundary, parts } = readParts(message);

    expect(parts).toHaveLength(2);
    const [text, file] = parts;
    expect(fieldValue(text!.header, 'Content-Type')).toBe('text/plain; charset=us-ascii');
    expect(fieldValue(file!.header, 'Content-Type')).toBe('application/octet-stream');
    expect(fieldValue(file!.header, 'Content-Transfer-Encoding')).toBe('base64');
    expect(fieldValue(file!.header, 'Content-Disposition')).toBe('attachment; filename="dump.bin"');
    expect(
      file!.body
        .toString('latin1')
        .split('\r\n')
        .every((line) => line.length <= 76),
    ).toBe(true);
    expect(Buffer.from(file!.body.toString('latin1'), 'base64')).toEqual(binary);
    expect(parts.every((part) => !part.body.includes(boundary))).toBe(true);
  });

  it('when the text already holds the first boundary then another one is chosen', () => {
    const body = Buffer.from(`--${FIRST_BOUNDARY}\r\n`);
    const attachments = [{ name: 'a.txt', content: Buffer.from('hi') }];
    const { boundary, parts } = readParts(composeMessage({ ...BASE, body, attachments }));

    expect(boundary).not.toBe(FIRST_BOUNDARY);
    expect(parts[0]!.body).toEqual(body);
  });

  it('when several files are attached then they follow the text part in order', () => {
    const attachments = [
      { name: 'report.PDF', content: Buffer.from('%PDF-1.7') },
      { name: 'photo.jpeg', content: Buffer.from([0xff, 0xd8]) },
    ];
    const { parts } = readParts(composeMessage({ ...BASE, attachments }));

    expect(parts.map((part) => fieldValue(part.header, 'Content-Type'))).toEqual([
      'text/plain; charset=us-ascii',
      'application/pdf',
      'image/jpeg',
    ]);
  });

  it('when the text part is 8-bit then the multipart is labelled 8bit', () => {
    const message = composeMessage({
      ...BASE,
      body: Buffer.from('Grüße\r\n'),
      attachments: [{ name: 'a.txt', content: Buffer.from('x') }],
    });
    expect(fieldValue(splitMessage(message).header, 'Content-Transfer-Encoding')).toBe('8bit');
  });

  it('when a file name is not ASCII then it is RFC 2231-encoded', () => {
    const attachments = [{ name: 'Prüfbericht.txt', content: Buffer.from('x') }];
    const { parts } = readParts(composeMessage({ ...BASE, attachments }));

    expect(fieldValue(parts[1]!.header, 'Content-Disposition')).toBe(
      "attachment; filename*=UTF-8''Pr%C3%BCfbericht.txt",
    );
  });
});
