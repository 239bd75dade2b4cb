/**
 * The scenario parser: the whole file is read into steps before anything
 * is sent, so that a typo on line 40 is a usage error naming line 40, not a
 * failure half-way through a session. docs/scenarios.md is the reference.
 */
import { UsageError } from '../errors.js';
import {
  noArgument,
  parseAuth,
  parseExpect,
  parseSend,
  parseWait,
  ScenarioSyntaxError,
} from './parse-step.js';
import type { ConnectStep, DataStep, ReplyingStep, Scenario, Step, StepSource } from './script.js';
import { expandVariables, VariableProblem } from './variables.js';

/** Most steps a scenario may have, expect lines included. */
export const MAX_STEPS = 1000;

const HINT = 'docs/scenarios.md describes every step';

const STEPS = 'connect, send, expect, expect-soft, starttls, auth, data, wait, quit or close';

/** Parses a scenario; a UsageError names the file, the line and what was expected. */
export function parseScenario(text: string, file: string, env: NodeJS.ProcessEnv): Scenario {
  const parser = new Parser(file, env);
  const lines = text.split(/\r?\n/);

  for (let index = 0; index < lines.length; index += 1) {
    const line = lines[index]!.trim();
    if (line === '' || line.startsWith('#')) continue;
    try {
      index = parser.add(line, index + 1, lines);
    } catch (error) {
      throw located(error, file, parser.lineInError ?? index + 1);
    }
  }
  return parser.finish();
}

function located(error: unknown, file: string, line: number): unknown {
  const known = [ScenarioSyntaxError, VariableProblem, UsageError];
  if (!known.some((kind) => error instanceof kind)) return error;
  return new UsageError(`${file}:${line}: ${(error as Error).message}`, HINT);
}

/** Collects steps line by line and checks the order they come in. */
class Parser {
  private readonly steps: Step[] = [];
  private connect: ConnectStep | undefined;
  private count = 0;
  /** Set while a here-document is read, where an error belongs to a later line. */
  lineInError: number | undefined;

  constructor(
    private readonly file: string,
    private readonly env: NodeJS.ProcessEnv,
  ) {}

  /** Reads the step on this line; returns the index of the last line it used. */
  add(line: string, lineNumber: number, lines: readonly string[]): number {
    this.lineInError = undefined;
    const [written = '', ...rest] = line.split(/(\s+)/);
    const keyword = written.toLowerCase();
    const argument = this.expand(rest.join('').trim());
    if (++this.count > MAX_STEPS) throw new ScenarioSyntaxError(`more than ${MAX_STEPS} steps`);
    const source: StepSource = { number: this.count, line: lineNumber, text: line };
    this.refuseAfterEnd(keyword);

    switch (keyword) {
      case 'connect':
        this.addConnect(argument, source);
        break;
      case 'expect':
      case 'expect-soft':
        this.replyingStep().expects.push(parseExpect(argument, source, keyword !== 'expect'));
        break;
      case 'send':
        this.push(parseSend(argument, source));
        break;
      case 'auth':
        this.push(parseAuth(argument, source, this.env));
        break;
      case 'data':
        return this.addData(argument, source, lines);
      case 'wait':
        this.push({ ...source, kind: 'wait', ms: parseWait(argument) });
        break;
      case 'starttls':
      case 'quit':
      case 'close':
        noArgument(keyword, argument);
        this.push({ ...source, kind: keyword as 'quit', expects: [] });
        break;
      default:
        throw new ScenarioSyntaxError(`unknown step "${written}": expected ${STEPS}`);
    }
    return lineNumber - 1;
  }

  /** The scenario, its connect first (implicit when the script has none). */
  finish(): Scenario {
    if (this.steps.length === 0)
      throw new UsageError(`${this.file}: the scenario has no steps`, HINT);
    return {
      file: this.file,
      steps: this.steps,
      connect: this.ensureConnect(),
      allowInsecureAuth: false,
    };
  }

  private expand(text: string): string {
    return expandVariables(text, this.env);
  }

  private push(step: Step): void {
    this.ensureConnect();
    this.steps.push(step);
  }

  private ensureConnect(): ConnectStep {
    if (this.connect) return this.connect;
    const implicit: ConnectStep = {
      number: 0,
      line: 0,
      text: 'connect',
      kind: 'connect',
      target: undefined,
      expects: [],
    };
    this.steps.unshift(implicit);
    return (this.connect = implicit);
  }

  private addConnect(argument: string, source: StepSource): void {
    if (this.steps.length > 0) {
      throw new ScenarioSyntaxError('connect must be the first step, and comes only once');
    }
    if (/\s/.test(argument)) throw new ScenarioSyntaxError('expected connect [TARGET]');
    const target = argument === '' ? undefined : argument;
    this.push((this.connect = { ...source, kind: 'connect', target, expects: [] }));
  }

  // `expect` checks the reply to the step just above it (or to other expects of it).
  private replyingStep(): ReplyingStep {
    this.ensureConnect();
    const last = this.steps.at(-1)!;
    if (last.kind === 'wait' || last.kind === 'close') {
      throw new ScenarioSyntaxError(
        'expect must follow a step that draws a reply ' +
          `(connect, send, starttls, auth, data, quit), not ${last.kind}`,
      );
    }
    return last;
  }

  // After QUIT only its reply can be checked; after close, nothing at all.
  private refuseAfterEnd(keyword: string): void {
    const end = this.steps.findLast((step) => step.kind === 'quit' || step.kind === 'close');
    if (!end || (end.kind === 'quit' && keyword.startsWith('expect'))) return;
    throw new ScenarioSyntaxError(`nothing but expect may follow ${end.kind} (line ${end.line})`);
  }

  // `data <<END` takes the lines up to END; `data < FILE` reads the file later.
  private addData(argument: string, source: StepSource, lines: readonly string[]): number {
    const step: DataStep = {
      ...source,
      kind: 'data',
      file: undefined,
      message: undefined,
      expects: [],
    };
    const file = /^<\s*(\S.*)$/.exec(argument);
    const marker = /^<<\s*([A-Za-z0-9_]+)$/.exec(argument);
    if (argument.startsWith('<<') && marker) {
      const end = this.readHereDocument(marker[1]!, source.line, lines);
      this.push({ ...step, message: end.message });
      return end.index;
    }
    if (!file || argument.startsWith('<<')) {
      throw new ScenarioSyntaxError('expected data <<END (lines up to END) or data < FILE');
    }
    this.push({ ...step, file: file[1]!.trim() });
    return source.line - 1;
  }

  private readHereDocument(
    marker: string,
    start: number,
    lines: readonly string[],
  ): { message: Buffer; index: number } {
    const body: string[] = [];
    for (let index = start; index < lines.length; index += 1) {
      if (lines[index]!.trimEnd() === marker) {
        return { message: Buffer.from(body.map((line) => `${line}\r\n`).join('')), index };
      }
      this.lineInError = index + 1;
      body.push(this.expand(lines[index]!));
    }
    this.lineInError = start;
    throw new ScenarioSyntaxError(`the here-document never ends: expected a line "${marker}"`);
  }
}
