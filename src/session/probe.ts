/**
 * The probe: connect, greeting, EHLO, STARTTLS and EHLO again, QUIT — or,
 * for a banner check, connect, greeting, QUIT. Each step is a function of
 * its own; this file only puts them in order and decides what a failure
 * leaves to do.
 */
import { abortError, toProbeError, type ProbeError } from '../errors.js';
import type { ExtensionSet } from '../protocol/extensions.js';
import type { Reply } from '../protocol/reply.js';
import type { TlsSession } from '../transport/tls-session.js';
import type { Target } from '../transport/target.js';
import { openConnection } from './connect.js';
import { decideFailure, judgeExpectations, type ExpectationOutcome } from './expectations.js';
import { SessionLog } from './log.js';
import type { SessionObserver } from './events.js';
import { defaultEhloName, greet, hello } from './hello.js';
import type { ProbeOptions } from './options.js';
import { quit } from './quit.js';
import { reportReverseDns, type ReverseDns } from './reverse-dns.js';
import type { DaneCheck } from './dane.js';
import { authenticate } from './auth.js';
import { Session, type StageTiming } from './session.js';
import { transact, type TransactionResult } from './transaction.js';
import { describeStage, type Stage } from './stage.js';
import type { ExtensionComparison } from './tls-policy.js';
import { secure, secureAtOnce } from './tls-step.js';
import { checkEnforcement, type EnforcementResult } from './tls-enforcement.js';
import { courtesyQuit, leavesSessionOpen, startDeadline, untilAborted } from './lifetime.js';

/** Everything a probe learned, whether it succeeded or not. */
export interface ProbeResult {
  readonly target: Target;
  /** Wall-clock time the probe began. */
  readonly startedAt: Date;
  readonly address: string | undefined;
  readonly timings: readonly StageTiming[];
  readonly totalMs: number;
  readonly greeting: Reply | undefined;
  readonly extensions: ExtensionSet | undefined;
  readonly extensionsAfterTls: ExtensionSet | undefined;
  /** The two EHLO replies side by side, when EHLO was said again inside TLS. */
  readonly comparison?: ExtensionComparison | undefined;
  /** MAIL FROM without TLS on a second connection (--check-starttls-enforced). */
  readonly enforcement?: EnforcementResult | undefined;
  readonly tls: TlsSession | undefined;
  /** Set in send mode once the envelope was answered. */
  readonly transaction: TransactionResult | undefined;
  /** Every exchange, warning and note, timed from the start of the run. */
  readonly log: SessionLog;
  readonly expectations: readonly ExpectationOutcome[];
  /** What ended the session early, if anything. */
  readonly error: ProbeError | undefined;
  /** The reverse DNS of the address, when a resolver was given (reverse-dns.ts). */
  readonly rdns?: ReverseDns | undefined;
  /** The DANE check of the TLS session, when a resolver was given (dane.ts). */
  readonly dane?: DaneCheck | undefined;
  /**
   * What decides the verdict: the error, unless an --expect asked for it,
   * or an expectation that was not met (see decideFailure).
   */
  readonly failure: ProbeError | undefined;
  readonly exitCode: number;
}

/** What the steps of a probe found so far; filled in as they run. */
export interface Findings {
  transaction?: TransactionResult;
  greeting?: Reply;
  extensions?: ExtensionSet;
  extensionsAfterTls?: ExtensionSet;
  comparison?: ExtensionComparison;
  tls?: TlsSession;
  dane?: DaneCheck;
}

/** Runs one probe; never throws for anything the server or network does. */
export async function runProbe(
  options: ProbeOptions,
  observe: SessionObserver,
  signal?: AbortSignal,
): Promise<ProbeResult> {
  const startedAt = performance.now();
  const startedAtDate = new Date();
  const log = new SessionLog(startedAt);
  const display = observe;
  observe = log.observer(observe);
  const deadline = startDeadline(options.timeouts.deadlineMs, signal);
  signal = deadline.signal;
  const findings: Findings = {};
  const timings: StageTiming[] = [];
  let session: Session | undefined;
  let error: ProbeError | undefined;

  try {
    if (signal.aborted) throw abortError(signal.reason);
    const connected = await openConnection(options, observe, signal);
    timings.push(...connected.timings);
    const explaining = options.explain !== false;
    session = new Session(connected.connection, observe, connected.connectedAt, explaining);
    await untilAborted(session, signal, () => converse(session!, options, findings, signal));
  } catch (caught) {
    error = toProbeError(caught);
    observe({ type: 'failed', error, secure: session?.connection.secure ?? false });
    if (session && leavesSessionOpen(error)) await courtesyQuit(session, options, signal);
  } finally {
    session?.connection.close();
  }

  if (!error && !findings.tls) error = await requireDaneAfterAll(options, observe);
  // The side checks after the session are part of the probe too:
  // --deadline bounds them and totalMs counts them.
  let enforcement: EnforcementResult | undefined;
  let rdns: ReverseDns | undefined;
  const address = session?.connection.remoteAddress;
  try {
    if (options.checkStartTlsEnforced && !error) {
      enforcement = findings.extensions?.has('STARTTLS')
        ? await checkEnforcement(
            atAddress(options, address),
            log.startedAt,
            display,
            observe,
            signal,
          )
        : nothingToEnforce(observe);
    }
    // A QUIT the server never answered (it closed instead) is an exchange too.
    log.closePending();
    if (options.resolver && options.reverseDns !== false && address) {
      const { resolver } = options;
      rdns = await reportReverseDns(resolver, address, log, findings.greeting, observe, signal);
    }
  } finally {
    deadline.clear();
  }
  const totalMs = performance.now() - startedAt;

  const expectations = judgeExpectations(options.expectations ?? [], log);
  const failure = decideFailure(error, expectations);
  return {
    target: options.target,
    startedAt: startedAtDate,
    address,
    timings: [...timings, ...(session?.timings ?? [])],
    totalMs,
    greeting: findings.greeting,
    extensions: findings.extensions,
    extensionsAfterTls: findings.extensionsAfterTls,
    comparison: findings.comparison,
    enforcement,
    tls: findings.tls ?? log.tls,
    transaction: findings.transaction,
    log,
    expectations,
    error,
    rdns,
    dane: findings.dane,
    failure,
    exitCode: failure?.exitCode ?? 0,
  };
}

// A run that never set up TLS (a banner check, --quit-after) had no DANE
// to check: with --dane-require that fails it, after its QUIT.
async function requireDaneAfterAll(
  options: ProbeOptions,
  observe: SessionObserver,
): Promise<ProbeError | undefined> {
  if (options.dane !== 'require') return undefined;
  try {
    (await import('./dane-step.js')).enforceDane(options, undefined);
    return undefined;
  } catch (caught) {
    const error = toProbeError(caught);
    observe({ type: 'failed', error, secure: false });
    return error;
  }
}

async function converse(
  session: Session,
  options: ProbeOptions,
  findings: Findings,
  signal: AbortSignal | undefined,
): Promise<void> {
  const { timeouts } = options;
  const stopsAfter = (stage: Stage): boolean => options.quitAfter === stage;
  const done = (): Promise<void> => quit(session, timeouts.quitMs);

  if (options.target.implicitTls) {
    await secureAtOnce(session, options, findings, signal);
    session.startGreetingClock();
  }
  // Nothing has been said yet, so there is nobody to say QUIT to.
  if (stopsAfter('connect')) return;

  findings.greeting = await greet(session, timeouts.greetingMs);
  if (options.mode === 'banner' || stopsAfter('greeting')) return done();

  const name = options.ehloName ?? defaultEhloName(session.connection.localAddress);
  findings.extensions = await hello(session, name, timeouts.replyMs);
  if (stopsAfter('ehlo')) return done();

  await secure(session, options, findings, name, signal);
  if (options.mode === 'session' || stopsAfter('tls')) return done();

  const extensions = findings.extensionsAfterTls ?? findings.extensions;
  if (options.auth) {
    const trusted = findings.tls?.verification.trusted === true;
    await authenticate(
      session,
      options.auth,
      extensions,
      timeouts.replyMs,
      options.secretMask,
      trusted,
    );
  }
  if (stopsAfter('auth') || !options.transaction) return done();

  const { transaction, quitAfter } = options;
  if (options.quitAfterReason) {
    const stage = describeStage(quitAfter!);
    const text = `stopping after ${stage}: ${options.quitAfterReason}, so nothing is delivered`;
    session.emit({ type: 'note', text });
  }
  findings.transaction = await transact(
    session,
    transaction,
    extensions,
    quitAfter,
    timeouts.replyMs,
  );
  if (stopsAfter('data') && findings.transaction.inData) return closeInData(session);
  if (stopsAfter('data')) {
    session.emit({
      type: 'note',
      text: 'stopping before the first BDAT chunk: nothing is delivered',
    });
  }
  return done();
}

// The second connection goes to the address the probe reached: a name with
// several addresses could otherwise test another server than the one shown.
function atAddress(options: ProbeOptions, address: string | undefined): ProbeOptions {
  if (address === undefined) return options;
  const target = { ...options.target, host: address, isAddressLiteral: true };
  return { ...options, target };
}

// A server that offers no STARTTLS has nothing to enforce: the warning
// that it does not offer it has been given already.
function nothingToEnforce(observe: SessionObserver): EnforcementResult {
  const problem = 'the server offers no STARTTLS: there is nothing to enforce';
  observe({ type: 'note', text: `STARTTLS enforcement not checked: ${problem}` });
  return { status: 'unknown', reply: undefined, problem, exchanges: [] };
}

// After 354 every line is message text, QUIT included: the only clean way
// out is to close, and the server then discards the transaction.
function closeInData(session: Session): void {
  session.emit({
    type: 'note',
    text: 'closing after 354 without sending the message (--quit-after data): nothing is delivered',
  });
}

/**
 * The result of a probe that ended before any connection: DNS said no (an
 * MX host), or an interruption came first (probes of a batch not made).
 */
export function failedProbe(target: Target, error: ProbeError): ProbeResult {
  const log = new SessionLog();
  return {
    target,
    startedAt: new Date(),
    address: undefined,
    timings: [],
    totalMs: log.elapsed(),
    greeting: undefined,
    extensions: undefined,
    extensionsAfterTls: undefined,
    tls: undefined,
    transaction: undefined,
    log,
    expectations: [],
    error,
    failure: error,
    exitCode: error.exitCode,
  };
}
