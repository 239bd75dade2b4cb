/**
 * Refusals of who is sending: SPF, DKIM and DMARC failures, missing reverse
 * DNS for the sending address, and an envelope sender whose domain does not
 * exist. In every one the sender's own setup is at fault, never the
 * recipient, which is what people most often get wrong about them.
 */
import { anyOf, type KnownCause } from '../known-cause.js';
import { outcomeOf } from '../reading.js';
import { POLICY, SENDER_ADDRESS } from './subjects.js';

const ANY_REFUSAL = ['4xx', '5xx'] as const;

export const SENDER_CAUSES: readonly KnownCause[] = [
  {
    id: 'dmarc-policy',
    codes: ANY_REFUSAL,
    subjects: POLICY,
    // "DMARC none" or a DMARC report address is no failure: the check's
    // outcome must be named with it.
    pattern: anyOf(
      outcomeOf(
        'DMARC',
        String.raw`fail(?:s|ed|ure)?|reject(?:s|ed|ion)?|polic(?:y|ies)|quarantine`,
      ),
      /\bfail(?:s|ed)? (?:the )?DMARC\b/,
    ),
    title: 'DMARC policy failure',
    cause:
      "the From domain's DMARC policy asks receivers to refuse mail that passes neither SPF " +
      "nor DKIM for that domain, and this mail passed neither: the sending domain's setup is " +
      'at fault',
    action:
      "put the sending IP in the From domain's SPF record and sign with DKIM as that domain " +
      '(or one of its subdomains); a forwarder on the way can break SPF, so DKIM matters most',
    source: 'https://www.rfc-editor.org/rfc/rfc7489',
  },
  {
    id: 'spf-error',
    codes: ANY_REFUSAL,
    subjects: POLICY,
    pattern: outcomeOf('SPF', String.raw`temperror|permerror|temporary error|permanent error`),
    title: 'SPF record could not be evaluated',
    cause:
      "the receiver could not evaluate the sender domain's SPF record: it has an error " +
      '(permerror, such as a syntax error or more than 10 DNS lookups) or DNS failed (temperror)',
    action:
      'check the SPF record with a validator and keep it within 10 DNS-querying terms ' +
      '(include, a, mx, ptr, exists, redirect)',
    source: 'https://www.rfc-editor.org/rfc/rfc7208#section-4.6.4',
  },
  {
    id: 'spf-fail',
    codes: ANY_REFUSAL,
    subjects: POLICY,
    pattern: anyOf(
      outcomeOf('SPF', String.raw`fail|not (?:authori[sz]ed|permitted|designated)`),
      outcomeOf('SPF', String.raw`does not (?:designate|permit)`),
      /\bfail(?:s|ed)? (?:to pass )?SPF\b/,
      /\bnot (?:authori[sz]ed|permitted) by (?:the )?(?:sender's |domain's )?SPF\b/,
    ),
    title: 'SPF failure',
    cause:
      "the sending IP address is not allowed by the SPF record of the envelope sender's " +
      'domain (MAIL FROM), and the receiver refuses mail that fails SPF',
    action:
      "add the sending IP, or the include: of the service that sends, to that domain's SPF " +
      'record; mail forwarded by another server fails SPF there',
    source: 'https://www.rfc-editor.org/rfc/rfc7208#section-8.4',
  },
  {
    id: 'dkim-fail',
    codes: ANY_REFUSAL,
    subjects: POLICY,
    pattern: anyOf(
      outcomeOf('DKIM', String.raw`fail|invalid|not valid|missing|required|bad signature`),
      /\b(?:no|invalid|failed) (?:valid |passing |acceptable )?DKIM\b/,
      /\bauthenticate with (?:a |an )?(?:valid )?DKIM\b/,
    ),
    title: 'DKIM failure',
    cause:
      'the message carries no DKIM signature the receiver accepts: none at all, a broken ' +
      'one, or one from a domain other than the From domain',
    action:
      'sign outgoing mail with DKIM as the From domain, and change nothing after signing ' +
      '(footers and rewriting on the way break signatures)',
    source: 'https://www.rfc-editor.org/rfc/rfc7372#section-3.1',
  },
  {
    id: 'sender-unauthenticated',
    codes: ANY_REFUSAL,
    subjects: POLICY,
    // Yahoo sends 5.7.9 (registered for a too weak AUTH mechanism) with
    // the same words as Gmail's 5.7.26.
    enhanced: ['X.7.26', 'X.7.1', 'X.7.9'],
    pattern: anyOf(
      /unauthenticated/,
      /authentication information/,
      /authentication checks/,
      /authenticate with (?:either )?SPF or DKIM/,
    ),
    title: 'sender not authenticated (SPF or DKIM)',
    cause:
      'the receiver wants every sender authenticated, and this mail passed neither SPF nor ' +
      'DKIM',
    action:
      'publish an SPF record that covers the sending IP address and sign the mail with DKIM; ' +
      "Gmail's sender guidelines require at least one of them",
    source: 'https://support.google.com/mail/answer/81126',
  },
  {
    id: 'no-reverse-dns',
    codes: ANY_REFUSAL,
    subjects: POLICY,
    pattern: anyOf(
      /(?:reverse dns|\brdns\b|\bptr\b).{0,60}?(?:missing|not found|not set|generic|invalid)/,
      /(?:reverse dns|\brdns\b|\bptr\b).{0,60}?(?:does not|doesn't|fail|mismatch)/,
      /(?:missing|no|without|lacks?|invalid|generic) (?:a )?(?:reverse dns|rdns|ptr)\b/,
      /not have a ptr record/,
      /cannot find your (?:reverse )?hostname/,
    ),
    title: 'no reverse DNS for the sending IP',
    cause:
      'the receiver refuses clients whose IP address has no reverse DNS (PTR) record, or one ' +
      'that looks generic or does not resolve back to the same address',
    action:
      'have the owner of the sending IP (the hosting provider or ISP) set a PTR record that ' +
      'names the mail server, make that name resolve back to the address, and use it in EHLO',
    source: 'https://www.rfc-editor.org/rfc/rfc7372#section-3.3',
  },
  {
    id: 'sender-domain-unknown',
    codes: ANY_REFUSAL,
    subjects: SENDER_ADDRESS,
    pattern: anyOf(
      /sender address rejected:? domain not found/,
      /sender domain (?:does not exist|not found|unknown)/,
      /domain of sender address .{0,60}?does not (?:exist|resolve)/,
    ),
    title: "the sender's domain does not exist",
    cause:
      'the receiver looked up the domain of the envelope sender (MAIL FROM) and found no MX ' +
      'or address for it, so no bounce could ever be returned',
    action:
      'send with a MAIL FROM address whose domain exists in public DNS, with an MX or an ' +
      'address record; with a 4xx, the lookup may only have failed for a moment',
    source: 'https://www.postfix.org/postconf.5.html#reject_unknown_sender_domain',
  },
];
