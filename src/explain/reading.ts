/**
 * How a reply's text is read before and while the table of known causes is
 * tried on it. Two kinds of words look like a cause and are none: an
 * address (`<dmarc@example.org>` is a mailbox, not a DMARC verdict) and a
 * denial (`not listed in Spamhaus`, `greylisting is not used here`).
 * Addresses are taken out of the text; a match that is denied is skipped.
 */

// An address in angle brackets, or a bare local@domain (RFC 5321 §4.1.2
// allows most printable characters in the local part).
const ADDRESS = /<[^<>\s]*@[^<>\s]*>|[\w.!#$%&'*+/=?^`{|}~-]+@[\w-]+(?:\.[\w-]+)+/g;

/** The text with every mail address replaced by `<>`, which no entry reads as a cause. */
export function withoutAddresses(text: string): string {
  return text.replace(ADDRESS, '<>');
}

// Where a clause ends: a denial says nothing about the next clause.
const CLAUSE_BREAK = /[;()[\]!?]|[.,:](?=\s|$)/g;

// A denial just before the match: "not listed in", "is not on any",
// "Not blocked using", "no longer listed on", or a bare "not"/"no".
const DENIED_BEFORE = new RegExp(
  String.raw`(?:\bnot|n't|\bnever|\bno longer)\s+(?:(?:been|being|be|currently|yet)\s+)?` +
    String.raw`(?:listed|blocked|found|seen|used|on|in|at|present` +
    String.raw`|(?:black|block|gr[ae]y)[- ]?listed)\b` +
    String.raw`|\b(?:no|not)\s+(?:any\s+)?$`,
  'i',
);

// A verdict of "nothing found" right after the match: "RBL: clean",
// "DKIM = pass", "greylisting is not used", "greylisting not applicable".
// A colon then "not" is no denial: "Sender address rejected: not logged in".
const DENIED_AFTER = new RegExp(
  String.raw`^(?:\s+(?:is|was|are|were|has been)\s+not\b` +
    String.raw`|\s+not\s+(?:used|applied|applicable|enabled|active|in use)\b` +
    String.raw`|[\s:=]{0,3}(?:clean|pass(?:ed)?|none|neutral|negative)\b)`,
  'i',
);

/**
 * The first match of the pattern that the text does not deny, or null.
 * Every match is tried: "not listed in a.example; blocked using b.example"
 * is a listing in b.example.
 */
export function firstAffirmed(pattern: RegExp, text: string): RegExpExecArray | null {
  const all = new RegExp(pattern.source, `${pattern.flags.replace(/[gy]/g, '')}g`);
  for (let match = all.exec(text); match; match = all.exec(text)) {
    if (!isDenied(text, match)) return match;
    if (match[0] === '') all.lastIndex += 1;
  }
  return null;
}

// A denial or a clean verdict anywhere in the clauses the match spans, the
// match included: "rejected: your IP is not listed in Spamhaus", "Spamhaus:
// not listed", "RBL check passed". Only words no entry's own pattern uses, so
// "user not found" or "TLS 1.0 disabled" stay what they say.
const DENIED_WITHIN = new RegExp(
  String.raw`(?:\bnot|n't|\bnever|\bno longer)\s+(?:(?:been|being|be|currently|yet)\s+)?` +
    String.raw`(?:listed|(?:black|block|gr[ae]y)[- ]?listed)\b` +
    String.raw`|\b(?:clean|passed|negative)\b`,
  'i',
);

// A check switched off, said after the match in the same clause: "Greylisting
// disabled for your network", "RBL lookups skipped".
const SWITCHED_OFF = /\b(?:disabled|bypassed|skipped|turned off|switched off)\b/i;

function isDenied(text: string, match: RegExpExecArray): boolean {
  const end = match.index + match[0].length;
  const before = text.slice(clauseStart(text, match.index), match.index);
  const after = text.slice(end);
  const span = text.slice(clauseStart(text, match.index), clauseEnd(text, end));
  return (
    DENIED_BEFORE.test(before) ||
    DENIED_AFTER.test(after) ||
    DENIED_WITHIN.test(span) ||
    SWITCHED_OFF.test(text.slice(end, clauseEnd(text, end)))
  );
}

function clauseStart(text: string, end: number): number {
  let start = 0;
  for (const found of text.slice(0, end).matchAll(CLAUSE_BREAK)) start = found.index + 1;
  return start;
}

function clauseEnd(text: string, from: number): number {
  const found = new RegExp(CLAUSE_BREAK.source, 'g');
  found.lastIndex = from;
  return found.exec(text)?.index ?? text.length;
}

/**
 * A check's name with its outcome in the same clause, and no other check or
 * a pass between them: "SPF fail" and "SPF check failed", but not "SPF
 * check passed, DKIM check failed" nor "DKIM: pass; ARC: fail".
 */
export function outcomeOf(check: string, outcomes: string): RegExp {
  const between = String.raw`(?:(?!\b(?:SPF|DKIM|DMARC|ARC|pass(?:ed|es)?)\b|[;,]|\.\s).)`;
  return new RegExp(String.raw`\b${check}\b${between}{0,60}?\b(?:${outcomes})`, 'i');
}
