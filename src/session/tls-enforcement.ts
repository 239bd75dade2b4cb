/**
 * The STARTTLS enforcement check (--check-starttls-enforced): on a
 * connection of its own, EHLO and MAIL FROM:<> without TLS, then QUIT at
 * once. No RCPT and no DATA are ever sent, so nothing can be delivered;
 * QUIT ends the open transaction (RFC 5321 §4.1.1.10).
 */
import { ReplyError, toProbeError } from '../errors.js';
import { openConnection } from './connect.js';
import type { SessionObserver } from './events.js';
import { courtesyQuit, leavesSessionOpen, untilAborted } from './lifetime.js';
import { SessionLog } from './log.js';
import { classifyReplyCode, formatReply, replyText, type Reply } from '../protocol/reply.js';
import type { Exchange } from './log.js';
import { defaultEhloName, greet, hello } from './hello.js';
import type { ProbeOptions } from './options.js';
import { quit } from './quit.js';
import { Session } from './session.js';

/**
 * What MAIL FROM without TLS drew: `required` (refused, naming TLS),
 * `refused` (refused for a reason its text does not tie to TLS),
 * `accepted` (250: STARTTLS is not enforced), or `unknown` (the check
 * did not get as far as MAIL FROM's reply).
 */
export type EnforcementStatus = 'required' | 'refused' | 'accepted' | 'unknown';

/** The outcome of the check, with the exchanges of its own connection. */
export interface EnforcementResult {
  readonly status: EnforcementStatus;
  /** The reply to MAIL FROM, when one came. */
  readonly reply: Reply | undefined;
  /** Why the status is `unknown`. */
  readonly problem: string | undefined;
  readonly exchanges: readonly Exchange[];
}

/** The reverse-path used: the null sender, which every server must accept (RFC 5321 §4.5.5). */
export const ENFORCEMENT_SENDER = 'FROM:<>';

// A refusal that names TLS, STARTTLS or encryption is about TLS; RFC 3207
// §4 suggests "530 5.7.0 Must issue a STARTTLS command first". 530 5.7.0
// alone is not enough: RFC 4954 §6 uses it for "Authentication required".
const NAMES_TLS = /\b(STARTTLS|TLS|SSL)\b|encrypt/i;

/** Greets, says EHLO and MAIL FROM:<> in plaintext, then QUIT; returns MAIL's reply. */
export async function tryMailWithoutTls(session: Session, options: ProbeOptions): Promise<Reply> {
  const { timeouts } = options;
  await greet(session, timeouts.greetingMs);
  const name = options.ehloName ?? defaultEhloName(session.connection.localAddress);
  await hello(session, name, timeouts.replyMs);

  const reply = await session.send('mail', 'MAIL', ENFORCEMENT_SENDER, timeouts.replyMs);
  await quit(session, timeouts.quitMs);
  return reply;
}

/** Classifies the reply to MAIL FROM sent without TLS. */
export function judgeMailReply(reply: Reply): EnforcementStatus {
  if (classifyReplyCode(reply.code) === 'success') return 'accepted';
  if (reply.code < 400) return 'unknown';
  return NAMES_TLS.test(replyText(reply)) ? 'required' : 'refused';
}

/** The status for a check that failed: a refused MAIL FROM is still an answer. */
export function judgeFailure(caught: unknown): { status: EnforcementStatus; reply?: Reply } {
  const error = toProbeError(caught);
  if (error instanceof ReplyError && error.stage === 'mail') {
    return { status: judgeMailReply(error.reply), reply: error.reply };
  }
  return { status: 'unknown' };
}

/**
 * The sentence (and, for a server that accepts mail in plaintext away from
 * port 25, the warning) that the transcript gives the outcome.
 */
export function describeEnforcement(
  result: EnforcementResult,
  port: number,
): { text: string; warn: boolean } {
  const drew = result.reply ? `MAIL FROM:<> without TLS drew ${formatReply(result.reply)}` : '';
  switch (result.status) {
    case 'required':
      return { text: `STARTTLS is enforced: ${drew}`, warn: false };
    case 'refused':
      return {
        text: `${drew}: refused, but its text does not name TLS (authentication or policy?)`,
        warn: false,
      };
    case 'accepted':
      // RFC 3207 §4: a publicly referenced server must not require STARTTLS.
      return port === 25
        ? {
            text: `STARTTLS is not enforced (${drew}), as RFC 3207 §4 asks of port 25`,
            warn: false,
          }
        : { text: `STARTTLS is not enforced: ${drew}`, warn: true };
    case 'unknown':
      return { text: `STARTTLS enforcement not checked: ${result.problem ?? drew}`, warn: false };
  }
}

/**
 * Runs the STARTTLS enforcement check on a connection of its own. Its
 * exchanges go to the transcript and to a log of their own, so that the
 * session's exchanges and --expect stay those of the probe; its verdict
 * is a note or a warning of the run (`report`). It never throws.
 */
export async function checkEnforcement(
  options: ProbeOptions,
  startedAt: number,
  display: SessionObserver,
  report: SessionObserver,
  signal: AbortSignal,
): Promise<EnforcementResult> {
  const text = 'checking on a second connection whether MAIL FROM needs STARTTLS first (no RCPT)';
  report({ type: 'note', text });
  const log = new SessionLog(startedAt);
  const observe = log.observer(display);
  let result: EnforcementResult;
  let session: Session | undefined;

  try {
    const connected = await openConnection(options, observe, signal);
    // The refusal here is provoked on purpose, and the enforcement verdict
    // says what it means: advice on how to avoid it would mislead.
    const explain = false;
    session = new Session(connected.connection, observe, connected.connectedAt, explain);
    let reply: Reply | undefined;
    await untilAborted(session, signal, async () => {
      reply = await tryMailWithoutTls(session!, options);
    });
    result = { status: judgeMailReply(reply!), reply, problem: undefined, exchanges: [] };
  } catch (caught) {
    const judged = judgeFailure(caught);
    const problem = judged.status === 'unknown' ? toProbeError(caught).message : undefined;
    result = { ...judged, reply: judged.reply, problem, exchanges: [] };
    if (session && leavesSessionOpen(toProbeError(caught)))
      await courtesyQuit(session, options, signal);
  } finally {
    session?.connection.close();
  }

  log.closePending();
  result = { ...result, exchanges: log.exchanges };
  const { text: verdict, warn } = describeEnforcement(result, options.target.port);
  const warning = { code: 'starttls-not-enforced', message: verdict };
  report(warn ? { type: 'warning', warning } : { type: 'note', text: verdict });
  return result;
}
