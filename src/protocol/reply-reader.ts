/**
 * A streaming reader for RFC 5321 §4.2 replies. It takes bytes as they come
 * off the socket, split at any point, and hands back each complete reply with
 * its exact bytes. It never waits for more than its limits allow.
 */
import { isUtf8 } from 'node:buffer';
import { ProtocolError } from '../errors.js';
import type { ProtocolWarning, Reply, ReplyLine } from './reply.js';
import { findEnhancedStatusCode } from './reply.js';

/** Bounds on what one reply may hold, so a hostile server cannot exhaust memory. */
export interface ReplyLimits {
  /** Longest line accepted, line ending included. */
  readonly maxLineBytes: number;
  readonly maxLinesPerReply: number;
  readonly maxReplyBytes: number;
}

/**
 * RFC 5321 §4.5.3.1.5 caps a reply line at 512 octets, but real servers send
 * longer EHLO and rejection lines, so lines are accepted up to eight times
 * that; the longest real replies (EHLO, policy banners) stay far below 200
 * lines and 64 KiB.
 */
export const DEFAULT_REPLY_LIMITS: ReplyLimits = {
  maxLineBytes: 4096,
  maxLinesPerReply: 200,
  maxReplyBytes: 64 * 1024,
};

const RFC_MAX_REPLY_LINE = 512;
const LF = 0x0a;
const CR = 0x0d;
const SPACE = 0x20;
const HYPHEN = 0x2d;

/** Bytes of an over-long line kept for the transcript. */
const KEPT_HEAD_BYTES = 160;

/**
 * What one chunk of bytes gave: the replies it completed and, when the bytes
 * after them broke the protocol or a limit, the error. Replies completed
 * before the fault are real replies and are never dropped with it.
 */
export interface ReadResult {
  readonly replies: Reply[];
  readonly error: ProtocolError | undefined;
}

/** Reads replies from a byte stream; one instance per connection. */
export class ReplyReader {
  private readonly limits: ReplyLimits;
  private partialLine: Buffer[] = [];
  private partialLineBytes = 0;
  private lines: ReplyLine[] = [];
  private replyBytes = 0;
  private warnings = new Map<string, ProtocolWarning>();
  private firstByteAt: number | undefined;
  private emptyLines = 0;
  private emptyLinesInReply = 0;

  constructor(limits: ReplyLimits = DEFAULT_REPLY_LIMITS) {
    this.limits = limits;
  }

  /** Takes the next bytes received at time `at`; returns what they complete. */
  push(chunk: Buffer, at: number): ReadResult {
    const replies: Reply[] = [];
    try {
      this.readLines(chunk, at, replies);
    } catch (error) {
      if (!(error instanceof ProtocolError)) throw error;
      return { replies, error };
    }
    return { replies, error: undefined };
  }

  private readLines(chunk: Buffer, at: number, replies: Reply[]): void {
    let start = 0;
    while (start < chunk.length) {
      this.firstByteAt ??= at;
      const newline = chunk.indexOf(LF, start);
      if (newline === -1) {
        this.holdPartialLine(chunk.subarray(start));
        return;
      }

      const raw = this.completeLine(chunk.subarray(start, newline + 1));
      start = newline + 1;
      const reply = this.acceptLine(raw, at);
      if (reply) replies.push(reply);
    }
  }

  /**
   * Called when the server has closed its side. A last line that lacks only
   * its line ending still counts, with a warning; anything else is lost.
   */
  finish(at: number): ReadResult {
    if (this.partialLineBytes === 0) return { replies: [], error: undefined };

    const raw = Buffer.concat(this.partialLine);
    if (!isReplyLine(raw) || !isFinalLine(raw)) return { replies: [], error: undefined };

    this.partialLine = [];
    this.partialLineBytes = 0;
    this.warn('unterminated-line', 'the last reply line ended without CRLF');
    try {
      const reply = this.acceptLine(raw, at);
      return { replies: reply ? [reply] : [], error: undefined };
    } catch (error) {
      // The last line can still break a cap: the fault is returned, as push() does.
      if (!(error instanceof ProtocolError)) throw error;
      return { replies: [], error };
    }
  }

  /** When the first byte of the unfinished reply came; undefined when none has. */
  get pendingSince(): number | undefined {
    return this.hasPartialReply ? this.firstByteAt : undefined;
  }

  /** True while part of a reply has arrived but not its final line. */
  get hasPartialReply(): boolean {
    return this.lines.length > 0 || this.partialLineBytes > 0;
  }

  /** The raw lines of the unfinished reply, the incomplete last line included. */
  pendingLines(): Buffer[] {
    const complete = this.lines.map((line) => line.raw);
    if (this.partialLineBytes === 0) return complete;
    return [...complete, headOf(Buffer.concat(this.partialLine))];
  }

  private holdPartialLine(bytes: Buffer): void {
    this.partialLine.push(bytes);
    this.partialLineBytes += bytes.length;
    if (this.partialLineBytes > this.limits.maxLineBytes) {
      throw new ProtocolError(
        `reply line longer than ${this.limits.maxLineBytes} bytes, reading aborted`,
        { received: this.pendingLines() },
      );
    }
  }

  private completeLine(tail: Buffer): Buffer {
    if (this.partialLineBytes + tail.length > this.limits.maxLineBytes) {
      this.holdPartialLine(tail);
    }
    if (this.partialLineBytes === 0) return tail;

    const raw = Buffer.concat([...this.partialLine, tail]);
    this.partialLine = [];
    this.partialLineBytes = 0;
    return raw;
  }

  private acceptLine(raw: Buffer, at: number): Reply | undefined {
    const content = stripLineEnding(raw);
    if (raw.at(-1) === LF && raw.at(-2) !== CR) {
      this.warn('bare-lf', 'server ends lines with a bare LF instead of CRLF');
    }

    if (content.length === 0) {
      this.countEmptyLine();
      if (this.lines.length === 0) this.firstByteAt = undefined;
      return undefined;
    }
    this.emptyLines = 0;

    const line = this.parseLine(raw, content);
    this.lines.push(line);
    this.replyBytes += raw.length;
    this.checkReplyLimits();

    return line.final ? this.completeReply(at) : undefined;
  }

  private parseLine(raw: Buffer, content: Buffer): ReplyLine {
    if (!isReplyLine(content)) {
      throw new ProtocolError('server sent a line that is not an SMTP reply', {
        received: [...this.lines.map((line) => line.raw), headOf(raw)],
      });
    }
    if (raw.length > RFC_MAX_REPLY_LINE) {
      this.warn(
        'long-line',
        `reply line longer than ${RFC_MAX_REPLY_LINE} bytes (RFC 5321 §4.5.3.1.5)`,
      );
    }

    const textBytes = content.subarray(4);
    // Text that is not UTF-8 is kept one character per byte, so no byte
    // turns into U+FFFD; the transcript shows it from the raw bytes anyway.
    const utf8 = isUtf8(textBytes);
    if (!utf8) this.warn('not-utf8', 'reply text is not valid UTF-8; shown byte for byte');

    return {
      code: Number(content.subarray(0, 3).toString('latin1')),
      final: isFinalLine(content),
      text: textBytes.toString(utf8 ? 'utf8' : 'latin1'),
      raw,
    };
  }

  // Empty lines hold no reply, but an endless run of them is a flood like any other.
  private countEmptyLine(): void {
    this.emptyLines += 1;
    this.emptyLinesInReply += 1;
    const count = this.emptyLinesInReply;
    const what = count === 1 ? 'an empty line' : `${count} empty lines`;
    const message = `server sent ${what}; ignored`;
    this.warnings.set('empty-line', { code: 'empty-line', message });
    if (this.emptyLines > this.limits.maxLinesPerReply) {
      throw new ProtocolError(
        `server sent more than ${this.limits.maxLinesPerReply} empty lines in a row, ` +
          'reading aborted',
      );
    }
  }

  private checkReplyLimits(): void {
    const { maxLinesPerReply, maxReplyBytes } = this.limits;
    if (this.lines.length <= maxLinesPerReply && this.replyBytes <= maxReplyBytes) return;

    throw new ProtocolError(
      `reply exceeded limits (${this.lines.length} lines, ${this.replyBytes} bytes; ` +
        `at most ${maxLinesPerReply} lines and ${maxReplyBytes} bytes), reading aborted`,
      { received: this.pendingLines() },
    );
  }

  private completeReply(at: number): Reply {
    const lines = this.lines;
    const final = lines[lines.length - 1]!;

    // RFC 5321 §4.2 lets a server send the code alone; unusual, so noted.
    if (lines.every((line) => line.text.trim() === '')) {
      this.warn('code-only', 'the server sends replies without text (allowed, but unusual)');
    }

    const codes = [...new Set(lines.map((line) => line.code))];
    if (codes.length > 1) {
      this.warn('code-mismatch', `reply lines carry different codes (${codes.join(', ')})`);
    }

    const enhancedStatus = findEnhancedStatusCode(
      lines.filter((line) => line.code === final.code).map((line) => line.text),
    );
    const reply: Reply = {
      code: final.code,
      ...(enhancedStatus ? { enhancedStatus } : {}),
      lines,
      warnings: [...this.warnings.values()],
      firstByteAt: this.firstByteAt ?? at,
      completedAt: at,
    };

    this.lines = [];
    this.replyBytes = 0;
    this.warnings = new Map();
    this.emptyLinesInReply = 0;
    this.firstByteAt = undefined;
    return reply;
  }

  private warn(code: string, message: string): void {
    if (!this.warnings.has(code)) this.warnings.set(code, { code, message });
  }
}

/** Three digits, the first 2–5 (RFC 5321 §4.2), then a space, a hyphen or nothing. */
function isReplyLine(content: Buffer): boolean {
  const [first, second, third] = content;
  if (first === undefined || first < 0x32 || first > 0x35) return false;
  if (!isDigit(second) || !isDigit(third)) return false;
  const separator = content[3];
  return separator === undefined || separator === SPACE || separator === HYPHEN;
}

/** A line is final unless a hyphen follows its code; `250` alone is final. */
function isFinalLine(content: Buffer): boolean {
  return content[3] !== HYPHEN;
}

function isDigit(byte: number | undefined): boolean {
  return byte !== undefined && byte >= 0x30 && byte <= 0x39;
}

/** A line without its CRLF or bare LF. */
export function stripLineEnding(raw: Buffer): Buffer {
  let end = raw.length;
  if (raw[end - 1] === LF) end -= 1;
  if (raw[end - 1] === CR) end -= 1;
  return raw.subarray(0, end);
}

function headOf(raw: Buffer): Buffer {
  return raw.length <= KEPT_HEAD_BYTES ? raw : Buffer.from(raw.subarray(0, KEPT_HEAD_BYTES));
}
