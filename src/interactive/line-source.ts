/**
 * Lines read from a pipe or a file (stdin that is not a terminal), one at
 * a time, when the session asks for the next: nothing is read ahead into
 * the session, so nothing can be sent before the reply it must follow.
 * Lines end with LF; a CR before it is dropped (files written on Windows),
 * and any other CR stays in the line, where it is refused before sending.
 */

import { isUtf8 } from 'node:buffer';

/** A line of input, without its line ending. */
export interface InputLine {
  /** The line as text: UTF-8 decoded, or one character per byte (Latin-1) when it is not UTF-8. */
  readonly text: string;
  /** The bytes as read, when they are not UTF-8: sent as they are, never re-encoded. */
  readonly raw: Buffer | undefined;
}

/**
 * Longest line taken from input, its line ending left out: far above any
 * SMTP line (1,000 octets, RFC 5321 §4.5.3.1.6), low enough that a stream
 * without line breaks is refused before it fills memory.
 */
export const MAX_LINE_BYTES = 64 * 1024;

/** A line of input was longer than MAX_LINE_BYTES: none of it is sent. */
export class OverlongLineError extends Error {
  constructor() {
    super(`an input line is over ${MAX_LINE_BYTES / 1024} KiB: not sent`);
  }
}

/** Reads lines from a stream on demand. */
export class LineSource {
  private readonly input: NodeJS.ReadableStream;
  private buffer = Buffer.alloc(0);
  private ended = false;
  private wake: (() => void) | undefined;
  private failure: Error | undefined;

  constructor(input: NodeJS.ReadableStream) {
    this.input = input;
    input.on('data', (chunk: Buffer | string) => {
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
      this.buffer = Buffer.concat([this.buffer, bytes]);
      this.wake?.();
    });
    input.on('end', () => this.finish());
    input.on('error', (error: Error) => this.finish(error));
  }

  /** The next line without its line ending; undefined at the end of input. */
  async next(): Promise<InputLine | undefined> {
    for (;;) {
      const end = this.buffer.indexOf(0x0a);
      // The same verdict however the pipe cut the input into chunks: the
      // length of the line itself, known once its LF (or the end) comes, or
      // as soon as what has come of it is already too long.
      if (end !== -1) return this.take(end, end + 1);
      if (this.buffer.length > MAX_LINE_BYTES + 1) throw new OverlongLineError();
      if (this.failure) throw this.failure;
      if (this.ended) return this.buffer.length > 0 ? this.take(this.buffer.length) : undefined;
      await new Promise<void>((resolve) => (this.wake = resolve));
      this.wake = undefined;
    }
  }

  /**
   * Stops reading: a session that ended before its input did (a signal,
   * the server closing) must not be kept alive by a pipe still open.
   */
  stop(): void {
    this.input.removeAllListeners('data');
    this.input.pause();
    (this.input as Partial<{ destroy(): void }>).destroy?.();
  }

  // An 8-bit message body in another charset must reach the server byte
  // for byte: decoding it as UTF-8 would turn each stray byte into U+FFFD.
  private take(end: number, next = end): InputLine {
    const cr = end > 0 && this.buffer[end - 1] === 0x0d ? 1 : 0;
    if (end - cr > MAX_LINE_BYTES) throw new OverlongLineError();
    const bytes = Buffer.from(this.buffer.subarray(0, end - cr));
    this.buffer = this.buffer.subarray(next);
    if (isUtf8(bytes)) return { text: bytes.toString('utf8'), raw: undefined };
    return { text: bytes.toString('latin1'), raw: bytes };
  }

  private finish(error?: Error): void {
    this.ended = true;
    this.failure = error;
    this.wake?.();
  }
}
