/**
 * The CLI edge: parse the command line, run the probe, print. The only
 * place that writes; everything else returns strings or events.
 */
import { CommanderError } from 'commander';
import { Readable } from 'node:stream';
import { renderDump } from '../message/dump.js';
import { ExitCode, ProbeError } from '../errors.js';
import { escapeText } from '../output/escape.js';
import { SecretMask } from '../output/secret-mask.js';
import { WaitSpinner } from '../output/spinner.js';
import { colorLevel, createStyle } from '../output/style.js';
import { renderSummary, renderVerdict } from '../output/summary.js';
import { TranscriptRenderer } from '../output/transcript.js';
import { buildReport, eventJson, type RunInfo } from '../report/json.js';
import type { SessionEvent, SessionObserver } from '../session/events.js';
import { SessionLog } from '../session/log.js';
import { runProbe, type ProbeResult } from '../session/probe.js';
import { runScenario } from '../scenario/run.js';
import { scenarioSecrets } from '../scenario/script.js';
import { describeStage } from '../session/stage.js';
import { formatHostPort } from '../transport/target.js';
import { buildProgram, toCliRequest, type CliRequest, type ParsedCommand } from './program.js';
import type { OutputFormat } from './report-options.js';
import { version } from '../version.js';

/** A writable the CLI prints to: process.stdout, or a buffer in tests. */
export interface OutputStream {
  write(text: string): unknown;
  readonly isTTY?: boolean;
}

/** Where the CLI reads its environment and input, and writes its output. */
export interface CliIo {
  readonly stdout: OutputStream;
  readonly stderr: OutputStream;
  readonly env: NodeJS.ProcessEnv;
  /**
   * For `--data -`, `--body -` and the password prompt; a getter, because
   * touching process.stdin sets up a handle that most runs never need.
   */
  readonly stdin?: () => NodeJS.ReadableStream & { isTTY?: boolean };
}

/** Runs smtp-probe with the given arguments; resolves with the exit status. */
export async function main(argv: string[], io: CliIo, signal?: AbortSignal): Promise<number> {
  let request: CliRequest;
  let command: ParsedCommand['kind'] = argv[0] === 'send' || argv[0] === 'run' ? argv[0] : 'probe';
  try {
    const { program, parsed } = buildProgram(version, {
      out: (text) => io.stdout.write(text),
      err: (text) => io.stderr.write(text),
    });
    program.parse(argv, { from: 'user' });
    command = parsed()!.kind;
    request = await toCliRequest(parsed()!, {
      stdin: io.stdin ?? (() => Readable.from([])),
      stderr: io.stderr as NodeJS.WritableStream,
      env: io.env,
    });
  } catch (error) {
    return reportParseFailure(error, io, command);
  }

  // Everything printed from here on passes the secret mask.
  const mask = new SecretMask();
  const auth = request.probe.auth;
  if (auth && !auth.revealSecrets) mask.addSecret(auth.secret);
  if (request.scenario)
    for (const secret of scenarioSecrets(request.scenario)) mask.addSecret(secret);
  const masked: CliIo = {
    ...io,
    stdout: { isTTY: io.stdout.isTTY, write: (text: string) => io.stdout.write(mask.apply(text)) },
    stderr: { isTTY: io.stderr.isTTY, write: (text: string) => io.stderr.write(mask.apply(text)) },
  };

  if (request.dump) {
    io.stdout.write(renderDump(request.dump));
    return ExitCode.ok;
  }
  return probe({ ...request, probe: { ...request.probe, secretMask: mask } }, masked, signal, io);
}

async function probe(
  request: CliRequest,
  io: CliIo,
  signal: AbortSignal | undefined,
  terminal: CliIo,
): Promise<number> {
  const run: RunInfo = { version, startedAt: new Date(), mode: request.probe.mode };
  const output =
    request.format === 'text'
      ? textOutput(request, io, terminal, run)
      : machineOutput(request.format, io, run);
  const result = request.scenario
    ? await runScenario(request.probe, request.scenario, output.event, signal)
    : await runProbe(request.probe, output.event, signal);
  output.finish(result);
  return result.exitCode;
}

/** How a run is shown: each event as it comes, then the result. */
interface RunOutput {
  readonly event: SessionObserver;
  readonly finish: (result: ProbeResult) => void;
}

// For people: the transcript as it happens, a spinner while waiting on a
// terminal, then the verdict and timings; the error also on stderr.
function textOutput(request: CliRequest, io: CliIo, terminal: CliIo, run: RunInfo): RunOutput {
  const isTty = io.stdout.isTTY === true;
  const style = createStyle(colorLevel({ colorFlag: request.color, env: io.env, isTty }));
  const renderer = new TranscriptRenderer(style);
  const spinner = new WaitSpinner(
    terminal.stderr.isTTY && !request.quiet
      ? (terminal.stderr as NodeJS.WritableStream)
      : undefined,
  );
  const print = (lines: string[]): void => {
    if (lines.length > 0) io.stdout.write(lines.map((line) => `${line}\n`).join(''));
  };
  const transcript = request.quiet ? () => undefined : print;

  const { target } = request.probe;
  const started = run.startedAt.toISOString();
  transcript([renderer.note(`probing ${describeTarget(request)} at ${started}`)]);

  return {
    event: (event) => {
      spinner.stop();
      transcript(renderer.render(event));
      if (event.type === 'waiting' || event.type === 'connecting')
        spinner.start(waitingText(event, target.host));
    },
    finish: (result) => {
      spinner.stop();
      const verdict = () => [renderVerdict(result, renderer, style, { withMessage: true })];
      print(request.quiet ? verdict() : renderSummary(result, renderer, style));
      const { failure } = result;
      if (failure) io.stderr.write(`smtp-probe: ${escapeText(failure.message).text}\n`);
    },
  };
}

// For machines: stdout holds the document alone, so nothing goes to stderr.
function machineOutput(format: OutputFormat, io: CliIo, run: RunInfo): RunOutput {
  const line = (value: unknown): void => void io.stdout.write(`${JSON.stringify(value)}\n`);
  const log = new SessionLog();
  return {
    event: (event) => {
      if (format !== 'ndjson') return;
      const json = eventJson(event, log.elapsed());
      if (json) line(json);
    },
    finish: (result) => {
      const report = buildReport(result, run);
      if (format === 'ndjson') line({ event: 'report', report });
      else io.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    },
  };
}

function describeTarget(request: CliRequest): string {
  const { target, startTls, mode } = request.probe;
  const tls = target.implicitTls ? 'implicit TLS' : `STARTTLS ${startTls}`;
  if (request.scenario)
    return `${formatHostPort(target.host, target.port)} (scenario ${request.scenario.file})`;
  const what = mode === 'banner' ? 'banner check' : mode === 'send' ? `sending, ${tls}` : tls;
  return `${formatHostPort(target.host, target.port)} (${what})`;
}

function waitingText(event: SessionEvent, host: string): string {
  if (event.type === 'connecting')
    return `connecting to ${formatHostPort(event.address, event.port)}`;
  if (event.type !== 'waiting') return '';
  return event.stage === 'greeting'
    ? `waiting for the greeting from ${host}`
    : `waiting for the reply to ${describeStage(event.stage)}`;
}

const HELP_POINTER = '(smtp-probe --help shows usage and examples)';
const SEND_HELP_POINTER = '(smtp-probe send --help shows usage and examples)';
const RUN_HELP_POINTER = '(smtp-probe run --help shows usage and examples)';

function reportParseFailure(error: unknown, io: CliIo, command: ParsedCommand['kind']): number {
  if (error instanceof CommanderError) {
    // --help and --version end here with 0; commander has already printed.
    return error.exitCode === 0 ? ExitCode.ok : ExitCode.usage;
  }
  if (error instanceof ProbeError) {
    // Usage errors quote the user's own words, which may hold control characters too.
    io.stderr.write(`smtp-probe: ${escapeText(error.message).text}\n`);
    const pointers = { probe: HELP_POINTER, send: SEND_HELP_POINTER, run: RUN_HELP_POINTER };
    const pointer = pointers[command];
    io.stderr.write(`${escapeText(error.hint ?? pointer).text}\n`);
    return error.exitCode;
  }
  throw error;
}
