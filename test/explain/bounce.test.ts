/**
 * Finding replies in pasted text: as a server sends them, and as Postfix,
 * Exim, Microsoft 365 and DSNs quote them in bounces, wrapped and flattened.
 */
import { describe, expect, it } from 'vitest';
import { findReplies } from '../../src/explain/bounce.js';

const POSTFIX_BOUNCE = [
  'The mail system',
  '',
  '<kontakt@example.test>: host',
  '    example-test.mail.protection.outlook.com[192.0.2.36] said: 550 5.7.606',
  '    Access denied, banned sending IP [198.51.100.45]. To request removal from',
  '    this list please visit https://sender.office.com/ and follow the',
  '    directions. (AS1430) (in reply to RCPT TO',
  '    command)',
  '',
  'Reporting-MTA: dns; mail.example.test',
  'Diagnostic-Code: smtp; 550 5.7.606 Access denied, banned sending IP',
  '    [198.51.100.45]. To request removal from this list please visit',
  '    https://sender.office.com/ and follow the directions. (AS1430)',
].join('\n');

const POSTFIX_FLATTENED = [
  '<b@example.test>: host gmail-smtp-in.l.google.com[2001:db8::1a]',
  '    said: 550-5.7.1 [2001:db8::10] Our system has detected that this',
  '    message does 550-5.7.1 not meet IPv6 sending guidelines regarding PTR',
  '    records and 550-5.7.1 authentication. Please review 550',
  '    5.7.1 . a1b2 - gsmtp (in reply to end of DATA command)',
].join('\n');

const EXIM_BOUNCE = [
  '  someone@example.test',
  '    host mx.example.test [192.0.2.20]',
  '    SMTP error from remote mail server after pipelined MAIL FROM:<a@example.org> SIZE=2538:',
  '    550 5.7.1 Client host [192.0.2.10] blocked using bl.spamcop.net',
  '  other@example.test',
  '    SMTP error from remote mail server after RCPT TO:<other@example.test>:',
  '    550 5.1.1 <other@example.test>: Recipient address rejected: User unknown',
].join('\n');

describe('findReplies', () => {
  it('when given a reply as a server sends it then its lines are kept as they are', () => {
    const [reply] = findReplies('550-5.7.26 first line\r\n550 5.7.26 second line');
    expect(reply).toMatchObject({
      code: 550,
      enhancedStatus: { class: 5, subject: 7, detail: 26 },
      lines: ['550-5.7.26 first line', '550 5.7.26 second line'],
      texts: ['5.7.26 first line', '5.7.26 second line'],
      stage: undefined,
    });
  });

  it('when Postfix wraps a quoted reply then it is joined, and its command is the stage', () => {
    const replies = findReplies(POSTFIX_BOUNCE);
    expect(replies).toHaveLength(1);
    expect(replies[0]!.stage).toBe('rcpt');
    expect(replies[0]!.lines).toEqual([
      '550 5.7.606 Access denied, banned sending IP [198.51.100.45]. To request removal ' +
        'from this list please visit https://sender.office.com/ and follow the directions. ' +
        '(AS1430)',
    ]);
  });

  it('when Postfix flattens a multi-line reply then its lines are rebuilt', () => {
    const [reply] = findReplies(POSTFIX_FLATTENED);
    expect(reply!.stage).toBe('message');
    expect(reply!.lines).toEqual([
      '550-5.7.1 [2001:db8::10] Our system has detected that this message does',
      '550-5.7.1 not meet IPv6 sending guidelines regarding PTR records and',
      '550-5.7.1 authentication. Please review',
      '550 5.7.1 . a1b2 - gsmtp',
    ]);
  });

  it('when Exim names the command on the line before then that is the stage', () => {
    const replies = findReplies(EXIM_BOUNCE);
    expect(replies.map((reply) => [reply.code, reply.stage])).toEqual([
      [550, 'mail'],
      [550, 'rcpt'],
    ]);
  });

  it("when Microsoft 365 writes Remote server returned '…' then the quotes go", () => {
    const ndr =
      "Remote server returned '550 5.7.708 Service unavailable. Access denied, traffic " +
      "not accepted from this IP. AS(7230) [eop.example.test 2026-10-05T07:25:04.852Z]'";
    const [reply] = findReplies(`Diagnostic information for administrators:\n${ndr}\n`);
    expect(reply!.lines).toEqual([
      '550 5.7.708 Service unavailable. Access denied, traffic not accepted from this IP. ' +
        'AS(7230) [eop.example.test 2026-10-05T07:25:04.852Z]',
    ]);
  });

  it('when text holds an apostrophe inside a quoted reply then only the last quote ends it', () => {
    const [reply] = findReplies(
      "said: '550 5.7.1 you weren't allowed' (in reply to RCPT TO command)",
    );
    expect(reply!.lines).toEqual(["550 5.7.1 you weren't allowed"]);
  });

  it('when a transcript of smtp-probe or sendmail is pasted then its markers and times go', () => {
    const transcript = [
      '<- 550-5.7.1 one',
      '<- 550 5.7.1 two                                       0.4 ms · permanent failure',
      '<<< 451 4.7.1 Try again later',
    ].join('\n');
    expect(findReplies(transcript).map((reply) => reply.lines)).toEqual([
      ['550-5.7.1 one', '550 5.7.1 two'],
      ['451 4.7.1 Try again later'],
    ]);
  });

  it('when a Postfix log line is pasted then its command is the stage and its trailer goes', () => {
    const log =
      'NOQUEUE: reject: RCPT from unknown[2001:db8::10]: 554 5.7.1 <b@example.test>: Relay ' +
      'access denied; from=<a@example.test> to=<b@example.test> proto=ESMTP helo=<x>';
    expect(findReplies(log)[0]).toMatchObject({
      stage: 'rcpt',
      lines: ['554 5.7.1 <b@example.test>: Relay access denied'],
    });
  });

  it('when the text has numbers that are no replies then none are found', () => {
    const log = [
      '2026-12-03 17:01:51 1a4USF-0001ig-0d <= a@example.test U=alexey P=local S=423 from <a>',
      'Arrival-Date: Wed, 5 Dec 2026 18:04:49 -0600 (CST)',
      'host mx.example.test[192.0.2.36] 104.47.8.36 AS(1430)',
    ].join('\n');
    expect(findReplies(log)).toEqual([]);
  });

  it('when a code comes alone then it is a reply without text', () => {
    expect(findReplies('554')[0]).toMatchObject({ code: 554, lines: ['554'], texts: [''] });
  });
});
