import { describe, expect, it } from 'vitest';
import { describeChallenge } from '../../src/session/auth.js';

const PASSWORD_PROMPT = 'UGFzc3dvcmQ6';

describe('describeChallenge', () => {
  it('when no credentials have gone then the challenge is decoded', () => {
    expect(describeChallenge(PASSWORD_PROMPT, false, false)).toBe('challenge: "Password:"');
  });

  it('when credentials have gone and a mask hides them then the challenge is decoded', () => {
    expect(describeChallenge(PASSWORD_PROMPT, true, true)).toBe('challenge: "Password:"');
  });

  it('when credentials have gone and nothing would mask them then it is not decoded', () => {
    expect(describeChallenge(PASSWORD_PROMPT, true, false)).toMatch(/^challenge not decoded/);
  });
});
