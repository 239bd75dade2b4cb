/**
 * Notes shown under a reply in an interactive session: what the reply
 * means for what the user can type next. This is the one place where the
 * interactive transcript adds lines under a reply; the transcript renderer
 * has drawn the reply itself, timed and classified, just before.
 */
import type { Reply } from '../protocol/reply.js';
import type { Stage } from '../session/stage.js';

/** The lines of notes to show under one reply, for the command stage it answered. */
export function notesUnderReply(reply: Reply, stage: Stage, unsolicited: boolean): string[] {
  if (unsolicited) return reply.code === 421 ? [CLOSING] : [];
  if (reply.code === 354) {
    return ['the server takes the message now: type it; a line holding only "." ends it'];
  }
  if (reply.code === 421) return [CLOSING];
  if (stage === 'starttls' && reply.code === 220) return ['starting TLS'];
  return [];
}

// RFC 5321 §3.8: 421 says the server is about to close, whatever was asked.
const CLOSING = 'the server is closing the connection (421)';
