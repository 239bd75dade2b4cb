import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../src/errors.js';
import { startAuth, type AuthDialogue } from '../../../src/protocol/auth/index.js';

const BOB = { user: 'bob@example.test', secret: 'Zq8-long-secret-Wv3' };
const BOB_USER_BASE64 = 'Ym9iQGV4YW1wbGUudGVzdA==';
const BOB_SECRET_BASE64 = 'WnE4LWxvbmctc2VjcmV0LVd2Mw==';

// Challenges as servers send them after `334 ` (case 035).
const CHALLENGE_EMPTY = '';
const CHALLENGE_USERNAME = 'VXNlcm5hbWU6';
const CHALLENGE_USERNAME_LOWER = 'dXNlcm5hbWU6';
const CHALLENGE_USER_NAME_NUL = 'VXNlciBOYW1lAA==';
const CHALLENGE_PASSWORD = 'UGFzc3dvcmQ6';

// RFC 2195 §2 example: challenge, user tim, secret tanstaaftanstaaf.
const CRAM_CHALLENGE = 'PDE4OTYuNjk3MTcwOTUyQHBvc3RvZmZpY2UucmVzdG9uLm1jaS5uZXQ+';
const CRAM_ANSWER = 'dGltIGI5MTNhNjAyYzdlZGE3YTQ5NWI0ZTZlNzMzNGQzODkw';

// Google's XOAUTH2 documentation example.
const XOAUTH2_USER = 'someuser@example.com';
const XOAUTH2_TOKEN = 'ya29.vF9dft4qmTc2Nvb3RlckBhdHRhdmlzdGEuY29tCg';
const XOAUTH2_RESPONSE =
  'dXNlcj1zb21ldXNlckBleGFtcGxlLmNvbQFhdXRoPUJlYXJlciB5YTI5LnZGOWRmdDRxbVRjMk52YjNSbGNrQmhkSFJo' +
  'ZG1semRHRXVZMjl0Q2cBAQ==';
const XOAUTH2_ERROR_CHALLENGE =
  'eyJzdGF0dXMiOiI0MDEiLCJzY2hlbWVzIjoiYmVhcmVyIiwic2NvcGUiOiJodHRwczovL21haWwuZ29vZ2xlLmNvbS8ifQ==';

/** The wire forms of the answers to a run of challenges. */
function answerAll(dialogue: AuthDialogue, challenges: readonly string[]): string[] {
  return challenges.map((challenge) => dialogue.answer(challenge).wire);
}

describe('startAuth wire forms', () => {
  it('when PLAIN starts then the credentials go as the initial response', () => {
    const dialogue = startAuth('PLAIN', { user: 'user', secret: 'pass' });
    expect(dialogue.command.wire).toBe('AUTH PLAIN AHVzZXIAcGFzcw==');
  });

  it('when PLAIN is challenged after its credentials then it cancels with *', () => {
    const dialogue = startAuth('PLAIN', BOB);
    expect(answerAll(dialogue, [CHALLENGE_EMPTY, CHALLENGE_USERNAME])).toEqual(['*', '*']);
  });

  it('when CRAM-MD5 answers the RFC 2195 challenge then the digest matches the RFC', () => {
    const dialogue = startAuth('CRAM-MD5', { user: 'tim', secret: 'tanstaaftanstaaf' });

    expect(dialogue.command.wire).toBe('AUTH CRAM-MD5');
    expect(dialogue.answer(CRAM_CHALLENGE).wire).toBe(CRAM_ANSWER);
    expect(Buffer.from(CRAM_ANSWER, 'base64').toString()).toBe(
      'tim b913a602c7eda7a495b4e6e7334d3890',
    );
  });

  it('when the CRAM-MD5 challenge is not base64 or empty then the exchange is cancelled', () => {
    expect(startAuth('CRAM-MD5', BOB).answer('<1896.697170952@postoffice>').wire).toBe('*');
    expect(startAuth('CRAM-MD5', BOB).answer(CHALLENGE_EMPTY).wire).toBe('*');
  });

  it('when CRAM-MD5 is challenged twice then the second is cancelled', () => {
    const dialogue = startAuth('CRAM-MD5', { user: 'tim', secret: 'tanstaaftanstaaf' });
    expect(answerAll(dialogue, [CRAM_CHALLENGE, CRAM_CHALLENGE])).toEqual([CRAM_ANSWER, '*']);
  });

  it('when XOAUTH2 starts then the token string goes as the initial response', () => {
    const dialogue = startAuth('XOAUTH2', { user: XOAUTH2_USER, secret: XOAUTH2_TOKEN });
    expect(dialogue.command.wire).toBe(`AUTH XOAUTH2 ${XOAUTH2_RESPONSE}`);
  });

  it('when XOAUTH2 gets an error challenge then it answers an empty line, then cancels', () => {
    const dialogue = startAuth('XOAUTH2', { user: XOAUTH2_USER, secret: XOAUTH2_TOKEN });
    const answers = answerAll(dialogue, [XOAUTH2_ERROR_CHALLENGE, XOAUTH2_ERROR_CHALLENGE]);
    expect(answers).toEqual(['', '*']);
  });

  it('when the initial response would pass 512 octets then it answers the first challenge', () => {
    const token = 'x'.repeat(1200);
    const dialogue = startAuth('XOAUTH2', { user: XOAUTH2_USER, secret: token });
    const expected = Buffer.from(`user=${XOAUTH2_USER}\x01auth=Bearer ${token}\x01\x01`);

    expect(dialogue.command.wire).toBe('AUTH XOAUTH2');
    expect(dialogue.answer(CHALLENGE_EMPTY).wire).toBe(expected.toString('base64'));
    expect(answerAll(dialogue, [XOAUTH2_ERROR_CHALLENGE, CHALLENGE_EMPTY])).toEqual(['', '*']);
  });

  it('when the AUTH line would pass 510 octets by one group then the response waits', () => {
    // 'AUTH PLAIN ' is 11 octets. A 372-octet message is 496 of base64 (507 in
    // all, fits); 373 octets need 500 (511 in all, too long).
    const fits = 'p'.repeat(372 - 2 - BOB.user.length);
    const inline = startAuth('PLAIN', { user: BOB.user, secret: fits }).command.wire;
    const deferred = startAuth('PLAIN', { user: BOB.user, secret: `${fits}p` });

    expect(inline).toHaveLength(507);
    expect(deferred.command.wire).toBe('AUTH PLAIN');
    expect(deferred.answer(CHALLENGE_EMPTY).wire).toHaveLength(500);
    expect(deferred.answer(CHALLENGE_EMPTY).wire).toBe('*');
  });
});

describe('startAuth LOGIN by step (case 035)', () => {
  it.each([
    ['A: empty prompt', CHALLENGE_EMPTY],
    ['B: lower-case "username:"', CHALLENGE_USERNAME_LOWER],
    ['C: "User Name" with NUL', CHALLENGE_USER_NAME_NUL],
    ['standard "Username:"', CHALLENGE_USERNAME],
  ])('when the first prompt is %s then the user name, then the password are sent', (_, first) => {
    const dialogue = startAuth('LOGIN', BOB);

    expect(dialogue.command.wire).toBe('AUTH LOGIN');
    expect(answerAll(dialogue, [first, CHALLENGE_PASSWORD])).toEqual([
      BOB_USER_BASE64,
      BOB_SECRET_BASE64,
    ]);
  });

  it('when the prompts come in the wrong order then the answers still go by step', () => {
    const dialogue = startAuth('LOGIN', BOB);
    const answers = answerAll(dialogue, [CHALLENGE_PASSWORD, CHALLENGE_USERNAME]);
    expect(answers).toEqual([BOB_USER_BASE64, BOB_SECRET_BASE64]);
  });

  it('when D: a server would re-ask after an initial response then none is ever sent', () => {
    const dialogue = startAuth('LOGIN', BOB);

    expect(dialogue.command.wire).toBe('AUTH LOGIN');
    expect(dialogue.answer(CHALLENGE_USERNAME).wire).toBe(BOB_USER_BASE64);
  });

  it('when the server asks a third time then the exchange is cancelled with *', () => {
    const dialogue = startAuth('LOGIN', BOB);
    const challenges = [
      CHALLENGE_USERNAME,
      CHALLENGE_PASSWORD,
      CHALLENGE_USERNAME,
      CHALLENGE_EMPTY,
    ];
    expect(answerAll(dialogue, challenges)).toEqual([BOB_USER_BASE64, BOB_SECRET_BASE64, '*', '*']);
  });
});

describe('startAuth refusals', () => {
  it('when the user name is empty then AUTH is refused as a usage error', () => {
    expect(() => startAuth('LOGIN', { user: '', secret: 'x' })).toThrow(UsageError);
  });

  it('when a value holds a field separator then AUTH is refused without quoting it', () => {
    const nul = () => startAuth('PLAIN', { user: 'bob', secret: 'Zq8\0Wv3' });
    const ctrlA = () => startAuth('XOAUTH2', { user: 'bob', secret: 'tok\x01en' });

    expect(nul).toThrow('refusing AUTH PLAIN: the password contains a control character');
    expect(ctrlA).toThrow('refusing AUTH XOAUTH2: the token contains a control character');
    expect(() => startAuth('LOGIN', { user: 'bob', secret: 'tok\x01en' })).not.toThrow();
  });
});
