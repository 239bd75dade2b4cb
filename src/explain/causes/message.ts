/**
 * Refusals of a recipient or of the message itself: an unknown recipient
 * or domain, a full mailbox, a message too large, an attachment refused,
 * and a bare LF in the message.
 */
import { anyOf, type KnownCause } from '../known-cause.js';
import { CONTENT, LINE_ENDINGS, MAILBOX, RECIPIENT_ADDRESS, SIZE, SYSTEM } from './subjects.js';

const ANY_REFUSAL = ['4xx', '5xx'] as const;

export const MESSAGE_CAUSES: readonly KnownCause[] = [
  {
    id: 'recipient-domain-unknown',
    codes: ANY_REFUSAL,
    subjects: RECIPIENT_ADDRESS,
    blamesRecipient: true,
    pattern: anyOf(
      /recipient address rejected:? domain not found/,
      /able to find the recipient domain/,
      /recipient domain\b[^;]{0,60}?\b(?:does not exist|not found|unknown)/,
    ),
    title: "the recipient's domain does not exist",
    cause:
      "the recipient's domain has no mail route in DNS (no MX and no address), as the " +
      'receiving server looked it up',
    action:
      "check the domain part of the address for typos; if it is right, the domain's DNS is " +
      'at fault, or (with a 4xx) was unreachable for a moment',
    source: 'https://www.rfc-editor.org/rfc/rfc3463#section-3.2',
  },
  {
    id: 'unknown-recipient',
    codes: ['5xx'],
    subjects: RECIPIENT_ADDRESS,
    blamesRecipient: true,
    pattern: anyOf(
      /\b(?:user|mailbox|recipient)\b[^;]{0,40}?\b(?:unknown|not found|no longer exists)/,
      /\b(?:user|mailbox|recipient)\b[^;]{0,40}?\b(?:does not|doesn't) exist/,
      /no such (?:user|mailbox|recipient|account)/,
      /\bunknown (?:user|recipient|mailbox)/,
      /\brecip(?:ient)?notfound\b/,
      /account that you tried to reach does not exist/,
      /address does not exist/,
    ),
    // X.1.2 and "domain … not found" name the domain, not the mailbox: the
    // entry above, or nothing, but never "no mailbox for this address".
    notEnhanced: ['X.1.2'],
    unless:
      /\bdomain\b[^;]{0,60}?\b(?:not found|does not exist|doesn't exist|unknown)|no such domain/i,
    title: 'unknown recipient',
    cause: 'the receiving server has no mailbox for this address',
    action:
      "check the address for typos; if it is right, only the recipient's side can create " +
      'the mailbox: the sending server is not at fault',
    source: 'https://www.rfc-editor.org/rfc/rfc3463#section-3.2',
  },
  {
    id: 'mailbox-full',
    codes: ANY_REFUSAL,
    subjects: MAILBOX,
    blamesRecipient: true,
    // "Quota" alone may be the sender's (Gmail's "daily user sending quota
    // exceeded" is 5.4.5): the text must say whose, or the code be X.2.2.
    pattern: anyOf(
      /mailbox (?:is )?full/,
      /inbox is full/,
      /mailbox\b[^;]{0,40}?\b(?:quota|storage|size limit)/,
      /quota (?:exceeded|exceeds)[^;]{0,40}?\bmailbox/,
      /\b(?:user|account|recipient)\b(?:(?!\bsend)[^;]){0,40}?\b(?:over quota|quota exceeded)/,
      /\b(?:user|account|recipient)\b(?:(?!\bsend)[^;]){0,40}?\bout of storage/,
    ),
    orWithCode: { enhanced: ['X.2.2'], pattern: /\bquota\b|\bfull\b|\bstorage\b/i },
    // A quota for sending is the sender's, whatever the code says: Gmail's
    // 5.4.5 and others' 5.2.2 or 5.2.1 "daily sending quota exceeded".
    unless:
      /\b(?:send|sending|sender)\b[^;.]{0,30}?\bquota\b|\bquota\b[^;.]{0,30}?\bsend(?:ing)?\b/i,
    title: 'mailbox full',
    cause: "the recipient's mailbox is over its storage quota",
    action:
      'nothing to fix on the sending side: the recipient has to make room; after a 4xx a ' +
      'sending MTA keeps retrying for days, after a 5xx tell the recipient some other way',
    source: 'https://www.rfc-editor.org/rfc/rfc3463#section-3.3',
  },
  {
    id: 'server-storage-full',
    codes: ['4xx'],
    subjects: SYSTEM,
    pattern: /insufficient system storage|mail system full|disk (?:is )?full|no space left/i,
    title: 'the server is short of storage',
    cause:
      "the receiving server is short of disk space: its own trouble, not the message's or " +
      "the mailbox's",
    action: 'retry later, as a sending MTA does; tell its postmaster if it lasts',
    source: 'https://www.rfc-editor.org/rfc/rfc5321#section-4.2.3',
  },
  {
    id: 'message-too-large',
    codes: ANY_REFUSAL,
    subjects: SIZE,
    pattern: anyOf(
      /(?:message|mail)(?: file)?(?: size)?\b.{0,40}?\b(?:too (?:big|large)|larger than)/,
      /\bsize\b.{0,30}?\b(?:exceed|limit|too (?:big|large))/,
      /exceed(?:s|ed)?\b.{0,30}?\bsize\b/,
    ),
    title: 'message too large',
    cause: "the message is larger than the server, or the recipient's mailbox, accepts",
    action:
      "compare the message's size with the SIZE the server announces in its EHLO reply and " +
      'send less (link large files rather than attach them); a client that declares SIZE= ' +
      'hears this before sending any data',
    source: 'https://www.rfc-editor.org/rfc/rfc1870',
  },
  {
    id: 'attachment-refused',
    codes: ['5xx'],
    subjects: CONTENT,
    pattern: anyOf(
      /(?:illegal|blocked|banned|prohibited|forbidden|dangerous|unsafe)\b.{0,30}?\battachment/,
      /attachment\b.{0,40}?\b(?:not allowed|not permitted|blocked|prohibited|banned)/,
      /content presents a potential security issue/,
    ),
    title: 'attachment or content refused',
    cause:
      'the receiver refuses the message for its content: an attachment type it blocks ' +
      '(programs, scripts, some archives) or content it considers dangerous',
    action:
      'send it without that attachment, or share the file by a link; renaming a blocked ' +
      'file type rarely helps',
    source: 'https://support.google.com/a/answer/3726730',
  },
  {
    id: 'bare-lf',
    codes: ANY_REFUSAL,
    subjects: LINE_ENDINGS,
    pattern: anyOf(
      /bare\s*(?:<LF>|LF\b|line ?feeds?|newlines?)/,
      /(?:LF|line ?feed|newline) (?:without|not preceded by) (?:a )?(?:CR|carriage return)/,
    ),
    title: 'bare LF in the message',
    cause:
      'the message has a line that ends in LF alone, without CR; since the SMTP smuggling ' +
      'fixes of December 2023, many servers refuse such lines',
    action:
      'make the program that writes the message end every line with CRLF (smtp-probe ' +
      'does, unless --raw), and look for a stray LF in a header or the body',
    source: 'https://www.postfix.org/smtp-smuggling.html',
  },
];
