/**
 * Playing a scenario's steps on an open session. Each step that draws a
 * reply runs its action, then has its reply judged (judge.ts); the step's
 * `within` limits every wait the step makes.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { abortError, ExpectationError, ReplyError, toProbeError } from '../errors.js';
import { encodeForData } from '../message/data.js';
import { buildCommand } from '../protocol/command.js';
import { ExtensionSet, parseExtensions } from '../protocol/extensions.js';
import { authenticate } from '../session/auth.js';
import { requireCode } from '../session/expect.js';
import { describeSize, findQueueId } from '../session/message.js';
import type { ProbeOptions } from '../session/options.js';
import { quit } from '../session/quit.js';
import type { Session } from '../session/session.js';
import { requireTrusted, upgrade } from '../session/starttls.js';
import type { Reply } from '../protocol/reply.js';
import type { TlsSession } from '../transport/tls-session.js';
import type { ExpectationOutcome } from '../session/expectations.js';
import { judgeReply, judgesRefusal, type StepReply } from './judge.js';
import {
  describeStep,
  type AuthStep,
  type DataStep,
  type ReplyingStep,
  type Scenario,
  type SendStep,
  type Step,
} from './script.js';

/** What the steps learned, for the report. */
export interface ScenarioFindings {
  greeting?: Reply;
  extensions?: ExtensionSet;
  extensionsAfterTls?: ExtensionSet;
  tls?: TlsSession;
}

/** Everything a step needs: the session, the options and what came before. */
export interface StepContext {
  readonly session: Session;
  readonly options: ProbeOptions;
  readonly scenario: Scenario;
  readonly findings: ScenarioFindings;
  readonly signal: AbortSignal;
  readonly replies: ReplyTracker;
  readonly state: ScenarioState;
  /** Each expect line judged so far, for the report. */
  readonly outcomes: ExpectationOutcome[];
}

/** The last reply a command drew (unasked ones left out); the session's observer sets it. */
export interface ReplyTracker {
  last: StepReply | undefined;
}

/** What changes as the steps go. */
export interface ScenarioState {
  /** The extensions of the last EHLO, cleared by TLS (RFC 3207 §4.2). */
  extensions: ExtensionSet | undefined;
  /** Set by quit and close: the session is over. */
  ended: boolean;
}

/** Plays every step in order; says QUIT at the end unless the script did or closed. */
export async function playSteps(context: StepContext): Promise<void> {
  const { scenario, session } = context;
  for (const step of scenario.steps) {
    try {
      await playStep(step, context);
    } catch (error) {
      throw withStep(error, scenario.file, step);
    }
  }

  if (context.state.ended) return;
  session.emit({ type: 'note', text: 'the scenario ends without quit: saying QUIT' });
  await quit(session, context.options.timeouts.quitMs);
}

// The failure message names the step, its line and its text, so that the
// user knows which of forty lines went wrong. Expect failures name their own.
function withStep(error: unknown, file: string, step: Step): unknown {
  const failure = toProbeError(error);
  if (failure instanceof ExpectationError) return failure;
  failure.message = `${describeStep(file, step)}: ${failure.message}`;
  return failure;
}

function playStep(step: Step, context: StepContext): Promise<void> {
  switch (step.kind) {
    case 'connect':
      return replyTo(step, context, () => connect(step, context));
    case 'send':
      return replyTo(step, context, () => send(step, context));
    case 'starttls':
      return replyTo(step, context, () => startTls(step, context));
    case 'auth':
      return replyTo(step, context, () => auth(step, context));
    case 'data':
      return replyTo(step, context, () => data(step, context));
    case 'quit':
      context.state.ended = true;
      return replyTo(step, context, () => sayQuit(step, context));
    case 'wait':
      return pause(step.ms, context);
    case 'close':
      context.state.ended = true;
      context.session.emit({ type: 'note', text: 'closing the connection without QUIT' });
      context.session.connection.close();
      return Promise.resolve();
  }
}

// A refusal the step's expects assert is what the script asked for; any
// other failure, or a refusal of a reply other than the step's, ends the run.
async function replyTo(
  step: ReplyingStep,
  context: StepContext,
  action: () => Promise<unknown>,
): Promise<void> {
  context.replies.last = undefined;
  // Read through a function: the action sets it, which narrowing cannot see.
  const answer = (): StepReply | undefined => context.replies.last;
  try {
    await action();
  } catch (error) {
    const asserted = error instanceof ReplyError && error.reply === answer()?.reply;
    if (!asserted || !judgesRefusal(step, error.reply)) throw error;
  }
  // quit() with no reply (the server closed) leaves nothing to judge.
  const decided = answer();
  if (!decided) return;
  const record = (outcome: ExpectationOutcome): number => context.outcomes.push(outcome);
  judgeReply(context.scenario.file, step, decided, context.session.emit, record);
}

/** The limit for each wait of a step: its `within`, else the default. */
function limit(step: ReplyingStep, fallbackMs: number): number {
  const given = step.expects.flatMap((clause) =>
    clause.withinMs === undefined ? [] : [clause.withinMs],
  );
  return given.length > 0 ? Math.min(...given) : fallbackMs;
}

async function connect(step: ReplyingStep, context: StepContext): Promise<void> {
  const { session, options, findings } = context;
  if (options.target.implicitTls) {
    const hint =
      'this port may expect plaintext SMTP: try without --tls, and starttls in the script';
    findings.tls = await upgrade(session, options, hint);
    requireTrusted(options, findings.tls);
    session.startGreetingClock();
  }
  findings.greeting = await session.readGreeting(limit(step, options.timeouts.greetingMs));
}

async function send(step: SendStep, context: StepContext): Promise<void> {
  const { session, findings } = context;
  const reply = await session.exchange(
    step.stage,
    step.command,
    limit(step, context.options.timeouts.replyMs),
  );
  if (step.stage === 'quit') context.state.ended = true;
  if (step.stage !== 'ehlo' || reply.code !== 250) return;

  // HELO's 250 lists no extensions; EHLO's (and LMTP's LHLO) do.
  const extensions = step.command.verb === 'HELO' ? new ExtensionSet([]) : parseExtensions(reply);
  context.state.extensions = extensions;
  if (session.connection.secure) findings.extensionsAfterTls = extensions;
  else findings.extensions = extensions;
}

async function startTls(step: ReplyingStep, context: StepContext): Promise<void> {
  const { session, options } = context;
  const reply = await session.send(
    'starttls',
    'STARTTLS',
    undefined,
    limit(step, options.timeouts.replyMs),
  );
  requireCode('starttls', reply, 220, 'STARTTLS');

  const hint = 'the server accepted STARTTLS but its TLS is broken';
  const timeouts = { ...options.timeouts, tlsMs: limit(step, options.timeouts.tlsMs) };
  context.findings.tls = await upgrade(session, { ...options, timeouts }, hint);
  requireTrusted(options, context.findings.tls);
  context.state.extensions = undefined;
}

async function auth(step: AuthStep, context: StepContext): Promise<void> {
  const { session, options, findings } = context;
  const request = {
    mechanism: step.mechanism,
    user: step.user,
    secret: step.secret!,
    allowInsecure: context.scenario.allowInsecureAuth,
    revealSecrets: false,
  };
  const trusted = findings.tls?.verification.trusted === true;
  const extensions = context.state.extensions ?? new ExtensionSet([]);
  const timeoutMs = limit(step, options.timeouts.replyMs);
  await authenticate(session, request, extensions, timeoutMs, options.secretMask, trusted);
}

async function data(step: DataStep, context: StepContext): Promise<void> {
  const { session } = context;
  const timeoutMs = limit(step, context.options.timeouts.replyMs);
  const reply = await session.exchange('data', buildCommand('DATA'), timeoutMs);
  requireCode('data', reply, 354, 'DATA');

  const message = step.message!;
  const summary = `${describeSize(message)} (dot-stuffed), then <CRLF>.<CRLF>`;
  const final = await session.exchangeContent(
    'message',
    encodeForData(message),
    summary,
    timeoutMs,
  );
  const queueId = final.code === 250 ? findQueueId(final) : undefined;
  if (queueId) session.emit({ type: 'note', text: `the server took the message as ${queueId}` });
}

async function sayQuit(step: ReplyingStep, context: StepContext): Promise<void> {
  const { session, options } = context;
  // Unasserted, QUIT is the usual courtesy; asserted, its reply is judged like any other.
  if (step.expects.length === 0) return quit(session, options.timeouts.quitMs);
  await session.send('quit', 'QUIT', undefined, limit(step, options.timeouts.replyMs));
}

async function pause(ms: number, context: StepContext): Promise<void> {
  try {
    await sleep(ms, undefined, { signal: context.signal });
  } catch {
    throw abortError(context.signal.reason, undefined, 'the end of a wait step');
  }
}
