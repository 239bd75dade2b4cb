/**
 * Rejections in the large providers' own words and codes: Microsoft 365
 * (Exchange Online) and Gmail. Checked first, since their texts are the most
 * specific; each entry cites the provider's page that documents it.
 */
import type { KnownCause } from '../known-cause.js';
import { MAILBOX, POLICY } from './subjects.js';

const MICROSOFT_EXTERNAL_SENDERS =
  'https://learn.microsoft.com/en-us/defender-office-365/' +
  'external-senders-mail-flow-troubleshooting';
const MICROSOFT_NDR_5_7_7XX =
  'https://learn.microsoft.com/en-us/exchange/mail-flow-best-practices/' +
  'non-delivery-reports-in-exchange-online/fix-error-code-5-7-700-through-5-7-750';
const MICROSOFT_NDR_4_7_5XX =
  'https://learn.microsoft.com/en-us/exchange/troubleshoot/email-delivery/ndr/' +
  'fix-error-code-451-4-7-500-699-asxxx-in-exchange-online';
const MICROSOFT_SMTP_AUTH =
  'https://learn.microsoft.com/en-us/exchange/clients-and-mobile-in-exchange-online/' +
  'authenticated-client-smtp-submission';
const GMAIL_ERRORS = 'https://support.google.com/a/answer/3726730';
const GMAIL_SENDER_GUIDELINES = 'https://support.google.com/mail/answer/81126';

export const PROVIDER_CAUSES: readonly KnownCause[] = [
  {
    id: 'microsoft-banned-ip',
    codes: ['5xx'],
    subjects: POLICY,
    enhanced: ['5.7.606-649'],
    pattern: /banned sending IP \[(?<ip>[0-9a-f.:]+)\]/i,
    title: "sending IP on Microsoft 365's block list",
    cause:
      'Microsoft 365 (Exchange Online Protection) has the sending IP address {ip} on its ' +
      'own block list: the address is refused, not the recipient',
    action:
      'ask Microsoft to remove the address with its delist portal, https://sender.office.com/; ' +
      'first stop whatever sent unwanted mail from it',
    source: MICROSOFT_EXTERNAL_SENDERS,
  },
  {
    id: 'microsoft-tenant-blocked',
    codes: ['5xx'],
    subjects: POLICY,
    enhanced: ['5.7.705', '5.7.708'],
    pattern: /tenant has exceeded threshold|traffic not accepted from this IP/i,
    title: 'Microsoft 365 blocks the sending tenant or IP',
    cause:
      'Microsoft 365 refuses this traffic for the reputation of the sending tenant or IP ' +
      'address (its 5.7.7xx codes are blocks on the sender, not problems of the recipient)',
    action:
      'if the mail leaves through a Microsoft 365 tenant, its admin stops whatever sent ' +
      'spam or bulk mail and then asks Microsoft support to lift the block',
    source: MICROSOFT_NDR_5_7_7XX,
  },
  {
    id: 'microsoft-throttled',
    codes: ['4xx'],
    subjects: POLICY,
    enhanced: ['4.7.500-699'],
    pattern: /server busy|access denied,? please try again later|try again later/i,
    title: 'Microsoft 365 throttles a new sender',
    cause:
      'Microsoft 365 slows down mail from an IP address that is new to it or has changed ' +
      'how much it sends, until the address has a sending history',
    action:
      'nothing is broken: retry later (a sending MTA does), and raise the volume from a ' +
      'new address gradually',
    source: MICROSOFT_NDR_4_7_5XX,
  },
  {
    id: 'microsoft-smtp-auth-disabled',
    codes: [535],
    subjects: POLICY,
    enhanced: ['5.7.139'],
    pattern: /SmtpClientAuthentication is disabled|basic authentication is disabled/i,
    title: 'SMTP AUTH disabled in Microsoft 365',
    cause:
      'Microsoft 365 has authenticated SMTP turned off for this mailbox or tenant, or ' +
      'refuses password (basic) authentication: the password itself may be right',
    action:
      'an admin turns SMTP AUTH on for the mailbox, or the client signs in with OAuth 2.0 ' +
      '(XOAUTH2) instead of a password',
    source: MICROSOFT_SMTP_AUTH,
  },
  {
    id: 'gmail-ipv6-ptr',
    codes: ['4xx', '5xx'],
    subjects: POLICY,
    pattern: /IPv6 sending guidelines|IPv6AuthError|ipv6_authentication_error/i,
    title: 'IPv6 sender without PTR or authentication (Gmail)',
    cause:
      'Gmail holds mail that arrives over IPv6 to stricter rules: the sending IPv6 address ' +
      'needs a PTR record that resolves back to it, and the mail must pass SPF or DKIM',
    action:
      'give the IPv6 address a PTR record naming the mail server (resolving back to the ' +
      'same address) and make SPF or DKIM pass, or send to Gmail over IPv4 meanwhile',
    source: GMAIL_SENDER_GUIDELINES,
  },
  {
    id: 'gmail-unsolicited-rate',
    codes: ['4xx', '5xx'],
    subjects: POLICY,
    pattern: /unusual rate of unsolicited mail/i,
    title: 'Gmail limits an unusual rate of unsolicited mail',
    cause:
      'Gmail has seen an unusual rate of unsolicited mail from this IP address (or its ' +
      'network, or its SPF domain) and holds it back: for now with a 4xx, outright with a 5xx',
    action:
      'send less and more slowly, look for a compromised account or a bad list (complaints, ' +
      'unknown recipients), and make sure SPF, DKIM and DMARC pass; a 4xx eases over time',
    source: GMAIL_ERRORS,
  },
  {
    id: 'gmail-low-reputation',
    codes: ['5xx'],
    subjects: POLICY,
    pattern: /likely (?:unsolicited mail|suspicious)|very low reputation of the sending/i,
    title: 'Gmail judged the message as likely spam',
    cause:
      "Gmail judged this message likely unsolicited, from its content and the sender's " +
      'reputation',
    action:
      "check the domain's and the IP's reputation in Gmail's Postmaster Tools, make SPF, " +
      'DKIM and DMARC pass, and send only mail the recipients asked for',
    source: GMAIL_ERRORS,
  },
  {
    id: 'gmail-ip-not-allowed',
    codes: ['4xx', '5xx'],
    subjects: POLICY,
    pattern: /IP not in whitelist for RCPT domain/i,
    title: "sending IP not on the recipient domain's allow list (Gmail)",
    cause:
      "the recipient's Google Workspace domain takes mail only from the addresses it lists " +
      '(an inbound gateway), and this IP address is not one of them',
    action:
      "the recipient domain's admin adds the address, or the mail goes through the gateway " +
      'that domain lists',
    source: GMAIL_ERRORS,
  },
  {
    id: 'gmail-recipient-rate',
    codes: ['4xx'],
    subjects: MAILBOX,
    pattern: /receiving (?:e-?mail|mail) (?:too quickly|at a rate)/i,
    title: 'the recipient receives mail too fast (Gmail)',
    cause: "the recipient's mailbox is receiving more mail than Gmail will deliver to it just now",
    action: 'retry later, as a sending MTA does; the sender is not at fault',
    source: GMAIL_ERRORS,
  },
];
