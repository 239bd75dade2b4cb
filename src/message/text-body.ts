/**
 * The text of the message: the user's body, or a short note saying what the
 * message is, labelled and encoded so that it arrives as written.
 */
import { isAscii, isUtf8 } from 'node:buffer';
import type { MimeEntity } from './entity.js';
import { normaliseLineEndings, splitLines } from './line-endings.js';
import { encodeQuotedPrintable } from './quoted-printable.js';

/** What the generated body tells its reader. */
export interface BodyFacts {
  readonly probeId: string;
  readonly date: Date;
  readonly hostname: string;
  readonly target: string;
}

// RFC 5322 §2.1.1 and RFC 2045 §2.7–2.8: at most 998 octets per line.
const MAX_LINE_OCTETS = 998;

/** Writes the default body: a note with probe id, date, host and target. */
export function defaultBodyText(facts: BodyFacts): Buffer {
  const lines = [
    'This is a test message sent by smtp-probe, an SMTP diagnostic tool.',
    'It needs no action and can be deleted.',
    '',
    `Probe id:  ${facts.probeId}`,
    `Date:      ${facts.date.toISOString()}`,
    `Sent from: ${facts.hostname}`,
    `Sent to:   ${facts.target}`,
  ];
  return Buffer.from(lines.map((line) => `${line}\r\n`).join(''), 'utf8');
}

/**
 * Makes the text/plain entity for a body. Line breaks become CRLF. Pure
 * ASCII is labelled `charset=us-ascii` and sent 7bit; other text is sent
 * 8bit, labelled `utf-8` when it is valid UTF-8 and `unknown-8bit`
 * (RFC 1428) when it is not. A body with a line longer than 998 octets, or
 * with a NUL byte, cannot travel as 7bit or 8bit (RFC 2045 §2.7–2.8), so it
 * is sent quoted-printable instead, in lines of at most 76 characters.
 */
export function composeTextBody(body: Buffer): MimeEntity {
  const text = normaliseLineEndings(body);
  const contentType = `text/plain; charset=${charsetOf(text)}`;

  if (needsQuotedPrintable(text)) {
    return entity(contentType, 'quoted-printable', encodeQuotedPrintable(text));
  }
  return entity(contentType, isAscii(text) ? '7bit' : '8bit', text);
}

function charsetOf(text: Buffer): string {
  if (isAscii(text)) return 'us-ascii';
  return isUtf8(text) ? 'utf-8' : 'unknown-8bit';
}

function needsQuotedPrintable(text: Buffer): boolean {
  return text.includes(0) || splitLines(text).some((line) => line.length > MAX_LINE_OCTETS);
}

function entity(contentType: string, encoding: string, content: Buffer): MimeEntity {
  const fields = [
    { name: 'Content-Type', value: contentType },
    { name: 'Content-Transfer-Encoding', value: encoding },
  ];
  return { fields, content };
}
