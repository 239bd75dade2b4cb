/**
 * Judging a step's reply against its `expect` lines. A refusal that an
 * expect asserts is a pass; a reply that no expect checks passes unless it
 * is a refusal, which fails the run with that stage's exit status.
 */
import { ExpectationError, ReplyError } from '../errors.js';
import { formatReply, type Reply } from '../protocol/reply.js';
import type { SessionObserver } from '../session/events.js';
import { matchesReply, type ExpectationOutcome } from '../session/expectations.js';
import { describeStage, type Stage } from '../session/stage.js';
import { describeStep, type ExpectClause, type ReplyingStep } from './script.js';

/** The reply that decided a step, and the stage it answered. */
export interface StepReply {
  readonly stage: Stage;
  readonly reply: Reply;
}

/** Checks the reply against the step's expects; throws for a failure that ends the run. */
export function judgeReply(
  file: string,
  step: ReplyingStep,
  answer: StepReply,
  emit: SessionObserver,
  record: (outcome: ExpectationOutcome) => void,
): void {
  const { stage, reply } = answer;
  // QUIT's reply is a courtesy (see quit.ts): unasserted, it never fails a run.
  if (reply.code >= 400 && stage !== 'quit' && !judgesRefusal(step, reply)) {
    const command = step.kind === 'send' ? step.command.display : undefined;
    throw new ReplyError(stage, reply, command);
  }

  for (const clause of step.expects) {
    const met = clause.matchers.every((matcher) => matchesReply(matcher, reply));
    record(outcomeOf(file, clause, stage, met, reply));
    if (met) {
      emit({ type: 'note', text: `line ${clause.line} met: ${clause.text}` });
      continue;
    }
    const answered = `${describeStage(stage)} was answered ${formatReply(reply)}`;
    const message = `${describeStep(file, clause)}: not met, ${answered}`;
    if (!clause.soft) throw new ExpectationError([message], stage);
    emit({ type: 'warning', warning: { code: 'expectation-soft', message } });
  }
}

/**
 * Whether the step's expects take a refusal over: a hard expect judges it
 * (met, or exit 10), a soft one only when it matches — a soft expect not
 * met only warns, so the refusal keeps its own exit status.
 */
export function judgesRefusal(step: ReplyingStep, reply: Reply): boolean {
  return step.expects.some(
    (clause) => !clause.soft || clause.matchers.every((matcher) => matchesReply(matcher, reply)),
  );
}

// The JSON report lists a scenario's expect lines as it lists --expect:
// named by file and line, so that a reader can find each.
function outcomeOf(
  file: string,
  clause: ExpectClause,
  stage: Stage,
  met: boolean,
  reply: Reply,
): ExpectationOutcome {
  const source = `${file}:${clause.line}: ${clause.text.trim()}`;
  return {
    expectation: { stage, matcher: clause.matchers[0]!, source, inScenario: true },
    status: met ? 'met' : 'failed',
    got: formatReply(reply),
  };
}
