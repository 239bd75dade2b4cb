/**
 * The message after a DATA that did not get 354, in piped input or typed
 * ahead at the terminal. Those lines were written as message text — a
 * sentence holding a password, a line that reads like `VRFY root` — and
 * sent now they would be taken as commands; they are skipped instead, up
 * to the lone "." that was to end the message.
 */
import type { InteractiveOutput } from './output.js';

/** Counts the lines skipped after a DATA without 354. */
export class RefusedMessage {
  private skipped: number | undefined;

  /** True while lines are skipped. */
  get active(): boolean {
    return this.skipped !== undefined;
  }

  /** DATA got no 354 while lines were already waiting: skip them from now on. */
  start(): void {
    this.skipped = 0;
  }

  /** Takes a line; true when it is skipped. The lone "." ends the skipping, and is skipped too. */
  skip(line: string, output: InteractiveOutput): boolean {
    if (this.skipped === undefined) return false;
    if (line === '.') this.stop(output, true);
    else this.skipped += 1;
    return true;
  }

  /** Stops skipping (the lone ".", or no more lines waiting) and says how many were skipped. */
  stop(output: InteractiveOutput, dot = false): void {
    const skipped = this.skipped;
    if (skipped === undefined) return;
    this.skipped = undefined;
    if (skipped === 0 && !dot) return;
    const lines = skipped === 1 ? '1 line' : `${skipped} lines`;
    const end = dot ? ' and the lone "." after them' : '';
    output.note(`DATA got no 354: the ${lines} of its message${end} skipped, none sent`);
  }
}
