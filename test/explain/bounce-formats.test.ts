/**
 * Finding replies in bounces and transcripts: where a reply ends in an Exim
 * bounce, which reply is explained when one quotes another, Postfix's
 * refused greeting and its wrap straight after the code, swaks's and `S:`
 * transcripts, and enhanced codes that only the last line carries.
 */
import { describe, expect, it } from 'vitest';
import { findReplies } from '../../src/explain/bounce.js';
import { explainReply } from '../../src/explain/explain.js';

const EXIM_THREE_ADDRESSES = [
  'The following address(es) failed:',
  '',
  '  b@example.org',
  '    host mx.example.org [192.0.2.25]',
  '    SMTP error from remote mail server after RCPT TO:<b@example.org>:',
  '    550 5.1.1 <b@example.org>: Recipient address rejected: User unknown in local table',
  '  postmaster@spamhaus-victim.example',
  '    Unrouteable address',
  '  c@example.net',
  '    host mx.example.net [192.0.2.26]',
  '    SMTP error from remote mail server after RCPT TO:<c@example.net>:',
  '    452 4.2.2 Mailbox full',
  '  dmarc@example.net',
  '    (generated from c@example.net)',
  "    all hosts for 'example.net' have been failing for a long time",
].join('\n');

const POSTFIX_GREETING = [
  '<d@example.com>: host mx.example.com[192.0.2.27] refused to talk to me: 554',
  '    5.7.1 Service unavailable; Client host [198.51.100.7] blocked using',
  '    zen.spamhaus.org',
].join('\n');

const POSTFIX_CODE_ALONE = [
  '<b@example.org>: host mx.example.org[192.0.2.25] said: 550',
  '    5.1.1 <b@example.org>: Recipient address rejected: User unknown (in reply to',
  '    RCPT TO command)',
].join('\n');

describe('findReplies in bounces', () => {
  it('when Exim lists more addresses then each reply ends before the next address', () => {
    const replies = findReplies(EXIM_THREE_ADDRESSES);
    expect(replies.map((reply) => [reply.lines, reply.stage])).toEqual([
      [
        ['550 5.1.1 <b@example.org>: Recipient address rejected: User unknown in local table'],
        'rcpt',
      ],
      [['452 4.2.2 Mailbox full'], 'rcpt'],
    ]);
  });

  it('when a reply quotes another then the outer reply is the one found', () => {
    const reply =
      '450 4.1.1 <x@example.org>: Recipient address rejected: unverified address: host ' +
      'mx.example.org said: 550 5.1.1 user unknown';
    const [found, ...others] = findReplies(reply);
    expect(others).toEqual([]);
    expect(found).toMatchObject({ code: 450, enhancedStatus: { class: 4, subject: 1, detail: 1 } });
    expect(found!.lines).toEqual([reply]);
  });

  describe('when the quoted reply has the outer code then it is still text, not a line', () => {
    const REPLY_550_QUOTES_550 =
      '550 5.1.8 <me@x.test>: Sender address rejected: undeliverable address: host ' +
      'mx.x.test[192.0.2.1] said: 550 5.1.1 <me@x.test>: user unknown';
    const REPLY_450_QUOTES_450 =
      '450 4.1.7 <me@x.test>: Sender address rejected: unverified address: host ' +
      'mx.x.test[192.0.2.1] said: 450 4.2.2 <me@x.test>: Mailbox full';
    const REPLY_550_NAMES_550 = '550 5.7.1 Message refused; see 550 5.1.1 in the FAQ';
    it.each([
      [REPLY_550_QUOTES_550, { class: 5, subject: 1, detail: 8 }],
      [REPLY_450_QUOTES_450, { class: 4, subject: 1, detail: 7 }],
      [REPLY_550_NAMES_550, { class: 5, subject: 7, detail: 1 }],
    ])('%s', (reply, enhancedStatus) => {
      const [found, ...others] = findReplies(reply);
      expect(others).toEqual([]);
      expect(found).toMatchObject({ enhancedStatus, lines: [reply] });
    });

    it('then the refused sender is the cause, and the inner 5.1.1 is not decoded', () => {
      const found = findReplies(REPLY_550_QUOTES_550)[0]!;
      const explanation = explainReply(found, {});
      expect(explanation.cause?.id).toBe('sender-rejected');
      expect(JSON.stringify(explanation)).not.toMatch(/bad destination mailbox/);
    });
  });

  it('when Postfix says "refused to talk to me" then the reply is the greeting', () => {
    expect(findReplies(POSTFIX_GREETING)).toMatchObject([
      {
        code: 554,
        stage: 'greeting',
        lines: [
          '554 5.7.1 Service unavailable; Client host [198.51.100.7] blocked using ' +
            'zen.spamhaus.org',
        ],
      },
    ]);
  });

  it('when Postfix wraps straight after the code then the next line is its text', () => {
    expect(findReplies(POSTFIX_CODE_ALONE)).toMatchObject([
      {
        code: 550,
        enhancedStatus: { class: 5, subject: 1, detail: 1 },
        stage: 'rcpt',
        lines: ['550 5.1.1 <b@example.org>: Recipient address rejected: User unknown'],
      },
    ]);
  });

  it('when Postfix logs a refused connection then the stage is the greeting', () => {
    const log =
      'NOQUEUE: reject: CONNECT from unknown[198.51.100.7]: 554 5.7.1 Service unavailable; ' +
      'Client host [198.51.100.7] blocked using zen.spamhaus.org; from=<> proto=SMTP';
    expect(findReplies(log)[0]?.stage).toBe('greeting');
  });
});

describe('findReplies in transcripts', () => {
  it('when swaks marks a refusal with <** then it is a reply', () => {
    const transcript = [
      ' -> RCPT TO:<b@example.org>',
      '<** 554 5.7.1 <b@example.org>: Relay access denied',
      ' -> QUIT',
      '<-  221 2.0.0 Bye',
    ].join('\n');
    expect(findReplies(transcript).map((reply) => reply.lines)).toEqual([
      ['554 5.7.1 <b@example.org>: Relay access denied'],
      ['221 2.0.0 Bye'],
    ]);
  });

  it('when a transcript marks the server with S: then its lines are a reply', () => {
    const transcript = [
      'C: RCPT TO:<b@example.org>',
      'S: 550-5.1.1 no such user',
      'S: 550 5.1.1 bye',
    ];
    expect(findReplies(transcript.join('\n')).map((reply) => reply.lines)).toEqual([
      ['550-5.1.1 no such user', '550 5.1.1 bye'],
    ]);
  });

  it('when only the last line carries the enhanced code then it is the reply’s', () => {
    const reply = [
      '550-mx.example.org',
      '550-Please read https://policy.example.org/',
      '550 5.7.606 Access denied, banned sending IP [198.51.100.45]',
    ].join('\n');
    expect(findReplies(reply)[0]?.enhancedStatus).toEqual({ class: 5, subject: 7, detail: 606 });
  });
});
