import { describe, expect, it } from 'vitest';
import { decodeChallenge } from '../../../src/protocol/auth/index.js';

describe('decodeChallenge', () => {
  it.each([
    ['VXNlcm5hbWU6', 'Username:'],
    ['dXNlcm5hbWU6', 'username:'],
    ['VXNlciBOYW1lAA==', 'User Name\0'],
    ['UGFzc3dvcmQ6 ', 'Password:'],
    ['VXNlcm5hbWU', 'Username'],
    [
      'PDE4OTYuNjk3MTcwOTUyQHBvc3RvZmZpY2UucmVzdG9uLm1jaS5uZXQ+',
      '<1896.697170952@postoffice.reston.mci.net>',
    ],
  ])('when the challenge is %j then it reads %j', (challenge, text) => {
    expect(decodeChallenge(challenge)).toBe(text);
  });

  it('when the challenge is empty then it decodes to nothing', () => {
    expect(decodeChallenge('')).toBe('');
  });

  it('when the challenge is not base64 then it comes back as sent, marked', () => {
    expect(decodeChallenge('Username:')).toBe('Username: [not base64]');
    expect(decodeChallenge('VXNlc')).toBe('VXNlc [not base64]');
    expect(decodeChallenge('VX=NlcA==')).toBe('VX=NlcA== [not base64]');
    expect(decodeChallenge('VXNlcg=')).toBe('VXNlcg= [not base64]');
  });

  it('when the decoded bytes are not UTF-8 then each byte stays one character', () => {
    expect(decodeChallenge('//79')).toBe('\u00ff\u00fe\u00fd');
  });
});
