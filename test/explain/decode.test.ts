/**
 * Decoding the codes: reply codes through RFC 5321 and the extensions, by
 * the stage they answer; enhanced status codes through the IANA registry,
 * registered or not.
 */
import { describe, expect, it } from 'vitest';
import { CLASSES, REGISTERED_CODES, SUBJECTS } from '../../src/explain/enhanced-status-codes.js';
import { describeEnhancedStatus, explainReply } from '../../src/explain/explain.js';
import { describeReplyCode } from '../../src/explain/reply-codes.js';

const status = (klass: number, subject: number, detail: number) => ({
  class: klass,
  subject,
  detail,
});

describe('the IANA registry as data', () => {
  it('when loaded then it holds the records X.0.0 to X.7.30, named and referenced', () => {
    expect(REGISTERED_CODES.size).toBe(81);
    for (const [key, record] of REGISTERED_CODES) {
      expect(record.code).toBe(`X.${key}`);
      expect(record.code).toMatch(/^X\.[0-7]\.\d{1,3}$/);
      expect(record.name).not.toBe('');
      expect(record.reference).toMatch(/^(?:RFC \d{4}|draft-)/);
    }
    expect(REGISTERED_CODES.get('7.30')?.name).toBe('REQUIRETLS support required');
  });

  it('when the classes and subjects are read then 2, 4, 5 and 0 to 7 are named', () => {
    expect(Object.keys(CLASSES)).toEqual(['2', '4', '5']);
    expect(Object.keys(SUBJECTS)).toEqual(['0', '1', '2', '3', '4', '5', '6', '7']);
  });
});

describe('reply codes', () => {
  it('when a code is defined then its meaning and RFC are given', () => {
    expect(describeReplyCode(550)).toMatchObject({ meaning: expect.stringMatching(/mailbox/) });
    expect(describeReplyCode(550).source).toBe('RFC 5321 §4.2.3');
    expect(describeReplyCode(521).source).toBe('RFC 7504');
  });

  it('when 454 answers STARTTLS or AUTH then it means what that extension says', () => {
    expect(describeReplyCode(454, 'starttls').meaning).toMatch(/TLS is not available/);
    expect(describeReplyCode(454, 'starttls').source).toBe('RFC 3207 §4');
    expect(describeReplyCode(454, 'auth').meaning).toBe('temporary authentication failure');
    expect(describeReplyCode(454).meaning).toMatch(/command it answers decides/);
  });

  it('when 554 is the greeting then it means no SMTP service', () => {
    expect(describeReplyCode(554, 'greeting').meaning).toBe('no SMTP service here');
    expect(describeReplyCode(554, 'message').meaning).toBe('transaction failed');
  });

  it('when a code is undefined (422) then its first digit is said to decide', () => {
    const meaning = describeReplyCode(422);
    expect(meaning.source).toBeUndefined();
    expect(meaning.meaning).toMatch(/not a code RFC 5321 .* temporary failure/);
    expect(describeReplyCode(599).meaning).toMatch(/permanent failure/);
  });
});

describe('enhanced status codes', () => {
  it('when registered then class, subject and the registry name are given', () => {
    expect(describeEnhancedStatus(status(5, 7, 26))).toEqual({
      code: '5.7.26',
      class: 'Permanent Failure',
      subject: 'Security or Policy Status',
      detail: 'Multiple authentication checks failed',
      reference: 'RFC 7372',
      usualReplyCodes: '550',
    });
  });

  it('when the detail is a provider own (5.7.606) then it is said to be unregistered', () => {
    const meaning = describeEnhancedStatus(status(5, 7, 606));
    expect(meaning.detail).toBeUndefined();
    expect(
      explainReply({ code: 550, enhancedStatus: status(5, 7, 606), texts: [''] }).summary,
    ).toBe(
      '550: mailbox unavailable (not found, no access), or refused by policy · ' +
        '5.7.606: permanent failure / security or policy status / ' +
        'detail 606 not in the IANA registry',
    );
  });

  it('when the subject is unknown then that is said', () => {
    expect(describeEnhancedStatus(status(4, 9, 1)).subject).toMatch(/subject 9, not in the IANA/);
  });

  it('when a name starts with an acronym then it keeps its capitals in the summary', () => {
    const summary = explainReply({
      code: 550,
      enhancedStatus: status(5, 7, 23),
      texts: [],
    }).summary;
    expect(summary).toMatch(/ \/ SPF validation failed$/);
  });

  it('when the enhanced class disagrees with the reply code then a note says so', () => {
    const explanation = explainReply({ code: 550, enhancedStatus: status(4, 7, 1), texts: [] });
    expect(explanation.notes).toEqual([
      "the enhanced code's class 4 disagrees with 550: the reply code decides",
    ]);
    expect(explanation.summary).toMatch(/ · the enhanced code's class 4 disagrees/);
  });

  it('when a reply has no enhanced code then only the reply code is decoded', () => {
    const explanation = explainReply({ code: 503, enhancedStatus: undefined, texts: ['Bad'] });
    expect(explanation.enhancedStatus).toBeUndefined();
    expect(explanation.summary).toBe('503: bad sequence of commands');
  });
});
