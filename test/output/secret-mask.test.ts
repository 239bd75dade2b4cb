import { describe, expect, it } from 'vitest';
import { SecretMask } from '../../src/output/secret-mask.js';

const SECRET = 'Wonderland42';

function mask(): SecretMask {
  const secretMask = new SecretMask();
  secretMask.addSecret(SECRET);
  return secretMask;
}

describe('SecretMask.applyDeep', () => {
  it('when a report holds the secret in nested strings then each is masked', () => {
    const report = { verdict: { message: `no ${SECRET}` }, notes: [`hex ${toHex(SECRET)}`], n: 1 };

    expect(mask().applyDeep(report)).toEqual({
      verdict: { message: 'no <hidden>' },
      notes: ['hex <hidden>'],
      n: 1,
    });
  });

  it('when the exact bytes of a line hold the secret then linesBase64 is masked too', () => {
    const line = Buffer.concat([Buffer.from(`535 ${SECRET} \xff\r\n`, 'latin1')]);
    const reply = { lines: ['x'], linesBase64: [line.toString('base64')] };

    const masked = mask().applyDeep(reply) as { linesBase64: string[] };
    const bytes = Buffer.from(masked.linesBase64[0]!, 'base64').toString('latin1');

    expect(bytes).toBe('535 <hidden> \xff\r\n');
  });

  it('when a line holds no secret then its base64 is left exactly as it was', () => {
    const encoded = Buffer.from('250 ok \xff\r\n', 'latin1').toString('base64');

    expect(mask().applyDeep({ linesBase64: [encoded] })).toEqual({ linesBase64: [encoded] });
  });
});

function toHex(text: string): string {
  return Buffer.from(text).toString('hex');
}

describe('SecretMask with an AUTH PLAIN line echoed', () => {
  it('when the whole wire line is echoed then no piece of its base64 is left readable', () => {
    const mask = new SecretMask();
    mask.addSecret('Hunter2Secret');
    const blob = Buffer.from('\0al\0Hunter2Secret').toString('base64');
    mask.addWireLine(`AUTH PLAIN ${blob}`);

    expect(mask.apply(`535 5.7.8 rejected: AUTH PLAIN ${blob}`)).toBe(
      '535 5.7.8 rejected: AUTH PLAIN <hidden>',
    );
  });
});

describe('SecretMask with a secret that spells part of its own mark', () => {
  it('when a longer form is masked first then its mark is not masked again', () => {
    const mask = new SecretMask();
    mask.addSecret('hidden');

    expect(mask.apply('aGlkZGVu and hidden')).toBe('<hidden> and <hidden>');
  });

  it('when the text holds the private-use stand-in then the secret is still masked', () => {
    const mask = new SecretMask();
    mask.addSecret('hidden');
    const masked = mask.apply('\u{e000} aGlkZGVu');

    expect(masked).toMatch(/^\u{e000} </u);
    expect(masked).not.toMatch(/aGlkZGVu|hidden[^>]/);
  });
});
