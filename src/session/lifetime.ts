/**
 * The lifetime of a session: the overall deadline, interruptions that end
 * the wait under way, and the courtesy QUIT after a failure. Shared by the
 * probe, scenarios, the MX walk and the STARTTLS enforcement check.
 */
import {
  abortError,
  CannotSendError,
  DeadlineExceeded,
  ReplyError,
  TlsPolicyError,
  type ProbeError,
} from '../errors.js';
import type { ProbeOptions } from './options.js';
import { quit } from './quit.js';
import type { Session } from './session.js';
import { describeStage, type Stage } from './stage.js';

/**
 * Starts the overall deadline. It aborts like a signal does, with its own
 * reason, so that every wait under way (connect, handshake, reply, drain)
 * ends at once.
 */
export function startDeadline(
  ms: number,
  signal: AbortSignal | undefined,
): { signal: AbortSignal; clear: () => void } {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new DeadlineExceeded(ms)), ms);
  const combined = signal ? AbortSignal.any([signal, controller.signal]) : controller.signal;
  return { signal: combined, clear: () => clearTimeout(timer) };
}

/** Runs the work; an interruption fails whatever wait is under way, naming it. */
export async function untilAborted(
  session: Session,
  signal: AbortSignal | undefined,
  work: () => Promise<void>,
): Promise<void> {
  const onAbort = (): void => abortWait(session, signal!.reason);

  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    await work();
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
}

/**
 * Ends the connection for an interruption or the deadline, failing the
 * wait under way (if any) with an error that names what was awaited.
 */
export function abortWait(session: Session, reason: unknown): void {
  const { connection } = session;
  const stage = connection.waitingStage;
  const what = stage && describeWait(stage);
  connection.abort(abortError(reason, stage, what, connection.unfinishedReply()));
}

function describeWait(stage: Stage): string {
  if (stage === 'greeting') return 'the greeting';
  if (stage === 'tls') return 'the TLS handshake';
  return `the reply to ${describeStage(stage)}`;
}

/**
 * Says the QUIT after a refusal: an interruption or a late fault during it
 * is noted, while the refusal stays the verdict.
 */
export async function courtesyQuit(
  session: Session,
  options: ProbeOptions,
  signal: AbortSignal | undefined,
): Promise<void> {
  try {
    await untilAborted(session, signal, () => quit(session, options.timeouts.quitMs));
  } catch (error) {
    const problem = error instanceof Error ? error.message : String(error);
    session.emit({ type: 'note', text: `QUIT not completed: ${problem}` });
  }
}

/**
 * Tells whether the server still expects a QUIT: after a refusal, a
 * certificate we chose to reject, or a message that cannot go as asked it
 * does (RFC 5321 §3.1 even after a 554 greeting). After a timeout, a reset
 * or garbage, there is nobody sensible left to say it to.
 */
export function leavesSessionOpen(error: ProbeError): boolean {
  if (error instanceof ReplyError) return error.reply.code !== 421;
  return error instanceof TlsPolicyError || error instanceof CannotSendError;
}
