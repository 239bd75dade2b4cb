import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.js';
import { composeMessage, type ComposeOptions } from '../../src/message/compose.js';
import {
  decodeHeaderValue,
  decodeQuotedPrintable,
  fieldValue,
  hasBareLineBreak,
  splitMessage,
} from './decoders.js';

const PROBE_ID = '20261204T171500Z-3f9a1c2b';

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

const DEFAULT_MESSAGE =
  'Date: Fri, 04 Dec 2026 17:15:00 +0000\r\n' +
  'From: probe@example.test\r\n' +
  'To: postmaster@example.test\r\n' +
  `Subject: smtp-probe test ${PROBE_ID}\r\n` +
  `Message-ID: <${PROBE_ID}@client.example.test>\r\n` +
  `X-Smtp-Probe-Id: ${PROBE_ID}\r\n` +
  'MIME-Version: 1.0\r\n' +
  'Content-Type: text/plain; charset=us-ascii\r\n' +
  'Content-Transfer-Encoding: 7bit\r\n' +
  '\r\n' +
  'This is a test message sent by smtp-probe, an SMTP diagnostic tool.\r\n' +
  'It needs no action and can be deleted.\r\n' +
  '\r\n' +
  `Probe id:  ${PROBE_ID}\r\n` +
  'Date:      2026-12-04T17:15:00.000Z\r\n' +
  'Sent from: client.example.test\r\n' +
  'Sent to:   mx.example.test:25\r\n';

function compose(overrides: Partial<ComposeOptions> = {}): Buffer {
  return composeMessage({ ...BASE, ...overrides });
}

describe('composeMessage', () => {
  it('when nothing but the envelope is given then the default message is exact', () => {
    expect(compose().toString('latin1')).toBe(DEFAULT_MESSAGE);
  });

  it('when any option shapes the message then every line break is CRLF', () => {
    const variants = [
      compose(),
      compose({ body: Buffer.from('one\ntwo\rthree\r\nfour') }),
      compose({ body: Buffer.from(`${'x'.repeat(2000)}\n`) }),
      compose({ subject: 'Grüße '.repeat(30), to: Array(9).fill('someone@example.test') }),
      compose({ attachments: [{ name: 'a.bin', content: Buffer.from('\r\r\n\n\x00') }] }),
    ];

    for (const message of variants) expect(hasBareLineBreak(message)).toBe(false);
  });

  it('when the body has bare LFs and no final line break then it is sent with CRLFs', () => {
    const { body } = splitMessage(compose({ body: Buffer.from('line 1\nline 2') }));
    expect(body.toString()).toBe('line 1\r\nline 2\r\n');
  });

  it('when the sender is the null sender then From names MAILER-DAEMON at the host', () => {
    const { header } = splitMessage(compose({ from: '' }));
    expect(fieldValue(header, 'From')).toBe('MAILER-DAEMON@client.example.test');
  });

  it('when there are several recipients then To lists them separated by commas', () => {
    const { header } = splitMessage(compose({ to: ['a@example.test', 'b@example.test'] }));
    expect(fieldValue(header, 'To')).toBe('a@example.test, b@example.test');
  });

  it('when there are no To addresses then there is no To field', () => {
    expect(fieldValue(splitMessage(compose({ to: [] })).header, 'To')).toBeUndefined();
  });

  it('when the user gives a Subject header then it replaces the generated one in place', () => {
    const { header } = splitMessage(compose({ headers: ['subject: Mine'] }));

    expect(header.match(/^subject:/gim)).toHaveLength(1);
    expect(header.split('\r\n')[3]).toBe('subject: Mine');
  });

  it('when the user gives other headers then they follow the generated ones, in order', () => {
    const { header } = splitMessage(compose({ headers: ['X-One: 1', 'X-Two: 2', 'X-One: 3'] }));
    const names = header.split('\r\n').map((line) => line.split(':')[0]);

    expect(names.slice(5, 9)).toEqual(['X-Smtp-Probe-Id', 'X-One', 'X-Two', 'X-One']);
  });

  it('when a user header would change the MIME structure then it is refused', () => {
    expect(() => compose({ headers: ['Content-Type: text/html'] })).toThrow(UsageError);
    expect(() => compose({ headers: ['mime-version: 2.0'] })).toThrow('cannot be set');
  });

  it('when a user header holds CRLF then it is refused before anything is built', () => {
    expect(() => compose({ headers: ['X-A: 1\r\nBcc: x@example.test'] })).toThrow(UsageError);
  });

  it('when the subject holds a line break then it is refused', () => {
    expect(() => compose({ subject: 'hi\r\nBcc: x@example.test' })).toThrow(
      'the Subject field "hi\r\nBcc: x@example.test" contains a carriage return (CR)',
    );
  });

  it('when the subject is not ASCII then it is RFC 2047-encoded and decodes back', () => {
    const subject = 'Prüfung: Zustellung nach Köln ✓';
    const { header } = splitMessage(compose({ subject }));

    expect(fieldValue(header, 'Subject')).toMatch(/^=\?UTF-8\?B\?/);
    expect(Buffer.from(header).every((byte) => byte < 0x80)).toBe(true);
    expect(fieldValue(decodeHeaderValue(header), 'Subject')).toBe(subject);
  });

  it('when the body is 8-bit UTF-8 then it is labelled utf-8 and sent 8bit, unchanged', () => {
    const text = Buffer.from('Grüße aus Köln\r\n');
    const { header, body } = splitMessage(compose({ body: text }));

    expect(fieldValue(header, 'Content-Type')).toBe('text/plain; charset=utf-8');
    expect(fieldValue(header, 'Content-Transfer-Encoding')).toBe('8bit');
    expect(body).toEqual(text);
  });

  it('when the body is 8-bit but not UTF-8 then its charset is unknown-8bit', () => {
    const { header } = splitMessage(compose({ body: Buffer.from([0x63, 0x61, 0x66, 0xe9]) }));
    expect(fieldValue(header, 'Content-Type')).toBe('text/plain; charset=unknown-8bit');
  });

  it('when a body line is 2000 characters then the body is sent quoted-printable', () => {
    const text = Buffer.from(`short\r\n${'é'.repeat(1000)}\r\n.end\r\n`);
    const message = compose({ body: text });
    const { header, body } = splitMessage(message);

    expect(fieldValue(header, 'Content-Transfer-Encoding')).toBe('quoted-printable');
    expect(fieldValue(header, 'Content-Type')).toBe('text/plain; charset=utf-8');
    expect(
      message
        .toString('latin1')
        .split('\r\n')
        .every((line) => line.length <= 78),
    ).toBe(true);
    expect(decodeQuotedPrintable(body)).toEqual(text);
  });

  it('when a body holds a NUL byte then it is sent quoted-printable', () => {
    const { header, body } = splitMessage(compose({ body: Buffer.from('a\0b\r\n') }));
    expect(fieldValue(header, 'Content-Transfer-Encoding')).toBe('quoted-printable');
    expect(body.toString()).toBe('a=00b\r\n');
  });
});
