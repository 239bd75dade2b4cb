/**
 * Real-shaped 4xx/5xx replies, one or more for every entry of the table of
 * known causes, and replies that must not be given a particular cause.
 * Shaped after replies quoted in public bounces and provider pages, with
 * example.test names and documentation addresses.
 */
import type { ExplainContext } from '../../src/explain/explanation.js';

/** A reply as lines on the wire, with what the session knew. */
export interface Sample {
  readonly lines: readonly string[];
  readonly context?: ExplainContext;
  /** Words the filled-in cause must contain. */
  readonly says?: RegExp;
}

const GMAIL_DMARC = [
  '550-5.7.26 Unauthenticated mail from example.test is refused because of',
  "550-5.7.26 that domain's DMARC policy. Ask the administrator of example.test",
  '550-5.7.26 to fix authentication if this message is legitimate. About DMARC:',
  '550 5.7.26 https://support.example.test/mail/?p=DmarcRejection a1b2 - xsmtp',
];

const GMAIL_UNAUTHENTICATED = [
  '550-5.7.26 This mail has been blocked because the sender is unauthenticated.',
  '550-5.7.26 Gmail requires all senders to authenticate with either SPF or DKIM.',
  '550-5.7.26  Authentication results:',
  '550-5.7.26  DKIM = did not pass',
  '550-5.7.26  SPF [example.test] with ip: [192.0.2.10] = did not pass',
  '550 5.7.26 https://support.google.com/mail/answer/81126 a1b2 - gsmtp',
];

const GMAIL_IPV6 = [
  '550-5.7.1 [2001:db8::10] Our system has detected that this message does',
  '550-5.7.1 not meet IPv6 sending guidelines regarding PTR records and',
  '550-5.7.1 authentication. Please review',
  '550-5.7.1 https://support.google.com/mail/?p=IPv6AuthError for more information',
  '550 5.7.1 . a1b2 - gsmtp',
];

/** Every entry of the table, by id, with replies it must be recognised in. */
export const POSITIVE: Readonly<Record<string, readonly Sample[]>> = {
  'microsoft-banned-ip': [
    {
      lines: [
        '550 5.7.606 Access denied, banned sending IP [192.0.2.10]. To request removal from ' +
          'this list please visit https://sender.office.com/ and follow the directions. ' +
          '(AS16012609) [eop.example.test]',
      ],
      says: /192\.0\.2\.10/,
    },
    { lines: ['550 5.7.649 Access denied, banned sending IP [2001:db8::25]; (AS1430)'] },
  ],
  'microsoft-tenant-blocked': [
    {
      lines: [
        '550 5.7.708 Service unavailable. Access denied, traffic not accepted from this IP. ' +
          'Info: https://help.example.test/?LinkId=526653 AS(7230) [eop.example.test]',
      ],
    },
    { lines: ['550 5.7.705 Access denied, tenant has exceeded threshold.'] },
  ],
  'microsoft-throttled': [
    { lines: ['451 4.7.500 Server busy. Please try again later from [192.0.2.10]. (AS77712)'] },
    { lines: ['451 4.7.550 Access denied, please try again later'] },
  ],
  'microsoft-smtp-auth-disabled': [
    {
      lines: [
        '535 5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled for ' +
          'the Tenant. Visit https://aka.ms/smtp_auth_disabled for more information.',
      ],
    },
  ],
  'gmail-ipv6-ptr': [{ lines: GMAIL_IPV6 }],
  'gmail-unsolicited-rate': [
    {
      lines: [
        '421-4.7.28 Gmail has detected an unusual rate of unsolicited mail originating',
        '421 4.7.28 from your SPF domain [example.test]. a1b2 - gsmtp',
      ],
    },
    {
      lines: [
        '550-5.7.1 Our system has detected an unusual rate of unsolicited mail originating',
        '550 5.7.1 from your IP address. Mail sent from your IP address has been blocked.',
      ],
    },
  ],
  'gmail-low-reputation': [
    {
      lines: [
        '550-5.7.1 Our system has detected that this message is likely unsolicited mail.',
        '550 5.7.1 To reduce the amount of spam sent to Gmail, this message has been blocked.',
      ],
    },
  ],
  'gmail-ip-not-allowed': [{ lines: ['421 4.7.0 IP not in whitelist for RCPT domain, closing'] }],
  'gmail-recipient-rate': [
    {
      lines: [
        '450-4.2.1 The user you are trying to contact is receiving mail too quickly. Please',
        '450 4.2.1 resend your message at a later time. a1b2 - gsmtp',
      ],
    },
  ],
  'spamhaus-open-resolver': [
    {
      lines: [
        '554 5.7.1 Service unavailable; Client host [192.0.2.10] blocked using ' +
          'zen.spamhaus.org; Error: open resolver; ' +
          'https://check.spamhaus.org/returnc/pub/198.51.100.53/',
      ],
    },
    { lines: ['550 Error: open resolver; https://www.spamhaus.org/returnc/pub/2001:db8::53'] },
  ],
  'spamhaus-query-limit': [
    {
      lines: [
        '554 5.7.1 Service unavailable; Client host [192.0.2.10] blocked using ' +
          'zen.spamhaus.org; Error: excessive number of queries; ' +
          'https://www.spamhaus.org/returnc/vol/198.51.100.53',
      ],
    },
  ],
  'spamhaus-dbl': [
    {
      lines: [
        '554 5.7.1 Service unavailable; Sender address [a@example.test] blocked using ' +
          'dbl.spamhaus.org; https://www.spamhaus.org/query/dbl?domain=example.test',
      ],
    },
    { lines: ['550 5.7.1 Service unavailable, Helo domain is listed in Spamhaus. (S8001)'] },
  ],
  'spamhaus-pbl': [
    {
      lines: [
        '554 5.7.1 Service unavailable; Client host [192.0.2.10] blocked using ' +
          'pbl.spamhaus.org; https://www.spamhaus.org/pbl/query/PBL1234567',
      ],
    },
  ],
  'spamhaus-listed': [
    {
      lines: [
        '554 5.7.1 Service unavailable; Client host [192.0.2.10] blocked using ' +
          'zen.spamhaus.org; https://www.spamhaus.org/query/ip/192.0.2.10',
      ],
    },
    {
      lines: [
        '550 5.7.1 Service unavailable, Client host [192.0.2.10] blocked using Spamhaus. ' +
          'To request removal from this list see https://www.spamhaus.org/query/lookup/',
      ],
    },
  ],
  'spamcop-listed': [
    {
      lines: [
        '554 5.7.1 Service unavailable; Client host [192.0.2.10] blocked using ' +
          'bl.spamcop.net; Blocked - see https://www.spamcop.net/bl.shtml?192.0.2.10',
      ],
    },
  ],
  'barracuda-listed': [
    { lines: ['554 Refused. Your IP address is listed in the RBL at b.barracudacentral.org'] },
  ],
  'uceprotect-network': [
    {
      lines: [
        '554 5.7.1 Service unavailable; Client host [192.0.2.10] blocked using ' +
          'dnsbl-3.uceprotect.net; Your provider AS64496 is UCEPROTECT-Level3 listed',
      ],
    },
  ],
  'uceprotect-listed': [
    {
      lines: [
        '554 5.7.1 Service unavailable; Client host [192.0.2.10] blocked using ' +
          'dnsbl-1.uceprotect.net; IP 192.0.2.10 is UCEPROTECT-Level1 listed',
      ],
    },
  ],
  'sorbs-listed': [
    {
      lines: [
        '554 5.7.1 Service unavailable; Client host [192.0.2.10] blocked using ' +
          'dnsbl.sorbs.net; Currently Sending Spam See: http://www.sorbs.net/lookup.shtml',
      ],
    },
  ],
  'dnsbl-named': [
    {
      lines: [
        '554 5.7.1 Service unavailable; Client host [192.0.2.10] blocked using ' +
          'bl.blocklist.example; see https://blocklist.example/lookup',
      ],
      says: /bl\.blocklist\.example/,
    },
  ],
  blocklist: [
    {
      lines: [
        "550 5.7.1 Unfortunately, messages from [192.0.2.10] weren't sent. Please contact " +
          'your Internet service provider since part of their network is on our block list ' +
          '(S3150).',
      ],
    },
    { lines: ['554 5.7.1 <a@example.test>: Sender address rejected: blacklisted'] },
  ],
  'legacy-tls': [
    {
      lines: [
        '421 4.7.66 TLS 1.0 and 1.1 are not supported. Please upgrade/update your client to ' +
          'support TLS 1.2. Visit https://aka.ms/smtp_auth_tls. [MW4PR.example.test]',
      ],
      context: { tlsProtocol: 'TLSv1.1' },
      says: /this session negotiated TLSv1\.1/,
    },
    {
      lines: [
        '421 4.7.66 Legacy TLS (1.0/1.1) is refused here; upgrade the client to TLS 1.2 or ' +
          'newer. See https://help.example.test/smtp_auth_tls',
      ],
    },
  ],
  'auth-needs-encryption': [
    { lines: ['538 5.7.11 Encryption required for requested authentication mechanism'] },
  ],
  'starttls-required': [
    { lines: ['530 5.7.0 Must issue a STARTTLS command first'] },
    { lines: ['421 4.7.0 TLS required for RCPT domain, closing connection. a1b2 - gsmtp'] },
  ],
  'auth-app-password': [
    {
      lines: [
        '534-5.7.9 Application-specific password required. Learn more at',
        '534 5.7.9 https://support.google.com/mail/?p=InvalidSecondFactor a1b2 - gsmtp',
      ],
    },
  ],
  'auth-temporary': [
    { lines: ['454 4.7.0 Temporary authentication failure: authentication backend unreachable'] },
    { lines: ['454 4.7.0 Cannot authenticate due to temporary system problem. Try again later.'] },
  ],
  'auth-failed': [
    { lines: ['535 5.7.8 Error: authentication failed: authentication failure'] },
    {
      lines: [
        '535-5.7.8 Username and Password not accepted. Learn more at',
        '535 5.7.8 https://support.google.com/mail/?p=BadCredentials a1b2 - gsmtp',
      ],
    },
    { lines: ['535 5.7.8 Authentication credentials invalid'] },
  ],
  'auth-too-weak': [{ lines: ['534 5.7.9 Authentication mechanism is too weak'] }],
  'auth-password-transition': [{ lines: ['432 4.7.12 A password transition is needed'] }],
  'auth-required': [
    { lines: ['530 5.7.0 Authentication required'] },
    {
      lines: [
        '530 5.7.57 Client was not authenticated to send anonymous mail during MAIL FROM ' +
          '[AM6PR0732.eurprd07.prod.outlook.example]',
      ],
    },
    { lines: ['530 5.7.57 Anonymous submission is not allowed here; authenticate first'] },
  ],
  'relay-denied': [
    { lines: ['554 5.7.1 <b@elsewhere.test>: Relay access denied'] },
    { lines: ['550 5.7.54 SMTP; Unable to relay recipient in non-accepted domain'] },
  ],
  'ehlo-name-rejected': [
    { lines: ['504 5.5.2 <localhost>: Helo command rejected: need fully-qualified hostname'] },
    { lines: ['421 4.7.1 EHLO name probe.example.test does not match the DNS of 192.0.2.10'] },
    { lines: ['501 5.5.4 HELO/EHLO argument is invalid. a1b2 - gsmtp'] },
  ],
  'ehlo-required': [
    { lines: ['503 bad sequence of commands'], context: { stage: 'mail', afterHelo: true } },
  ],
  'dmarc-policy': [
    { lines: GMAIL_DMARC },
    { lines: ['550 5.7.1 Email rejected per DMARC policy for example.test'] },
  ],
  'spf-error': [{ lines: ['550 5.7.24 SPF permerror: too many DNS lookups for example.test'] }],
  'spf-fail': [
    { lines: ['550 5.7.1 Sender IP not authorized by SPF'] },
    {
      lines: [
        '550 5.7.23 Message rejected due to: SPF fail - not authorized. Please see ' +
          'http://www.open-spf.org/Why?s=mfrom;id=a@example.test;ip=192.0.2.10',
      ],
    },
    {
      lines: [
        '550-5.7.26 This message fails to pass SPF checks for an SPF record with a hard fail',
        '550 5.7.26 policy (-all). To best protect our users, the message has been blocked.',
      ],
    },
  ],
  'dkim-fail': [
    { lines: ['550 5.7.20 No passing DKIM signature found'] },
    { lines: ['550 5.7.1 You must authenticate with a DKIM signature from your From domain'] },
  ],
  'sender-unauthenticated': [
    { lines: GMAIL_UNAUTHENTICATED },
    {
      lines: [
        '550 5.7.9 This message was blocked because the sender is unauthenticated. The ' +
          'receiver requires every sender to authenticate with either SPF or DKIM.',
      ],
    },
    { lines: ['550 5.7.1 Senders must authenticate with SPF or DKIM'] },
  ],
  'no-reverse-dns': [
    {
      lines: [
        '554-mx.example.test Service not available',
        '554-No SMTP service for this client',
        '554-Reverse DNS (PTR) for 192.0.2.10 is missing or looks generic.',
        '554 Details: https://postmaster.example.test/errors?c=rdns',
      ],
    },
    {
      lines: [
        '550-5.7.25 [192.0.2.10] The IP address sending this message does not have a PTR',
        '550-5.7.25 record setup, or the corresponding forward DNS entry does not point to',
        '550 5.7.25 the sending IP. a1b2 - gsmtp',
      ],
    },
    { lines: ['450 4.7.25 Client host rejected: cannot find your hostname, [192.0.2.10]'] },
  ],
  'sender-domain-unknown': [
    { lines: ['450 4.1.8 <a@nowhere.example>: Sender address rejected: Domain not found'] },
  ],
  'recipient-domain-unknown': [
    { lines: ['450 4.1.2 <b@nowhere.example>: Recipient address rejected: Domain not found'] },
    {
      lines: [
        "553-5.1.2 We weren't able to find the recipient domain. Please check for any",
        '553 5.1.2 spelling errors. a1b2 - gsmtp',
      ],
    },
  ],
  'unknown-recipient': [
    {
      lines: [
        '550 5.1.1 <b@example.test>: Recipient address rejected: User unknown in virtual ' +
          'mailbox table',
      ],
    },
    {
      lines: [
        '550-5.1.1 The email account that you tried to reach does not exist. Please try',
        '550 5.1.1 double-checking the recipient address for typos. a1b2 - gsmtp',
      ],
    },
    { lines: ['550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP lookup'] },
    { lines: ['550 5.1.1 RESOLVER.ADR.RecipNotFound; not found'] },
  ],
  'mailbox-full': [
    { lines: ['452 4.2.2 The email account that you tried to reach is over quota.'] },
    { lines: ['552 5.2.2 <b@example.test>: Recipient address rejected: Mailbox full'] },
    // X.2.2 says whose quota it is.
    { lines: ['452 4.2.2 Over quota, please try again later'] },
  ],
  'server-storage-full': [{ lines: ['452 4.3.1 Insufficient system storage'] }],
  'message-too-large': [
    { lines: ['552 5.3.4 Message size exceeds fixed maximum message size'] },
    {
      lines: [
        '552-5.2.3 Your message is larger than this server accepts. Limits:',
        '552 5.2.3 https://help.example.test/size q9 - xsmtp',
      ],
    },
    { lines: ["552-5.2.3 Your message exceeded Google's message size limits."] },
  ],
  'attachment-refused': [
    {
      lines: [
        '552-5.7.0 This message was blocked because its content presents a potential',
        '552 5.7.0 security issue. a1b2 - gsmtp',
      ],
    },
    { lines: ['554 5.7.1 Message rejected: illegal attachment type (.exe)'] },
  ],
  'bare-lf': [{ lines: ['521 5.5.2 mx.example.test Error: bare <LF> received'] }],
  greylisting: [
    {
      lines: [
        '450 4.2.0 <b@example.test>: Recipient address rejected: Greylisted, see ' +
          'https://greylist.example.test/help/example.test.html',
      ],
    },
    { lines: ['422 4.2.2 Greylisted, come back in a few minutes'] },
    { lines: ['451 4.7.1 Greylisting in action, please come back later'] },
  ],
  'rate-limit': [
    { lines: ['421 4.7.0 mx.example.test Error: too many connections from 192.0.2.10'] },
    { lines: ['450 4.7.1 <b@example.test>: Recipient address rejected: rate limit exceeded'] },
    { lines: ['421 Too many concurrent SMTP connections from this IP address; try later'] },
    {
      lines: [
        '421 4.3.2 The maximum number of concurrent connections has exceeded a limit, ' +
          'closing transmission channel',
      ],
    },
  ],
  'sender-rejected': [
    {
      lines: ['553 5.1.0 <a@example.test>: Sender address rejected: User unknown in local table'],
    },
    {
      lines: ['550 5.1.1 <a@example.test>: Sender address rejected: User unknown in local table'],
      context: { stage: 'mail' },
    },
  ],
  'sender-unknown': [
    { lines: ['550 5.1.1 User unknown'], context: { stage: 'mail' } },
    { lines: ['550 No such user here'], context: { stage: 'mail' } },
  ],
  'too-many-recipients': [{ lines: ['452 4.5.3 Too many recipients'] }],
  'idle-timeout': [{ lines: ['451 4.4.2 Timeout waiting for data from client.'] }],
  'processing-timeout': [
    { lines: ['421 4.4.2 Timeout - closing connection'], context: { stage: 'message' } },
  ],
  'policy-deferral': [
    { lines: ['451 4.7.1 Try again later'] },
    { lines: ['421 4.7.0 Try again later, closing connection. a1b2 - gsmtp'] },
  ],
};

/** Replies that must get exactly this cause (an id), or none (null). */
export const NEGATIVE: readonly (Sample & { readonly cause: string | null })[] = [
  // The point of the table: an unknown user is never a block list hit.
  {
    lines: ['550 5.1.1 <b@example.test>... User unknown; the address is blocked for good'],
    cause: 'unknown-recipient',
  },
  { lines: ['550 Requested action not taken: mailbox unavailable'], cause: null },
  { lines: ['550 5.7.1 <b@example.test>: Recipient address rejected: Access denied'], cause: null },
  { lines: ['554 5.7.1 Spam message rejected'], cause: null },
  { lines: ['451 4.3.0 Temporary lookup failure'], cause: null },
  { lines: ['451 4.3.0 Try again later'], cause: null },
  { lines: ['550 5.7.30 REQUIRETLS support required'], cause: null },
  { lines: ['550 5.2.1 The email account that you tried to reach is disabled.'], cause: null },
  { lines: ['554 5.6.0 Message exceeded 50 hops, this may indicate a mail loop.'], cause: null },
  { lines: ['550 5.1.1 Recipient not listed in public directory'], cause: null },
  { lines: ['454 4.7.0 TLS not available due to local problem'], cause: null },
  { lines: ['503 5.5.1 EHLO/HELO first.'], cause: null },
  { lines: ['503 bad sequence of commands'], context: { stage: 'mail' }, cause: null },
  { lines: ['421 4.4.2 Timeout - closing connection'], context: { stage: 'rcpt' }, cause: null },
  { lines: ['550 5.7.1 <b@example.test>: Relay access denied'], cause: 'relay-denied' },
  {
    lines: ['450 4.2.0 <b@example.test>: Recipient address rejected: Greylisted'],
    cause: 'greylisting',
  },
  // Greylisting is temporary by nature: a 5xx naming it is something else.
  { lines: ['550 5.1.1 <b@example.test>: Recipient address rejected: Greylisted'], cause: null },
  {
    lines: ['550 5.7.1 <b@example.test>: Sender address rejected: Domain not found'],
    cause: 'sender-domain-unknown',
  },
  { lines: ['452 4.3.1 Insufficient system storage'], cause: 'server-storage-full' },
  { lines: ['552 5.2.2 Mailbox full'], cause: 'mailbox-full' },
];
