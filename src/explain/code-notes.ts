/**
 * Remarks on a reply's two codes taken together: an enhanced class that
 * disagrees with the reply code, and a reply code the IANA registry does
 * not pair with the enhanced code (Yahoo's `554 5.7.9`, Microsoft's
 * `550 5.1.10`), where the server likely gives the code a sense of its own
 * and the registry's name for it may mislead.
 */
import type { EnhancedStatusCode } from '../protocol/reply.js';
import { REGISTERED_CODES } from './enhanced-status-codes.js';

/** The notes on a reply code and its enhanced status code; none when they agree. */
export function codeNotes(code: number, status: EnhancedStatusCode): string[] {
  return [classNote(code, status), pairingNote(code, status)].filter(
    (note): note is string => note !== undefined,
  );
}

// The enhanced class normally repeats the reply code's first digit; when
// they differ, the reply code is what clients act on (RFC 5321 §4.2.1).
function classNote(code: number, status: EnhancedStatusCode): string | undefined {
  if (Math.floor(code / 100) === status.class) return undefined;
  return `the enhanced code's class ${status.class} disagrees with ${code}: the reply code decides`;
}

function pairingNote(code: number, status: EnhancedStatusCode): string | undefined {
  const registered = REGISTERED_CODES.get(`${status.subject}.${status.detail}`);
  if (!registered || pairsWith(registered.replyCodes, code)) return undefined;
  const written = `${status.class}.${status.subject}.${status.detail}`;
  return (
    `the IANA registry pairs ${written} with ${registered.replyCodes}, not ${code}: ` +
    'the server may use the code in a sense of its own'
  );
}

// The registry's column is free text: "451, 550", "5XX", "451/550", "Any",
// "Not given", "450, 550 (other 4XX or 5XX codes are allowed)".
function pairsWith(column: string, code: number): boolean {
  const listed = column.toUpperCase().match(/\b[2-5](?:\d\d|XX)\b/g) ?? [];
  if (listed.length === 0 || /other 4XX or 5XX/i.test(column)) return true;
  // A server may answer any command with 421 and close (RFC 5321 §3.8).
  if (code === 421) return true;
  return listed.some((entry) => standsIn(entry, code));
}

// Reply codes with one meaning of their own: AUTH's and encryption's
// (RFC 4954 §6, RFC 5248) and "domain does not accept mail" (RFC 7504). An
// enhanced code the registry pairs only with these, under another reply
// code, is likely used in another sense: Yahoo's 554 5.7.9 is no weak AUTH
// mechanism, Microsoft's 550 5.1.10 no null MX.
const ONE_MEANING = new Set([523, 524, 525, 534, 535, 538, 556]);

// The registry lists examples, not a closed set: any 4yz or 5yz refusal
// stands in for a general one (553 for 501, 530 for 550, 451 for 421, 452
// for 552; the class is the class note's business), and an AUTH code for
// another (530 for 538).
function standsIn(entry: string, code: number): boolean {
  const refusal = code >= 400 && code < 600;
  if (entry.endsWith('XX')) return entry[0] !== '2' && refusal;
  const listed = Number(entry);
  if (listed === code) return true;
  if (ONE_MEANING.has(listed)) return isAuthArea(listed) && isAuthArea(code);
  return listed >= 400 && refusal;
}

// RFC 4954 and RFC 5248 put their AUTH replies in 52x and 53x.
function isAuthArea(code: number): boolean {
  return code >= 520 && code < 540 && code !== 521;
}
