/**
 * The reply model of RFC 5321 §4.2: a three-digit reply code, optional
 * RFC 3463 enhanced status code, and one or more text lines.
 */
import type { Explanation } from '../explain/explanation.js';

/** What the first digit of a reply code says (RFC 5321 §4.2.1). */
export type ReplyClass = 'success' | 'intermediate' | 'transient' | 'permanent';

/** An RFC 3463 enhanced status code, `class.subject.detail`, e.g. 5.7.1. */
export interface EnhancedStatusCode {
  readonly class: number;
  readonly subject: number;
  readonly detail: number;
}

/** A deviation from RFC 5321 that smtp-probe tolerated and reports. */
export interface ProtocolWarning {
  /** Stable identifier, e.g. `bare-lf`; listed in docs/terminology.md. */
  readonly code: string;
  readonly message: string;
}

/** One line of a reply exactly as received, with its parsed parts. */
export interface ReplyLine {
  readonly code: number;
  /** True for the last line of a reply (`250 ` or a bare `250`). */
  readonly final: boolean;
  /** The text after the code and separator, decoded as UTF-8. */
  readonly text: string;
  /** The exact bytes received, line ending included. */
  readonly raw: Buffer;
}

/** A complete reply: every line, the effective code, and what was odd. */
export interface Reply {
  /** The final line's code: it decides, even when earlier lines differ. */
  readonly code: number;
  readonly enhancedStatus?: EnhancedStatusCode;
  readonly lines: readonly ReplyLine[];
  readonly warnings: readonly ProtocolWarning[];
  /** Monotonic times (ms) of the reply's first byte and of its final line. */
  readonly firstByteAt: number;
  readonly completedAt: number;
  /**
   * What a 4xx or 5xx reply means, set by the session as the reply arrives
   * (src/explain/); absent for other replies and with --no-explain.
   */
  readonly explanation?: Explanation | undefined;
}

const CLASS_BY_DIGIT: Record<number, ReplyClass> = {
  2: 'success',
  3: 'intermediate',
  4: 'transient',
  5: 'permanent',
};

/** Classifies a reply code by its first digit; the reader admits only 2xx–5xx. */
export function classifyReplyCode(code: number): ReplyClass {
  return CLASS_BY_DIGIT[Math.floor(code / 100)] ?? 'permanent';
}

/** Words for a reply class, as the transcript and errors say them. */
export function describeReplyClass(replyClass: ReplyClass): string {
  switch (replyClass) {
    case 'success':
      return 'success';
    case 'intermediate':
      return 'go on';
    case 'transient':
      return 'temporary failure';
    case 'permanent':
      return 'permanent failure';
  }
}

// RFC 3463 §2: class is 2, 4 or 5; subject and detail are 1–3 digits.
const ENHANCED_STATUS = /^([245])\.(\d{1,3})\.(\d{1,3})(?=\s|$)/;

/** Finds an enhanced status code at the start of a reply line's text. */
export function parseEnhancedStatusCode(text: string): EnhancedStatusCode | undefined {
  const match = ENHANCED_STATUS.exec(text);
  if (!match) return undefined;
  return { class: Number(match[1]), subject: Number(match[2]), detail: Number(match[3]) };
}

/**
 * The enhanced status code of a multi-line reply: the final line's, else
 * that of the last line before it that carries one. RFC 2034 §4 puts it on
 * every line, but some servers put it only on the final one
 * (`550-mx.example.org`, …, `550 5.7.606 Access denied`), some only on the
 * first.
 */
export function findEnhancedStatusCode(texts: readonly string[]): EnhancedStatusCode | undefined {
  for (let index = texts.length - 1; index >= 0; index -= 1) {
    const status = parseEnhancedStatusCode(texts[index]!);
    if (status) return status;
  }
  return undefined;
}

/** Writes an enhanced status code the way servers send it: `5.7.1`. */
export function formatEnhancedStatusCode(status: EnhancedStatusCode): string {
  return `${status.class}.${status.subject}.${status.detail}`;
}

/**
 * The reply's text lines joined with a space, for one-line messages. Large
 * providers repeat the enhanced status code on every line; only the first
 * occurrence is kept.
 */
export function replyText(reply: Reply): string {
  // Lines that carry another code than the reply's (a 220- before a final
  // 521) are shown in the transcript, not mixed into the reply's words.
  const own = reply.lines.filter((line) => line.code === reply.code);
  const [first, ...rest] = own.map((line) => line.text.trim());
  const leading = first === undefined ? undefined : ENHANCED_STATUS.exec(first)?.[0];
  const continuation = rest.map((text) =>
    leading !== undefined && text.startsWith(leading) ? text.slice(leading.length).trim() : text,
  );
  return [first ?? '', ...continuation].filter((text) => text !== '').join(' ');
}

/** A reply in one line for messages: `550 5.1.1 user unknown`, or the code alone. */
export function formatReply(reply: Reply): string {
  const text = replyText(reply);
  return text === '' ? String(reply.code) : `${reply.code} ${text}`;
}
