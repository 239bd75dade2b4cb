/**
 * A scenario as parsed: the steps of a script (`smtp-probe run FILE`), each
 * with where it was written, so that every failure can name its line. The
 * language is described in docs/scenarios.md.
 */
import type { Command } from '../protocol/command.js';
import type { AuthMechanism } from '../protocol/auth/index.js';
import type { ReplyMatcher } from '../session/expectations.js';
import type { Stage } from '../session/stage.js';

/** Where a step was written: its number among the steps, its line, its text. */
export interface StepSource {
  /** 1 for the first step; 0 for the connect a script without `connect` starts with. */
  readonly number: number;
  /** Line in the file, 1-based; 0 for the implicit connect. */
  readonly line: number;
  /** The line as written, variables not expanded (they may hold anything). */
  readonly text: string;
}

/** An `expect` (or `expect-soft`) line: what the reply of the step above must be. */
export interface ExpectClause extends StepSource {
  /** Every matcher must hold: `expect 550 5.1.1 /unknown/`. */
  readonly matchers: readonly ReplyMatcher[];
  /** A soft expectation not met is a warning, and the run goes on. */
  readonly soft: boolean;
  readonly withinMs: number | undefined;
}

/** Fields of every step that draws a reply. */
interface ReplyStep extends StepSource {
  readonly expects: ExpectClause[];
}

export interface ConnectStep extends ReplyStep {
  readonly kind: 'connect';
  /** The target written in the script; the command line's TARGET wins over it. */
  readonly target: string | undefined;
}

export interface SendStep extends ReplyStep {
  readonly kind: 'send';
  readonly stage: Stage;
  readonly command: Command;
}

export interface StartTlsStep extends ReplyStep {
  readonly kind: 'starttls';
}

export interface AuthStep extends ReplyStep {
  readonly kind: 'auth';
  readonly mechanism: AuthMechanism | 'auto';
  readonly user: string;
  /** The environment variable named with `password-env=`, if any. */
  readonly secretVariable: string | undefined;
  /** Filled in by the loader, before connecting; never printed. */
  secret: string | undefined;
}

export interface DataStep extends ReplyStep {
  readonly kind: 'data';
  /** `data < FILE`: the path as written, relative to the script's folder. */
  readonly file: string | undefined;
  /** The message, line breaks as written; from the here-document, or the file once read. */
  message: Buffer | undefined;
}

export interface QuitStep extends ReplyStep {
  readonly kind: 'quit';
}

export interface WaitStep extends StepSource {
  readonly kind: 'wait';
  readonly ms: number;
}

export interface CloseStep extends StepSource {
  readonly kind: 'close';
}

/** One step of a scenario. */
export type Step =
  ConnectStep | SendStep | StartTlsStep | AuthStep | DataStep | QuitStep | WaitStep | CloseStep;

/** A step after which an `expect` may come. */
export type ReplyingStep = Exclude<Step, WaitStep | CloseStep>;

/** A whole script, parsed, its first step always the connect. */
export interface Scenario {
  /** The file name as given on the command line, for messages. */
  readonly file: string;
  readonly steps: readonly Step[];
  readonly connect: ConnectStep;
  /** From --auth-insecure: auth steps may go without trusted TLS. */
  readonly allowInsecureAuth: boolean;
}

/** The AUTH secrets of a scenario's steps, for the secret mask. */
export function scenarioSecrets(scenario: Scenario): string[] {
  return scenario.steps.flatMap((step) =>
    step.kind === 'auth' && step.secret ? [step.secret] : [],
  );
}

/** Says where a step is, for failure messages: `step 4 (relay.smtp:9: send RCPT TO:<a@b>)`. */
export function describeStep(file: string, step: StepSource): string {
  if (step.line === 0) return `the connect before the first step of ${file}`;
  return `step ${step.number} (${file}:${step.line}: ${step.text.trim()})`;
}
