import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { startAuth, type AuthLine, type AuthMechanism } from '../../../src/protocol/auth/index.js';

const USER = 'bob@example.test';
// Distinctive enough that no display text could hold it by chance.
const SECRET = 'Qx7-hunter2-Vz9-secret';

const CRAM_CHALLENGE = 'PDE4OTYuNjk3MTcwOTUyQHBvc3RvZmZpY2UucmVzdG9uLm1jaS5uZXQ+';

// Ordinary and odd challenges: prompts, empty, not base64, JSON error, repeats.
const CHALLENGES = [
  CRAM_CHALLENGE,
  'VXNlcm5hbWU6',
  '',
  'UGFzc3dvcmQ6',
  'not base64 at all!',
  'eyJzdGF0dXMiOiI0MDEifQ==',
  'VXNlciBOYW1lAA==',
];

const MECHANISMS: readonly AuthMechanism[] = ['PLAIN', 'LOGIN', 'CRAM-MD5', 'XOAUTH2'];

function base64(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64');
}

/**
 * Every base64 run that gives the secret away, whatever its alignment inside
 * a longer message: the secret's own base64, and the part that depends only
 * on the secret when one or two bytes come before it.
 */
function base64Footprints(secret: string): string[] {
  const aligned = base64(secret).replace(/=+$/, '');
  const shifted = [1, 2].map((offset) => base64('\0'.repeat(offset) + secret).slice(4, -4));
  return [aligned, aligned.slice(0, -4), ...shifted];
}

/** Everything a mechanism would send for the given secret, with every challenge. */
function allLines(mechanism: AuthMechanism, secret: string, revealSecrets = false): AuthLine[] {
  const dialogue = startAuth(mechanism, { user: USER, secret }, { revealSecrets });
  return [dialogue.command, ...CHALLENGES.map((challenge) => dialogue.answer(challenge))];
}

/** Strings that must not appear in any display form. */
function forbiddenFor(secret: string): string[] {
  const blobs = [`\0${USER}\0${secret}`, `user=${USER}\x01auth=Bearer ${secret}\x01\x01`];
  const digest = createHmac('md5', secret)
    .update(Buffer.from(CRAM_CHALLENGE, 'base64'))
    .digest('hex');
  return [
    secret,
    ...base64Footprints(secret),
    ...blobs.map(base64),
    digest,
    base64(`${USER} ${digest}`),
  ];
}

describe('AUTH display forms', () => {
  it.each(MECHANISMS)('when %s runs then no display holds the secret or its base64', (name) => {
    const displays = allLines(name, SECRET).map((line) => line.display);

    for (const forbidden of forbiddenFor(SECRET)) {
      for (const display of displays) expect(display).not.toContain(forbidden);
    }
  });

  it.each(MECHANISMS)('when %s sends a long secret then it stays hidden too', (name) => {
    const longSecret = `${SECRET}-${'k'.repeat(600)}`;
    const displays = allLines(name, longSecret).map((line) => line.display);

    for (const display of displays) {
      expect(display).not.toContain(SECRET);
      for (const footprint of base64Footprints(SECRET)) expect(display).not.toContain(footprint);
    }
  });

  it('when the lines are displayed then they say what was sent, with the user name', () => {
    const login = startAuth('LOGIN', { user: 'bob', secret: SECRET });

    expect(startAuth('PLAIN', { user: 'bob', secret: SECRET }).command.display).toBe(
      'AUTH PLAIN <credentials for "bob", hidden>',
    );
    expect(login.command.display).toBe('AUTH LOGIN');
    expect(login.answer('').display).toBe('<user name "bob", base64>');
    expect(login.answer('').display).toBe('<password hidden>');
    expect(login.answer('').display).toBe('*');
  });

  it('when XOAUTH2 and CRAM-MD5 are displayed then the token and digest are hidden', () => {
    const xoauth2 = startAuth('XOAUTH2', { user: 'bob', secret: SECRET });
    const cram = startAuth('CRAM-MD5', { user: 'bob', secret: SECRET });

    expect(xoauth2.command.display).toBe('AUTH XOAUTH2 <credentials for "bob", token hidden>');
    expect(xoauth2.answer('e30=')).toEqual({ wire: '', display: '' });
    expect(cram.answer(CRAM_CHALLENGE).display).toBe('<user name "bob" and digest, hidden>');
  });

  it.each(MECHANISMS)('when %s reveals secrets then every display is the wire text', (name) => {
    const lines = allLines(name, SECRET, true);

    for (const line of lines) expect(line.display).toBe(line.wire);
    expect(lines.some((line) => forbiddenFor(SECRET).some((f) => line.display.includes(f)))).toBe(
      true,
    );
  });
});
