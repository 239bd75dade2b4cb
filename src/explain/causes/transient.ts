/**
 * Temporary refusals that are not errors to fix: greylisting, rate limits,
 * too many recipients for one transaction, and timeouts. Their advice is
 * mostly to wait, which is what a sending MTA does with any 4xx.
 */
import { anyOf, type KnownCause } from '../known-cause.js';
import { DEFERRAL, POLICY, RECIPIENT_COUNT, TIMEOUT } from './subjects.js';

export const TRANSIENT_CAUSES: readonly KnownCause[] = [
  {
    id: 'greylisting',
    codes: ['4xx'],
    subjects: DEFERRAL,
    pattern: /\bgr[ae]y-?list(?:ed|ing)?\b/i,
    title: 'greylisting: retry later',
    cause:
      'greylisting: the server turns away the first attempt from a sender it does not know ' +
      'yet, and accepts the retry; this is not an error',
    action:
      'nothing to fix: a sending MTA retries after some minutes; probe again in 5 to 15 ' +
      'minutes from the same address with the same sender and recipient',
    source: 'https://www.rfc-editor.org/rfc/rfc6647',
  },
  {
    id: 'rate-limit',
    codes: ['4xx'],
    subjects: DEFERRAL,
    pattern: anyOf(
      /rate[- ]?limit/,
      /throttl/,
      /too many (?:concurrent )?(?:smtp )?(?:connections|sessions|messages)/,
      /too much mail/,
      /connection (?:rate|count) limit/,
      /sending rate/,
      /concurrent connections.{0,40}?(?:exceed|limit)/,
    ),
    // A limit set by the sender's reputation is another matter (Microsoft's
    // "rate limited due to IP reputation"): no entry of its own was sourced.
    unless: /\breputation\b/i,
    title: 'rate limit',
    cause:
      'the server limits how many connections or messages it takes from one client in a ' +
      'given time, and this client went over',
    action:
      'send more slowly, over fewer connections, and retry later; a sending MTA queues and ' +
      'retries by itself',
    source: 'https://www.postfix.org/TUNING_README.html#conn_limit',
  },
  {
    id: 'too-many-recipients',
    codes: ['4xx', '5xx'],
    subjects: RECIPIENT_COUNT,
    pattern: /too many recipients/i,
    title: 'too many recipients in one transaction',
    cause: 'the server takes fewer recipients in one transaction than this one had',
    action:
      'keep the recipients accepted so far and send to the rest in another transaction ' +
      '(RFC 5321 §4.5.3.1.10 has senders do so after a 452)',
    source: 'https://www.rfc-editor.org/rfc/rfc5321#section-4.5.3.1.10',
  },
  {
    id: 'idle-timeout',
    codes: [421, 451],
    subjects: TIMEOUT,
    pattern: anyOf(
      /tim(?:e|ed)[- ]?out waiting for (?:data|input|a command|commands?|the client|client)/,
      /idle (?:timeout|too long)/,
    ),
    title: 'the server timed out waiting for the client',
    cause: 'the server stopped waiting for the client to say something and closed the session',
    action:
      'the client took too long between commands or while sending the message: find what ' +
      'kept it waiting (RFC 5321 §4.5.3.2.7 asks servers to wait at least 5 minutes)',
    source: 'https://www.rfc-editor.org/rfc/rfc5321#section-4.5.3.2.7',
  },
  {
    id: 'processing-timeout',
    codes: [421, 451],
    subjects: TIMEOUT,
    enhanced: ['4.4.2'],
    stages: ['message'],
    pattern: /time ?out|timed out/i,
    title: 'the server timed out after the message',
    cause:
      'the whole message had arrived, and the server timed out before accepting it: the ' +
      "delay was on its side (its filters or storage), not the client's",
    action:
      'retry later, as a sending MTA does; whether the server kept a copy stays unknown ' +
      'until one arrives or not, since a server that fails after the end of data can leave ' +
      'a duplicate (RFC 1047)',
    source: 'https://www.rfc-editor.org/rfc/rfc1047',
  },
  {
    id: 'policy-deferral',
    codes: ['4xx'],
    subjects: POLICY,
    enhanced: ['4.7.0', '4.7.1'],
    pattern: /\btry again later\b/i,
    // "Too many login attempts, try again later" names its reason.
    unless: /\b(?:log ?in|auth\w*|password|credentials?)\b/i,
    title: 'temporary refusal, reason not given',
    cause:
      'the server defers the mail for a policy reason it does not name; greylisting and ' +
      'rate limits answer this way',
    action:
      'retry in some minutes from the same address with the same sender, as a sending MTA ' +
      "would; if it still fails after an hour or so, ask the receiver's postmaster",
    source: 'https://www.rfc-editor.org/rfc/rfc5321#section-4.2.1',
  },
];
