/**
 * QUIT (RFC 5321 §4.1.1.10). The reply is a courtesy: a server that closes
 * instead, or answers slowly, is noted but never fails a probe, and never
 * hides a failure that came before it. A fault that arrived before QUIT was
 * sent is not QUIT's: it is the verdict.
 */
import { InterruptedError, ProbeError } from '../errors.js';
import { formatDuration } from '../output/duration.js';
import type { Session } from './session.js';

/** Says QUIT and waits briefly for 221; notes anything else. */
export async function quit(session: Session, timeoutMs: number): Promise<void> {
  // What came unasked is shown first, even when it is what ended the session.
  const earlier = session.connection.pendingFault();
  if (earlier) {
    await session.showUnsolicited('quit');
    throw earlier;
  }

  try {
    const reply = await session.send('quit', 'QUIT', undefined, timeoutMs);
    if (reply.code !== 221) {
      session.emit({ type: 'note', text: `the server answered QUIT with ${reply.code}, not 221` });
    }
  } catch (error) {
    if (!(error instanceof ProbeError) || error instanceof InterruptedError) throw error;
    const { received } = error;
    if (received.length > 0) {
      session.emit({ type: 'received', received, secure: session.connection.secure });
    }
    session.emit({ type: 'note', text: quitProblem(error, timeoutMs) });
  }

  // Whatever else came is shown, not dropped with the connection.
  await session.showUnsolicited('quit');
}

function quitProblem(error: ProbeError, timeoutMs: number): string {
  if (error.code === 'timeout') return `no reply to QUIT within ${formatDuration(timeoutMs)}`;
  if (error.code === 'connection-lost') {
    return 'the server closed the connection without answering QUIT';
  }
  return `QUIT failed: ${error.message}`;
}
