/**
 * The precision rules of the table of known causes, each with replies that
 * used to get a wrong cause: an address or a passing mention decided it, a
 * denial read as a listing, a refused sender was blamed on the recipient,
 * the sender's own quota read as a full mailbox, SPF or DKIM read as AUTH.
 */
import { describe, expect, it } from 'vitest';
import { explainReply } from '../../src/explain/explain.js';
import type { ExplainContext } from '../../src/explain/explanation.js';
import { findEnhancedStatusCode } from '../../src/protocol/reply.js';

/** The cause id the reply gets, or null. */
function causeOf(lines: readonly string[], context: ExplainContext = {}): string | null {
  const code = Number(lines[0]!.slice(0, 3));
  const texts = lines.map((line) => line.slice(4));
  const enhancedStatus = findEnhancedStatusCode(texts);
  return explainReply({ code, enhancedStatus, texts }, context).cause?.id ?? null;
}

type Case = readonly [reply: string, cause: string | null, context?: ExplainContext];

function check(cases: readonly Case[]): void {
  const rows = cases.map(([reply, cause, context]) => ({ reply, cause, context }));
  it.each(rows)('$reply → $cause', ({ reply, cause, context }) => {
    expect(causeOf([reply], context)).toBe(cause);
  });
}

describe('when an address names a list or a check then the address decides nothing', () => {
  check([
    [
      '550 <dmarc-policy@example.org>: Recipient address rejected: User unknown',
      'unknown-recipient',
    ],
    ['550 User unknown here: blocklist@example.org', 'unknown-recipient'],
    [
      '550 5.1.1 <abuse@dnsbl.example>: Recipient address rejected: User unknown',
      'unknown-recipient',
    ],
    [
      '550 5.1.1 <ops@spamcop.example>: Recipient address rejected: User unknown',
      'unknown-recipient',
    ],
  ]);
});

describe("when the enhanced code's subject contradicts a cause then the cause is not given", () => {
  check([
    ['550 5.1.1 User unknown. Note: this server uses Barracuda for filtering', 'unknown-recipient'],
    [
      '550 5.1.1 <b@example.org>: Recipient address rejected: User unknown; our policy is at ' +
        'https://www.spamhaus.org/',
      'unknown-recipient',
    ],
    ['550 5.1.1 Mailbox blocked using zen.spamhaus.org', null],
    ['550 5.2.2 Authentication required', null],
    ['421 4.3.2 System not accepting network messages; mailbox full', null],
  ]);
});

describe("when a list's name is only mentioned then it is no listing", () => {
  check([
    ['550 User unknown. This server uses Barracuda for filtering', 'unknown-recipient'],
    ['554 5.7.1 Message refused; we publish reports to SpamCop', null],
    ['554 5.7.1 Rejected by SORBS', 'sorbs-listed'],
  ]);
});

describe('when the text denies a listing or a failure then it is not read as one', () => {
  check([
    ['550 5.1.1 user unknown (not listed in spamhaus)', 'unknown-recipient'],
    ['550 Recipient unknown. Your IP is not on any blocklist.', 'unknown-recipient'],
    ['554 5.7.1 Your IP is not listed on any blacklist; message refused by content filter', null],
    ['550 User unknown (checked against RBL: clean)', 'unknown-recipient'],
    [
      '550 Recipient address rejected: user unknown. Not blocked using zen.spamhaus.org',
      'unknown-recipient',
    ],
    ['451 4.7.1 Temporary refusal; greylisting is not used here', null],
    ['550 5.7.1 DKIM: pass; ARC: fail; message rejected as spam', null],
    ['550 5.7.1 SPF pass, DKIM pass, but the content scored too high', null],
    // DMARC "none" is no DMARC failure; the DKIM failure is what the text says.
    ['550 5.7.1 SPF check passed, DKIM check failed, DMARC none', 'dkim-fail'],
    ['550 5.7.1 DKIM check passed, SPF check failed', 'spf-fail'],
  ]);

  describe('when the denial is inside the clauses the match spans', () => {
    check([
      ['550 5.7.1 Message rejected: your IP is not listed in Spamhaus', null],
      ['550 5.7.1 Spamhaus: not listed. Message rejected', null],
      ['550 5.7.1 Message rejected (IP not listed in SpamCop)', null],
      ['550 5.7.1 Rejected: RBL check passed, content filter blocked', null],
      ['451 4.7.1 Greylisting disabled for your network; try again later', 'policy-deferral'],
      ['550 5.7.1 Client host [192.0.2.10] blocked using zen.spamhaus.org', 'spamhaus-listed'],
    ]);
  });

  it('then a later listing in the same text still counts', () => {
    const reply =
      '554 5.7.1 Client host [192.0.2.10] not listed in a.example; blocked using bl.spamcop.net';
    expect(causeOf([reply])).toBe('spamcop-listed');
  });
});

describe('when the sender is refused then the recipient is never blamed', () => {
  const mail = { stage: 'mail' } as const;
  check([
    [
      '550 5.1.1 <a@example.test>: Sender address rejected: User unknown in local recipient table',
      'sender-rejected',
      mail,
    ],
    ['553 5.1.0 <a@example.test>: Sender address rejected: User unknown', 'sender-rejected'],
    [
      '550 5.1.8 <a@example.test>: Sender address rejected: undeliverable address: host ' +
        'mx.example.test[192.0.2.1] said: 550 5.1.1 <a@example.test>: Recipient address ' +
        'rejected: User unknown',
      'sender-rejected',
      mail,
    ],
    ['550 5.1.1 User unknown', 'sender-unknown', mail],
    ['552 5.2.2 Mailbox full', null, mail],
    ['550 5.1.1 User unknown', 'unknown-recipient', { stage: 'rcpt' }],
  ]);
});

describe('when the domain is what is not found then no mailbox is blamed', () => {
  check([
    ['553 5.1.2 Recipient domain example.invalid not found', 'recipient-domain-unknown'],
    ['550 5.1.2 User unknown', null],
    ['550 Recipient address rejected: domain example.invalid does not exist', null],
    ['550 5.1.1 Recipient address rejected: User unknown', 'unknown-recipient'],
  ]);
});

describe("when a quota is the sender's then it is no full mailbox", () => {
  check([
    ['550 5.4.5 Daily user sending quota exceeded. See https://support.example.test/166852', null],
    ['550 Daily user sending quota exceeded', null],
    ['451 4.7.1 Sender quota exceeded for this account', null],
    ['552 Over quota', null],
    ['552 5.2.2 Daily sending quota exceeded', null],
    ['550 5.2.1 Mailbox unavailable. Your quota for sending has been exceeded', null],
    ['552 5.2.2 Quota for sending mail exceeded, try tomorrow', null],
    ['552 5.2.2 <b@example.test>: Mailbox quota exceeded', 'mailbox-full'],
  ]);
});

describe('when SPF, DKIM or DMARC are named then it is no AUTH login problem', () => {
  check([
    ['550 5.7.1 Senders must authenticate with SPF or DKIM', 'sender-unauthenticated'],
    ['550 5.7.1 You must authenticate with a DKIM signature from your From domain', 'dkim-fail'],
    ['554 5.7.1 DKIM authentication failed', 'dkim-fail'],
  ]);
});

describe('when a temporary refusal has a cause nobody sourced then none is named', () => {
  check([
    [
      '451 4.7.650 The mail server [192.0.2.10] has been temporarily rate limited due to IP ' +
        'reputation.',
      null,
    ],
    ['454 4.7.0 Too many login attempts, please try again later', null, { stage: 'auth' }],
    ['454 4.7.0 Temporary authentication failure', 'auth-temporary', { stage: 'auth' }],
  ]);
});

describe('when only the last line of a reply carries the enhanced code', () => {
  it('then it is the reply’s code, and the cause that needs it is named', () => {
    const lines = [
      '550-mx.example.test',
      '550-Please read the policy at https://policy.example.test/',
      '550 5.7.606 Access denied, banned sending IP [198.51.100.45]',
    ];
    expect(causeOf(lines)).toBe('microsoft-banned-ip');
  });
});
