/**
 * Refusals of the envelope sender's address (MAIL FROM) itself: the reply
 * says "Sender address rejected", or it answers MAIL FROM with words that
 * would otherwise read as an unknown recipient. Tried last, after the more
 * specific sender causes (a listed sender, an unknown domain) and the
 * deferrals, so that it only catches what nothing more precise explains.
 */
import { anyOf, type KnownCause } from '../known-cause.js';
import { SENDER_ADDRESS } from './subjects.js';

const NOT_THE_RECIPIENT =
  'the recipient is not at fault, and nothing about the recipient needs checking';

export const SENDER_ADDRESS_CAUSES: readonly KnownCause[] = [
  {
    id: 'sender-rejected',
    codes: ['4xx', '5xx'],
    subjects: SENDER_ADDRESS,
    pattern: /\bsender address rejected\b/i,
    title: "the sender's address was refused",
    cause:
      'the receiving server refused the envelope sender (MAIL FROM): its own rules refuse ' +
      'that address, it does not know the address as one of its own, its probe of the ' +
      `address failed, or the logged-in user may not send as it; ${NOT_THE_RECIPIENT}`,
    action:
      'read the words after "Sender address rejected:" for which; then send with a MAIL ' +
      'FROM address that exists and takes mail (bounces and verification probes go to ' +
      'it), and after AUTH one the account is allowed to use',
    source: 'https://www.postfix.org/postconf.5.html#reject_unverified_sender',
  },
  {
    id: 'sender-unknown',
    codes: ['5xx'],
    subjects: SENDER_ADDRESS,
    stages: ['mail'],
    pattern: anyOf(
      /\b(?:user|mailbox|address|sender)\b[^;]{0,40}?\b(?:unknown|not found|no longer exists)/,
      /\b(?:user|mailbox|address|sender)\b[^;]{0,40}?\b(?:does not|doesn't) exist/,
      /no such (?:user|mailbox|account)/,
      /\bunknown (?:user|sender|mailbox)/,
    ),
    title: "the sender's address is unknown",
    cause:
      'the server answered MAIL FROM that the address does not exist: it refuses the ' +
      'envelope sender as unknown (a server that lists its own users does so); ' +
      NOT_THE_RECIPIENT,
    action:
      'send with a MAIL FROM address the server knows, such as an existing mailbox of ' +
      'the sending domain; check it for typos',
    source: 'https://www.postfix.org/postconf.5.html#reject_unlisted_sender',
  },
];
