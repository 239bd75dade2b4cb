/**
 * Runs a scenario (`smtp-probe run`): connect, then the script's steps in
 * order. The result has the shape of a probe's, so the transcript, the
 * summary and the JSON report show a scenario like any other run.
 */
import { abortError, ExpectationError, toProbeError, type ProbeError } from '../errors.js';
import { openConnection } from '../session/connect.js';
import type { SessionObserver } from '../session/events.js';
import type { ExpectationOutcome } from '../session/expectations.js';
import { SessionLog } from '../session/log.js';
import type { ProbeOptions } from '../session/options.js';
import {
  courtesyQuit,
  leavesSessionOpen,
  startDeadline,
  untilAborted,
} from '../session/lifetime.js';
import type { ProbeResult } from '../session/probe.js';
import { Session, type StageTiming } from '../session/session.js';
import type { Scenario } from './script.js';
import { playSteps, type ReplyTracker, type ScenarioFindings, type StepContext } from './steps.js';

/** Plays the scenario against options.target; never throws for what the server does. */
export async function runScenario(
  options: ProbeOptions,
  scenario: Scenario,
  observe: SessionObserver,
  signal?: AbortSignal,
): Promise<ProbeResult> {
  const startedAt = performance.now();
  const startedAtDate = new Date();
  const log = new SessionLog(startedAt);
  observe = log.observer(observe);
  const deadline = startDeadline(options.timeouts.deadlineMs, signal);
  const findings: ScenarioFindings = {};
  const timings: StageTiming[] = [];
  const outcomes: ExpectationOutcome[] = [];
  let context: StepContext | undefined;
  let error: ProbeError | undefined;

  try {
    if (deadline.signal.aborted) throw abortError(deadline.signal.reason);
    const connected = await openConnection(options, observe, deadline.signal);
    timings.push(...connected.timings);
    const replies: ReplyTracker = { last: undefined };
    const session = new Session(
      connected.connection,
      tracking(replies, observe),
      connected.connectedAt,
      options.explain !== false,
    );
    const state = { extensions: undefined, ended: false };
    const signalled = deadline.signal;
    context = { session, options, scenario, findings, signal: signalled, replies, state, outcomes };
    await untilAborted(session, deadline.signal, () => playSteps(context!));
  } catch (caught) {
    error = toProbeError(caught);
    const session = context?.session;
    observe({ type: 'failed', error, secure: session?.connection.secure ?? false });
    if (session && !context!.state.ended && stillTalking(error)) {
      await courtesyQuit(session, options, deadline.signal);
    }
  } finally {
    deadline.clear();
    context?.session?.connection.close();
  }

  log.closePending();
  return {
    target: options.target,
    startedAt: startedAtDate,
    address: context?.session?.connection.remoteAddress,
    timings: [...timings, ...(context?.session?.timings ?? [])],
    totalMs: performance.now() - startedAt,
    greeting: findings.greeting,
    extensions: findings.extensions,
    extensionsAfterTls: findings.extensionsAfterTls,
    tls: findings.tls ?? log.tls,
    transaction: undefined,
    log,
    expectations: outcomes,
    error,
    failure: error,
    exitCode: error?.exitCode ?? 0,
  };
}

// An expect not met came with a whole reply: the session is as sane as
// after a refusal, and the server still expects its QUIT.
function stillTalking(error: ProbeError): boolean {
  return error instanceof ExpectationError || leavesSessionOpen(error);
}

// Each step is judged on the last reply a command drew; unasked ones are
// shown by the session but answer no step.
function tracking(replies: ReplyTracker, observe: SessionObserver): SessionObserver {
  return (event) => {
    if (event.type === 'reply' && !event.unsolicited) {
      replies.last = { stage: event.stage, reply: event.reply };
    }
    observe(event);
  };
}
