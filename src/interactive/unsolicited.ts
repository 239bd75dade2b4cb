/**
 * Replies that come while the prompt waits for the user: shown as they
 * arrive, marked unsolicited, with one warning for the session. A flood
 * of them since the last command is a protocol fault, as in connection.ts.
 */
import type { Reply } from '../protocol/reply.js';
import type { Session } from '../session/session.js';
import type { InteractiveOutput } from './output.js';

/** More unasked replies than this since the last command is a flood. */
const MAX_UNSOLICITED = 100;

/** Counts and shows unasked replies. */
export class UnsolicitedReplies {
  /** The last one: said when the server then closes. */
  last: Reply | undefined;
  private sinceCommand = 0;
  private warned = false;

  /** A command was sent: the flood count starts again. */
  reset(): void {
    this.sinceCommand = 0;
  }

  /** Shows what has come unasked; returns the flood's description when there is one. */
  show(session: Session, output: InteractiveOutput): string | undefined {
    const replies = session.connection.takeUnsolicited();
    if (replies.length === 0) return undefined;
    if (!this.warned) output.warn('the server sent a reply nobody asked for');
    this.warned = true;

    const secure = session.connection.secure;
    for (const reply of replies) {
      session.emit({
        type: 'reply',
        stage: 'command',
        reply,
        latencyMs: 0,
        secure,
        unsolicited: true,
      });
    }
    this.last = replies.at(-1);
    this.sinceCommand += replies.length;
    if (this.sinceCommand <= MAX_UNSOLICITED) return undefined;
    return `the server sent more than ${MAX_UNSOLICITED} replies nobody asked for`;
  }
}
