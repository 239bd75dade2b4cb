/**
 * Every way a probe can fail, each with a stable `code` string and an exit
 * status. The table is documented in docs/exit-codes.md and in --help.
 */
import { formatDuration } from './output/duration.js';
import { describeStage, type Stage } from './session/stage.js';
import { classifyReplyCode, describeReplyClass, replyText, type Reply } from './protocol/reply.js';

/** Exit statuses that do not depend on a reply. */
export const ExitCode = {
  ok: 0,
  internal: 1,
  usage: 2,
  resolve: 3,
  connect: 4,
  timeout: 5,
  tls: 6,
  protocol: 7,
  connectionLost: 8,
  /** The message cannot be sent as asked: SMTPUTF8 or REQUIRETLS missing, AUTH not offered. */
  cannotSend: 9,
  /** An --expect was not met: the server answered, but not as the user asserted. */
  expectation: 10,
  /** The domain publishes the null MX (RFC 7505): it accepts no mail. */
  nullMx: 11,
  interrupted: 130,
  terminated: 143,
} as const;

// A refused stage exits with tens = the stage, units = the reply class:
// (message is the reply after the end of data, or to the last BDAT chunk)
// 25 is a 5xx greeting, 34 a 4xx to EHLO, so `status % 10` tells a
// temporary refusal (4) from a permanent one (5).
const REFUSAL_TENS: Partial<Record<Stage, number>> = {
  greeting: 2,
  ehlo: 3,
  starttls: 4,
  auth: 5,
  mail: 6,
  rcpt: 7,
  data: 8,
  message: 9,
  // Any other command a scenario sends (NOOP, VRFY…): 104/105, past the
  // one-digit stages, and still `status % 10` for the reply class.
  command: 10,
};

/** The exit status for a server's refusal at a stage. */
export function refusalExitCode(stage: Stage, replyCode: number): number {
  const tens = REFUSAL_TENS[stage];
  // Only the stages above have commands a server can refuse.
  if (tens === undefined) return ExitCode.internal;
  const units = replyCode >= 500 ? 5 : 4;
  return tens * 10 + units;
}

/**
 * The exit status of many probes (several targets, --count): the worst
 * one. Worst means furthest from a healthy server: an interruption, then
 * a bug, then no usable session at all (resolve, connect, timeout, TLS,
 * protocol, connection lost), then a permanent refusal, a temporary one,
 * a message that cannot go as asked, an unmet --expect, and success. Of
 * two equally bad, the first seen is kept.
 */
export function worstExitCode(codes: Iterable<number>): number {
  let worst = ExitCode.ok as number;
  for (const code of codes) if (severity(code) > severity(worst)) worst = code;
  return worst;
}

function severity(code: number): number {
  if (code === ExitCode.ok) return 0;
  if (code === ExitCode.expectation) return 1;
  if (code === ExitCode.cannotSend) return 2;
  if (code >= 20 && code < 100) return code % 10 === 4 ? 3 : 4;
  if (code === ExitCode.internal) return 6;
  if (code === ExitCode.interrupted || code === ExitCode.terminated) return 7;
  return 5;
}

interface ProbeErrorDetails {
  stage?: Stage | undefined;
  hint?: string | undefined;
  /** Lines of an unfinished reply that arrived before the failure. */
  received?: readonly Buffer[] | undefined;
  cause?: unknown;
}

/** Base of every failure smtp-probe reports to its user. */
export class ProbeError extends Error {
  readonly code: string;
  readonly exitCode: number;
  readonly stage: Stage | undefined;
  /** What to try next, said in one sentence. */
  readonly hint: string | undefined;
  readonly received: readonly Buffer[];

  constructor(code: string, exitCode: number, message: string, details: ProbeErrorDetails = {}) {
    super(message, { cause: details.cause });
    this.name = new.target.name;
    this.code = code;
    this.exitCode = exitCode;
    this.stage = details.stage;
    this.hint = details.hint;
    this.received = details.received ?? [];
  }
}

/** The command line asks for something impossible. */
export class UsageError extends ProbeError {
  constructor(message: string, hint?: string) {
    super('usage', ExitCode.usage, message, { hint });
  }
}

/** The target's host name did not resolve to an address. */
export class ResolveError extends ProbeError {
  constructor(message: string, details: ProbeErrorDetails) {
    super('resolve-failed', ExitCode.resolve, message, { ...details, stage: 'resolve' });
  }
}

/** The domain says, with the null MX of RFC 7505, that it accepts no mail. */
export class NullMxError extends ProbeError {
  constructor(domain: string) {
    super('null-mx', ExitCode.nullMx, `${domain} accepts no mail: its MX is the null MX (0 .)`, {
      stage: 'resolve',
      hint: 'RFC 7505: a sender gives up at once; nothing is probed',
    });
  }
}

/** No TCP connection could be made to any address of the target. */
export class ConnectError extends ProbeError {
  constructor(message: string, details: ProbeErrorDetails) {
    super('connect-failed', ExitCode.connect, message, { ...details, stage: 'connect' });
  }
}

/** A wait ran past its limit. */
export class TimeoutError extends ProbeError {
  readonly waitedMs: number;

  constructor(message: string, waitedMs: number, details: ProbeErrorDetails) {
    super('timeout', ExitCode.timeout, message, details);
    this.waitedMs = waitedMs;
  }
}

/** TLS could not be set up: the handshake failed or was interfered with. */
export class TlsError extends ProbeError {
  constructor(message: string, details: ProbeErrorDetails, code = 'tls-failed') {
    super(code, ExitCode.tls, message, details);
  }
}

/**
 * TLS works but falls short of what the user demanded (--starttls require,
 * --tls-verify). The session itself is healthy, so it still ends with QUIT.
 */
export class TlsPolicyError extends TlsError {
  constructor(message: string, details: ProbeErrorDetails) {
    super(message, details, 'tls-policy');
  }
}

/** The server's bytes are not SMTP, or exceed the reader's limits. */
export class ProtocolError extends ProbeError {
  constructor(message: string, details: ProbeErrorDetails = {}) {
    super('protocol-error', ExitCode.protocol, message, details);
  }
}

/** The server closed or reset the connection while a reply was due. */
export class ConnectionLostError extends ProbeError {
  constructor(message: string, details: ProbeErrorDetails) {
    super('connection-lost', ExitCode.connectionLost, message, details);
  }
}

/** The run was interrupted: Ctrl-C (SIGINT) or SIGTERM. */
export class InterruptedError extends ProbeError {
  constructor(signal: string, stage?: Stage, waitingFor?: string, received?: readonly Buffer[]) {
    const during = waitingFor ? ` while waiting for ${waitingFor}` : '';
    const exitCode = signal === 'SIGTERM' ? ExitCode.terminated : ExitCode.interrupted;
    super('interrupted', exitCode, `interrupted by ${signal}${during}`, { stage, received });
  }
}

/**
 * The message cannot go as asked: the server lacks what it needs (AUTH,
 * SMTPUTF8, REQUIRETLS). Nothing is wrong with the session, which still
 * ends with QUIT.
 */
export class CannotSendError extends ProbeError {
  constructor(code: string, message: string, details: ProbeErrorDetails) {
    super(code, ExitCode.cannotSend, message, details);
  }
}

/**
 * The server did not answer as an --expect asserted. Each unmet
 * expectation is one sentence of the message.
 */
export class ExpectationError extends ProbeError {
  readonly unmet: readonly string[];

  constructor(unmet: readonly string[], stage: Stage) {
    const more = unmet.length > 1 ? ` (and ${unmet.length - 1} more)` : '';
    super('expectation-failed', ExitCode.expectation, `${unmet[0]}${more}`, { stage });
    this.unmet = unmet;
  }
}

/** The abort reason when the overall deadline (--deadline) passes. */
export class DeadlineExceeded {
  readonly ms: number;

  constructor(ms: number) {
    this.ms = ms;
  }
}

/**
 * The error for a wait ended by an abort: a TimeoutError when the overall
 * deadline passed, an InterruptedError for a signal.
 */
export function abortError(
  reason: unknown,
  stage?: Stage,
  waitingFor?: string,
  received: readonly Buffer[] = [],
): ProbeError {
  if (!(reason instanceof DeadlineExceeded)) {
    return new InterruptedError(String(reason), stage, waitingFor, received);
  }
  const during = waitingFor ? ` while waiting for ${waitingFor}` : '';
  return new TimeoutError(
    `the run passed its overall deadline of ${formatDuration(reason.ms)}${during}`,
    reason.ms,
    { stage, received, hint: '--deadline sets it; each wait also has its own limit' },
  );
}

/** The server answered a stage with a 4xx or 5xx reply. */
export class ReplyError extends ProbeError {
  readonly reply: Reply;
  /** The command that drew the reply, as displayed; absent for the greeting. */
  readonly command: string | undefined;

  constructor(stage: Stage, reply: Reply, command?: string, hint?: string) {
    super('reply-refused', refusalExitCode(stage, reply.code), describeRefusal(stage, reply), {
      stage,
      hint,
    });
    this.reply = reply;
    this.command = command;
  }

  /** True for 4xx replies: the server asks the client to try again later. */
  get temporary(): boolean {
    return this.reply.code < 500;
  }
}

function describeRefusal(stage: Stage, reply: Reply): string {
  const replyClass = describeReplyClass(classifyReplyCode(reply.code));
  const text = replyText(reply);
  const said = text === '' ? `${reply.code} (no text)` : `${reply.code} ${text}`;
  return `${describeStage(stage)} refused (${replyClass}): ${said}`;
}

/** Wraps anything thrown into a ProbeError, keeping real ones as they are. */
export function toProbeError(error: unknown): ProbeError {
  if (error instanceof ProbeError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new ProbeError('internal', ExitCode.internal, `internal error: ${message}`, {
    cause: error,
    hint: 'this is a bug in smtp-probe; please report it with the transcript',
  });
}
