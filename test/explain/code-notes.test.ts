/**
 * Notes on a reply's two codes: a reply code the IANA registry does not
 * pair with the enhanced code is said to be used in the server's own sense,
 * while codes that stand in for one another pass without a note.
 */
import { describe, expect, it } from 'vitest';
import {
  explainReply,
  summariseEnhanced,
  describeEnhancedStatus,
} from '../../src/explain/explain.js';
import { findEnhancedStatusCode } from '../../src/protocol/reply.js';

function notesOf(reply: string): readonly string[] {
  const texts = [reply.slice(4)];
  const enhancedStatus = findEnhancedStatusCode(texts);
  return explainReply({ code: Number(reply.slice(0, 3)), enhancedStatus, texts }).notes;
}

describe('when the registry pairs the enhanced code with other reply codes', () => {
  it.each([
    ['554 5.7.9 Message not accepted for policy reasons', /pairs 5\.7\.9 with 534, not 554/],
    ['550 5.1.10 RESOLVER.ADR.RecipientNotFound; not found', /pairs 5\.1\.10 with 556, not 550/],
    ['550 5.1.5 Destination address valid', /pairs 5\.1\.5 with 250, not 550/],
  ])('%s then a note says the server may use it in its own sense', (reply, says) => {
    expect(notesOf(reply)).toEqual([expect.stringMatching(says)]);
    expect(notesOf(reply)[0]).toMatch(/may use the code in a sense of its own$/);
  });

  it.each([
    '554 5.7.1 <b@example.org>: Relay access denied',
    '452 4.5.3 Too many recipients',
    '452 4.2.2 Mailbox full',
    '504 5.5.2 <localhost>: Helo command rejected: need fully-qualified hostname',
    '421 4.3.2 System not accepting network messages',
    '550 5.7.26 Unauthenticated email is not accepted',
    '550 5.7.606 Access denied, banned sending IP [192.0.2.10]',
    '553 5.1.3 <bob>... User address required',
    '530 5.7.1 Authentication required',
    '530 5.7.11 Encryption required for requested authentication mechanism',
    '451 4.4.2 Timeout waiting for data',
    '535 5.7.9 Authentication mechanism is too weak',
  ])('%s then codes that stand in for one another get no note', (reply) => {
    expect(notesOf(reply)).toEqual([]);
  });
});

describe('when a part of the code is not registered', () => {
  it('then the summary keeps the registry’s name in capitals', () => {
    const summary = summariseEnhanced(describeEnhancedStatus({ class: 5, subject: 9, detail: 9 }));
    expect(summary).toBe(
      '5.9.9: permanent failure / subject 9, not in the IANA registry / ' +
        'detail 9 not in the IANA registry',
    );
  });
});
