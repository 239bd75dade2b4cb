/**
 * The output node:readline echoes typing to: the terminal, except while
 * what is being typed is a secret. readline has no option to stop echoing
 * one line, so it is given this stream, which drops its writes while the
 * gate is shut and forwards everything else, terminal size included.
 */
import { Writable } from 'node:stream';

/** The terminal as readline needs it: somewhere to write, and its width. */
export interface TerminalOutput {
  write(text: string): unknown;
  readonly columns?: number;
  readonly rows?: number;
  on?(event: 'resize', listener: () => void): unknown;
}

/** A stream that forwards readline's echo unless `shut()` says a secret is being typed. */
export class EchoGate extends Writable {
  private readonly terminal: TerminalOutput;
  private readonly shut: () => boolean;
  /** Set when an echo was dropped: the line's end must then be written by hand. */
  swallowed = false;
  readonly isTTY = true;

  constructor(terminal: TerminalOutput, shut: () => boolean) {
    super({ decodeStrings: false });
    this.terminal = terminal;
    this.shut = shut;
    terminal.on?.('resize', () => this.emit('resize'));
  }

  get columns(): number {
    return this.terminal.columns ?? 80;
  }

  get rows(): number {
    return this.terminal.rows ?? 24;
  }

  override _write(chunk: unknown, _encoding: string, done: (error?: Error | null) => void): void {
    const text = typeof chunk === 'string' ? chunk : String(chunk);
    if (this.shut()) this.swallowed = true;
    else this.terminal.write(text);
    done();
  }
}
