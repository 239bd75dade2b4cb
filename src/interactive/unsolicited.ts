/**
 * Replies that come while the prompt waits for the user: shown as they
 * arrive, marked unsolicited and explained like every other reply, with
 * one warning for the session. A flood of them since the last command is
 * a protocol fault, as in connection.ts.
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
  async show(session: Session, output: InteractiveOutput): Promise<string | undefined> {
    const taken = session.connection.takeUnsolicited();
    if (taken.length === 0) return undefined;
    // Explained as the session explains its own replies (a 421 before the
    // close says why); taken first, so two calls never show a reply twice.
    const replies = await session.explainAll(taken, 'command');
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
