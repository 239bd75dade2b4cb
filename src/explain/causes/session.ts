/**
 * Refusals of the session rather than of the message: TLS required or too
 * old, AUTH required, failed or temporarily impossible (RFC 4954 §6 tells
 * 454 from 535), relaying denied, and the EHLO or HELO name refused.
 */
import { anyOf, type KnownCause } from '../known-cause.js';
import { POLICY, PROTOCOL_OR_POLICY, RELAY } from './subjects.js';

const RFC3207 = 'https://www.rfc-editor.org/rfc/rfc3207#section-4';
const RFC4954 = 'https://www.rfc-editor.org/rfc/rfc4954#section-6';
const LEGACY_TLS =
  'https://learn.microsoft.com/en-us/exchange/clients-and-mobile-in-exchange-online/' +
  'opt-in-exchange-online-endpoint-for-legacy-tls-using-smtp-auth';

const ANY_REFUSAL = ['4xx', '5xx'] as const;

// "Senders must authenticate with SPF or DKIM" is about the sending domain,
// not about logging in with AUTH.
const SENDER_CHECKS = /\b(?:SPF|DKIM|DMARC|ARC)\b/i;

export const SESSION_CAUSES: readonly KnownCause[] = [
  {
    id: 'legacy-tls',
    codes: ANY_REFUSAL,
    subjects: POLICY,
    pattern: anyOf(
      /legacy TLS/,
      /TLS ?v?1\.[01]\b.{0,40}?(?:not supported|refused|disabled|deprecated|not allowed)/,
      /TLS version.{0,30}?(?:too old|not supported|unsupported)/,
    ),
    tellsTlsVersion: true,
    title: 'TLS version too old',
    cause: 'the server refuses the TLS version the client negotiated: it wants TLS 1.2 or newer',
    action:
      'enable TLS 1.2 or 1.3 in the client (old libraries, runtimes and devices may need an ' +
      "update); smtp-probe's --tls-min and --tls-max show which versions the server takes",
    source: LEGACY_TLS,
  },
  {
    id: 'auth-needs-encryption',
    codes: [538, 530, 523, 524],
    subjects: POLICY,
    pattern: /encryption (?:is )?(?:required|needed) for (?:the )?requested auth/i,
    title: 'AUTH mechanism needs TLS',
    cause: 'the server allows this authentication mechanism only over an encrypted connection',
    action: 'start TLS first (STARTTLS, or implicit TLS on port 465), then authenticate',
    source: RFC4954,
  },
  {
    id: 'starttls-required',
    codes: ANY_REFUSAL,
    subjects: PROTOCOL_OR_POLICY,
    pattern: anyOf(
      /must issue a STARTTLS/,
      /STARTTLS (?:is )?(?:required|first)/,
      /(?:TLS|encryption) (?:is )?(?:required|needed|mandatory)/,
      /(?:encrypted|secure) connection (?:is )?(?:required|needed|mandatory)/,
      /must use (?:STARTTLS|TLS)/,
    ),
    title: 'TLS required',
    cause: 'the server takes this command only inside an encrypted session',
    action:
      'start TLS before this command: smtp-probe does when STARTTLS is offered (not with ' +
      '--starttls never); in a mail client, turn on STARTTLS (port 587) or TLS (port 465)',
    source: RFC3207,
  },
  {
    id: 'auth-app-password',
    codes: [534, 535],
    subjects: PROTOCOL_OR_POLICY,
    pattern: /application-specific password/i,
    title: 'app password required',
    cause:
      'the account uses 2-step verification, and the provider takes an app password (or ' +
      'OAuth 2.0) from mail programs instead of the account password',
    action: 'create an app password for this program, or sign in with OAuth 2.0 (XOAUTH2)',
    source: 'https://support.google.com/accounts/answer/185833',
  },
  {
    id: 'auth-temporary',
    codes: [454],
    subjects: PROTOCOL_OR_POLICY,
    pattern: /auth|credential|log ?in|password/i,
    // "Too many login attempts" is failed logins piling up, where keeping
    // the password is the wrong advice.
    unless: /too many|attempts|repeated|failures/i,
    title: 'authentication temporarily unavailable',
    cause:
      'the server could not check the credentials this time (its authentication backend ' +
      'failed, or it slows down repeated logins): the password may well be right',
    action:
      'do not change the password; retry later, and not in a tight loop, since repeated ' +
      'failures can lock the account',
    source: RFC4954,
  },
  {
    id: 'auth-failed',
    codes: [535, 554],
    subjects: PROTOCOL_OR_POLICY,
    unless: SENDER_CHECKS,
    pattern: anyOf(
      /authentication (?:failed|unsuccessful|credentials invalid)/,
      /(?:user ?name|password|credentials?)\b.{0,40}?\b(?:not accepted|rejected)/,
      /(?:user ?name|password|credentials?)\b.{0,40}?\b(?:invalid|incorrect|wrong)/,
      /invalid (?:credentials|login|user ?name|password)/,
      /bad (?:user ?name|password|credentials)/,
    ),
    title: 'authentication failed',
    cause: 'the server checked the user name and password (or token) and rejected them',
    action:
      'check the user name (often the full address) and the password; providers with 2-step ' +
      'verification want an app password or OAuth 2.0; failures in a row can lock the account',
    source: RFC4954,
  },
  {
    id: 'auth-too-weak',
    codes: [534],
    subjects: PROTOCOL_OR_POLICY,
    pattern: /too weak|mechanism/i,
    title: 'AUTH mechanism too weak',
    cause: 'the server wants a stronger authentication mechanism than the one used',
    action: 'choose another mechanism the server offers (--auth MECHANISM), over TLS',
    source: RFC4954,
  },
  {
    id: 'auth-password-transition',
    codes: [432],
    subjects: PROTOCOL_OR_POLICY,
    pattern: /transition/i,
    title: 'password transition needed',
    cause:
      'the server needs the user to log in once with PLAIN before it can use the mechanism ' +
      'that was asked for',
    action: 'authenticate once with PLAIN over TLS; the chosen mechanism works after that',
    source: RFC4954,
  },
  {
    id: 'auth-required',
    codes: ANY_REFUSAL,
    subjects: PROTOCOL_OR_POLICY,
    unless: SENDER_CHECKS,
    pattern: anyOf(
      /authentication (?:is )?required/,
      /authenticate first/,
      /must (?:be )?authenticat/,
      /(?:client|sender) (?:was |is )?not authenticated/,
      /anonymous (?:submission|mail|relay)/,
    ),
    title: 'authentication required',
    cause:
      'the server takes mail only from clients that have logged in with AUTH: it is a ' +
      'submission server, or relaying through it requires a login',
    action:
      'authenticate first (smtp-probe send --auth-user), usually on port 587 after ' +
      'STARTTLS; to deliver to this domain without a login, use its MX hosts on port 25',
    source: RFC4954,
  },
  {
    id: 'relay-denied',
    codes: ANY_REFUSAL,
    subjects: RELAY,
    pattern: anyOf(
      /relay(?:ing)? (?:access )?(?:denied|prohibited|refused|disallowed)/,
      /relay(?:ing)? (?:access )?not (?:permitted|allowed)/,
      /unable to relay/,
      /not (?:allowed|permitted|authori[sz]ed) to relay/,
      /no relaying/,
    ),
    title: 'relaying denied',
    cause:
      "the server is not a destination for the recipient's domain, and passes mail on only " +
      'for its own users or networks',
    action:
      "deliver to the recipient domain's own MX hosts (smtp-probe --mx DOMAIN lists them), " +
      "or log in (AUTH) to your own provider's submission server and send through it",
    source: 'https://www.rfc-editor.org/rfc/rfc5321#section-3.6',
  },
  {
    id: 'ehlo-name-rejected',
    codes: ANY_REFUSAL,
    subjects: PROTOCOL_OR_POLICY,
    pattern: anyOf(
      /\b(?:helo|ehlo)\b.{0,60}?(?:rejected|invalid|need fully-qualified|host not found)/,
      /\b(?:helo|ehlo)\b.{0,60}?(?:not (?:a )?(?:fully|valid|fqdn)|does not (?:match|resolve))/,
      /(?:invalid|bad|unqualified|non-fqdn) (?:helo|ehlo)\b/,
    ),
    title: 'EHLO name refused',
    cause:
      'the server refuses the name the client gave in EHLO or HELO: not a fully qualified ' +
      "domain name, not found in DNS, or not matching the client's address",
    action:
      'make the client give a real host name of its own that resolves (its PTR name is ' +
      'best), or an address literal like [192.0.2.10] when it has none (RFC 5321 §4.1.4); ' +
      'smtp-probe takes it with --ehlo',
    source: 'https://www.rfc-editor.org/rfc/rfc5321#section-4.1.4',
  },
  {
    id: 'ehlo-required',
    codes: [503],
    subjects: PROTOCOL_OR_POLICY,
    stages: ['mail'],
    afterHelo: true,
    pattern: /sequence|ehlo|helo/i,
    title: 'the server wants EHLO after refusing it',
    cause:
      'this session fell back to HELO when EHLO was refused, and now the server refuses ' +
      'MAIL FROM: it seems to want an ESMTP session (EHLO) after all',
    action:
      'the server contradicts itself: report it to its operator, or look for a filter or ' +
      'proxy between that refuses EHLO on its behalf',
    source: 'https://github.com/mludvig/smtp-cli/issues/24',
  },
];
