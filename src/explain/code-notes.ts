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
  return listed.some((entry) => sameCode(entry, code));
}

// Codes that stand in for one another: the general refusals of a mailbox
// or transaction (RFC 5321 §4.2.3), and the syntax and
// sequence errors. A code outside these (534, 556) has one meaning.
const GROUPS: readonly ReadonlySet<number>[] = [
  new Set([450, 451, 452, 550, 551, 552, 553, 554]),
  new Set([500, 501, 502, 503, 504, 555]),
];

function sameCode(entry: string, code: number): boolean {
  if (entry.endsWith('XX')) return entry[0] === String(code)[0];
  const listed = Number(entry);
  return listed === code || GROUPS.some((group) => group.has(listed) && group.has(code));
}
