/**
 * The shape of an entry in the table of well-known rejections, and how a
 * reply is matched against one. An entry names a cause only when the reply
 * code, the enhanced status code's subject (and detail, when the entry asks
 * for one), the stage and the text all agree: a wrong cause misleads more
 * than none, so entries are narrow.
 */
import type { EnhancedStatusCode } from '../protocol/reply.js';
import type { Stage } from '../session/stage.js';
import type { Cause, ExplainContext } from './explanation.js';
import { firstAffirmed, withoutAddresses } from './reading.js';

/** A reply code (`550`) or every code of a class (`4xx`, `5xx`). */
export type ReplyCodeMatch = number | '4xx' | '5xx';

/** One well-known rejection; the table is in causes/. */
export interface KnownCause {
  readonly id: string;
  readonly codes: readonly ReplyCodeMatch[];
  /**
   * When given, the reply must carry one of these: `5.7.26`, `X.7.26`
   * (either class), or a range of details, `5.7.606-649`.
   */
  readonly enhanced?: readonly string[];
  /** When given, a reply that carries one of these (same forms) never gets the entry. */
  readonly notEnhanced?: readonly string[];
  /**
   * The enhanced subjects (RFC 3463 §3: 1 addressing, 2 mailbox, 7 security
   * or policy…) the cause fits. A reply whose enhanced code has another
   * subject never gets it: `550 5.1.1` names an address, not a block list.
   */
  readonly subjects: readonly number[];
  /**
   * Matched against the reply's text, its lines joined. Named groups fill
   * the `{name}` placeholders of cause and action.
   */
  readonly pattern: RegExp;
  /**
   * A looser text that is enough when the reply carries one of these
   * enhanced codes: with X.2.2 (mailbox full), "over quota" says whose quota.
   */
  readonly orWithCode?: { readonly enhanced: readonly string[]; readonly pattern: RegExp };
  /** When given, the entry does not apply to a text that also matches this. */
  readonly unless?: RegExp;
  /**
   * The cause puts the fault on the recipient's side. Never said of a reply
   * to a command before RCPT TO, nor of one that says the sender was refused.
   */
  readonly blamesRecipient?: boolean;
  /** When given, only replies to these stages (a pasted reply's stage may be unknown). */
  readonly stages?: readonly Stage[];
  /** Only after the session fell back from EHLO to HELO. */
  readonly afterHelo?: boolean;
  /** Adds the session's TLS version to the cause, when it is known. */
  readonly tellsTlsVersion?: boolean;
  readonly title: string;
  readonly cause: string;
  readonly action: string;
  readonly source: string;
}

/**
 * One case-insensitive pattern out of alternatives, each a pattern of its
 * own: long patterns stay readable, one alternative a line.
 */
export function anyOf(...alternatives: readonly RegExp[]): RegExp {
  return new RegExp(alternatives.map((pattern) => pattern.source).join('|'), 'i');
}

/** The parts of a reply that matching looks at. */
export interface ReplyWords {
  readonly code: number;
  readonly enhancedStatus: EnhancedStatusCode | undefined;
  /** The text of each line after its code, as received. */
  readonly texts: readonly string[];
}

// RFC 3463 §2, at the start of a line's text.
const LEADING_ENHANCED = /^[245]\.\d{1,3}\.\d{1,3}(?:\s+|$)/;

/**
 * The reply's text as one line for matching: every line stripped of its
 * enhanced status code (large providers repeat it on each line, as
 * `550-5.7.26 …`), then joined with single spaces.
 */
export function matchingText(texts: readonly string[]): string {
  return texts
    .map((text) => text.trim().replace(LEADING_ENHANCED, ''))
    .join(' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/**
 * The first entry of the table that the reply matches, filled in; else
 * undefined. Addresses are out of the text first, and a match the text
 * denies ("not listed in …") does not count (reading.ts).
 */
export function findCause(
  table: readonly KnownCause[],
  words: ReplyWords,
  context: ExplainContext,
): Cause | undefined {
  const text = withoutAddresses(matchingText(words.texts));
  for (const entry of table) {
    if (!appliesTo(entry, words, context) || !fitsText(entry, text, context)) continue;
    const match = firstAffirmed(entry.pattern, text) ?? matchWithCode(entry, words, text);
    if (match) return fillIn(entry, match.groups ?? {}, context);
  }
  return undefined;
}

function appliesTo(entry: KnownCause, words: ReplyWords, context: ExplainContext): boolean {
  if (!entry.codes.some((code) => codeMatches(code, words.code))) return false;
  const subject = words.enhancedStatus?.subject;
  if (subject !== undefined && !entry.subjects.includes(subject)) return false;
  if (entry.enhanced && !entry.enhanced.some((code) => enhancedMatches(code, words))) return false;
  if (entry.notEnhanced?.some((code) => enhancedMatches(code, words))) return false;
  if (entry.stages && (context.stage === undefined || !entry.stages.includes(context.stage))) {
    return false;
  }
  return !entry.afterHelo || context.afterHelo === true;
}

function matchWithCode(entry: KnownCause, words: ReplyWords, text: string) {
  const loose = entry.orWithCode;
  if (!loose || !loose.enhanced.some((code) => enhancedMatches(code, words))) return null;
  return firstAffirmed(loose.pattern, text);
}

// The commands before RCPT TO: a refusal of one of them is never the
// recipient's doing, whatever its words.
const BEFORE_RECIPIENTS: readonly Stage[] = ['greeting', 'ehlo', 'starttls', 'auth', 'mail'];
const SENDER_REFUSED = /\bsender address rejected\b/i;

function fitsText(entry: KnownCause, text: string, context: ExplainContext): boolean {
  if (entry.unless?.test(text)) return false;
  if (!entry.blamesRecipient) return true;
  const early = context.stage !== undefined && BEFORE_RECIPIENTS.includes(context.stage);
  return !early && !SENDER_REFUSED.test(text);
}

function codeMatches(wanted: ReplyCodeMatch, code: number): boolean {
  if (wanted === '4xx') return code >= 400 && code < 500;
  if (wanted === '5xx') return code >= 500 && code < 600;
  return wanted === code;
}

const ENHANCED_PATTERN = /^([245X])\.(\d{1,3})\.(\d{1,3})(?:-(\d{1,3}))?$/;

function enhancedMatches(wanted: string, words: ReplyWords): boolean {
  const status = words.enhancedStatus;
  const parts = ENHANCED_PATTERN.exec(wanted);
  if (!status || !parts) return false;
  const [, klass, subject, low, high] = parts;
  if (klass !== 'X' && Number(klass) !== status.class) return false;
  if (Number(subject) !== status.subject) return false;
  return status.detail >= Number(low) && status.detail <= Number(high ?? low);
}

function fillIn(
  entry: KnownCause,
  groups: Record<string, string | undefined>,
  context: ExplainContext,
): Cause {
  const fill = (template: string): string =>
    template.replace(/\{(\w+)\}/g, (whole, name: string) => groups[name] ?? whole);
  const tls =
    entry.tellsTlsVersion && context.tlsProtocol
      ? ` (this session negotiated ${context.tlsProtocol})`
      : '';
  return {
    id: entry.id,
    title: entry.title,
    cause: `${fill(entry.cause)}${tls}`,
    action: fill(entry.action),
    source: entry.source,
  };
}
