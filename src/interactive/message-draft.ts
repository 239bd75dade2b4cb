/**
 * The message typed after DATA's 354: each line goes to the server as it
 * is typed, dot-stuffed and ended with CRLF, and only its size is kept,
 * for the line that stands for it in the transcript.
 */
import type { SmtpConnection } from '../transport/connection.js';

/** Counts the message's lines as they are sent. */
export class MessageDraft {
  private lines = 0;
  private bytes = 0;
  private stuffed = 0;

  /**
   * Sends one line of the message (already dot-stuffed) with its CRLF;
   * `raw`, the line's own bytes when they are not UTF-8, goes as it is.
   */
  add(connection: SmtpConnection, wire: string, stuffed: boolean, raw?: Buffer): void {
    const bytes = raw
      ? Buffer.concat([Buffer.from(stuffed ? '.' : ''), raw, Buffer.from('\r\n')])
      : Buffer.from(`${wire}\r\n`, 'utf8');
    connection.sendBytes('message', bytes);
    this.lines += 1;
    this.bytes += bytes.length;
    if (stuffed) this.stuffed += 1;
  }

  /** The message in a few words: its size, and how many lines got a second dot. */
  describe(): string {
    const lines = `${this.lines} ${this.lines === 1 ? 'line' : 'lines'}`;
    const stuffed = this.stuffed > 0 ? `, ${this.stuffed} dot-stuffed` : '';
    return `<message: ${lines}, ${this.bytes} bytes${stuffed}>, then .`;
  }
}
