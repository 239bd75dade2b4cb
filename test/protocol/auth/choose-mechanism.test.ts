import { describe, expect, it } from 'vitest';
import { chooseMechanism, parseAuthMechanism } from '../../../src/protocol/auth/index.js';

// AUTH parameters as EHLO replies list them.
const OFFERED_ALL = ['LOGIN', 'PLAIN', 'CRAM-MD5', 'XOAUTH2'];
const OFFERED_GMAIL = ['LOGIN', 'PLAIN', 'XOAUTH2', 'PLAIN-CLIENTTOKEN', 'OAUTHBEARER', 'XOAUTH'];
const OFFERED_EXCHANGE_LOWER = ['login', 'xoauth2'];
const OFFERED_POSTFIX = ['PLAIN', 'LOGIN'];
const OFFERED_NONE: string[] = [];

describe('chooseMechanism', () => {
  it.each([
    [OFFERED_ALL, 'CRAM-MD5'],
    [OFFERED_GMAIL, 'PLAIN'],
    [OFFERED_POSTFIX, 'PLAIN'],
    [OFFERED_EXCHANGE_LOWER, 'LOGIN'],
    [['DIGEST-MD5', 'cram-md5'], 'CRAM-MD5'],
    [OFFERED_NONE, undefined],
    [['GSSAPI', 'NTLM'], undefined],
  ])('when %j is offered and a password given then auto picks %s', (offered, expected) => {
    expect(chooseMechanism(offered, 'auto', false)).toBe(expected);
  });

  it('when no token is given then auto never picks XOAUTH2, even alone', () => {
    expect(chooseMechanism(['XOAUTH2'], 'auto', false)).toBeUndefined();
  });

  it('when a token is given then auto picks XOAUTH2 and nothing else', () => {
    expect(chooseMechanism(OFFERED_GMAIL, 'auto', true)).toBe('XOAUTH2');
    expect(chooseMechanism(OFFERED_EXCHANGE_LOWER, 'auto', true)).toBe('XOAUTH2');
    expect(chooseMechanism(OFFERED_POSTFIX, 'auto', true)).toBeUndefined();
  });

  it('when a mechanism is requested then it is used only if offered, in any case', () => {
    expect(chooseMechanism(OFFERED_EXCHANGE_LOWER, 'LOGIN', false)).toBe('LOGIN');
    expect(chooseMechanism(OFFERED_ALL, 'PLAIN', false)).toBe('PLAIN');
    expect(chooseMechanism(OFFERED_POSTFIX, 'CRAM-MD5', false)).toBeUndefined();
  });

  it('when XOAUTH2 is requested without a token then it is not chosen', () => {
    expect(chooseMechanism(OFFERED_ALL, 'XOAUTH2', false)).toBeUndefined();
    expect(chooseMechanism(OFFERED_ALL, 'XOAUTH2', true)).toBe('XOAUTH2');
  });

  it('when PLAIN is requested with a token then it is allowed', () => {
    expect(chooseMechanism(OFFERED_POSTFIX, 'PLAIN', true)).toBe('PLAIN');
  });
});

describe('parseAuthMechanism', () => {
  it('when a known name is typed in any case then it is recognised', () => {
    expect(parseAuthMechanism('cram-md5')).toBe('CRAM-MD5');
    expect(parseAuthMechanism(' XOAuth2 ')).toBe('XOAUTH2');
  });

  it('when an unknown name is typed then it is not', () => {
    expect(parseAuthMechanism('GSSAPI')).toBeUndefined();
    expect(parseAuthMechanism('')).toBeUndefined();
  });
});
