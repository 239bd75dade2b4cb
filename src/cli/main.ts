/**
 * The CLI edge: parse the command line, run the probe, print. The only
 * place that writes; everything else returns strings or events.
 */
import { CommanderError } from 'commander';
import { Readable } from 'node:stream';
import { renderDump } from '../message/dump.js';
import { abortError, ExitCode, ProbeError, worstExitCode } from '../errors.js';
import { escapeText } from '../output/escape.js';
import { SecretMask } from '../output/secret-mask.js';
import { scenarioSecrets } from '../scenario/script.js';
import { startDeadline } from '../session/lifetime.js';
import { runProbe } from '../session/probe.js';
import { textOutput } from './text-output.js';
import { buildProgram, toCliRequest, type CliRequest, type ParsedCommand } from './program.js';
import { asksForNagios, reportNagiosFailure } from './nagios-edge.js';
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
  let command: ParsedCommand['kind'] = COMMANDS.includes(argv[0] ?? '')
    ? (argv[0] as ParsedCommand['kind'])
    : 'probe';
  const nagios = asksForNagios(argv);
  try {
    const { program, parsed } = buildProgram(version, {
      out: (text) => io.stdout.write(text),
      // Under --format nagios, commander's message becomes the UNKNOWN line instead.
      err: (text) => (nagios ? undefined : io.stderr.write(text)),
    });
    program.parse(argv, { from: 'user' });
    const given = parsed()!;
    command = given.kind;
    // Explaining a pasted reply needs no request: it connects nowhere.
    if (given.kind === 'explain') return await (await import('./lazy.js')).runExplain(given, io);
    request = await toCliRequest(given, {
      stdin: io.stdin ?? (() => Readable.from([])),
      stderr: io.stderr as NodeJS.WritableStream,
      env: io.env,
    });
  } catch (error) {
    if (nagios) return reportNagiosFailure(error, io.stdout);
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
  const masking = { ...request, probe: { ...request.probe, secretMask: mask } };
  if (!nagios) return probe(masking, masked, signal, io);
  // A bug is UNKNOWN too: the agent must not read a stack trace as a state.
  return probe(masking, masked, signal, io).catch((error: unknown) =>
    reportNagiosFailure(error, masked.stdout),
  );
}

// Only what a run needs is loaded: the common run (one probe, a
// transcript) never parses the code of the machine formats, batches or
// scenarios, which start-up would pay for on every run.
async function probe(
  request: CliRequest,
  io: CliIo,
  signal: AbortSignal | undefined,
  terminal: CliIo,
): Promise<number> {
  const { targets, batch, scenario } = request;
  if (request.interactive) {
    const { runInteractive } = await import('./lazy.js');
    return runInteractive(request, request.interactive, { ...io, terminal }, signal);
  }
  if (request.mx) return (await import('./lazy.js')).runMailRoute(request, io, signal);
  if (targets.length === 1 && batch.count === 1) {
    const output =
      request.format === 'text'
        ? textOutput(request, io, terminal)
        : (await import('./lazy.js')).singleOutput(request, io, terminal);
    const result = scenario
      ? await (await import('./lazy.js')).runScenario(request.probe, scenario, output.event, signal)
      : await runProbe(request.probe, output.event, signal);
    return output.finish(result);
  }

  const { batchOutput, runBatch } = await import('./lazy.js');
  // --deadline bounds the whole run here too, not only each probe in it.
  const deadline = startDeadline(request.probe.timeouts.deadlineMs, signal);
  const output = batchOutput(request, io);
  const all = await runBatch(targets, request.probe, batch, output.hooks, deadline.signal);
  deadline.clear();
  const codes = all.flatMap((runs) => runs.results.map((result) => result.exitCode));
  // Probes an interruption or the deadline kept from starting did not pass either.
  if (deadline.signal.aborted) codes.push(abortError(deadline.signal.reason).exitCode);
  return output.finish(all, worstExitCode(codes));
}

const COMMANDS: readonly string[] = ['send', 'run', 'explain'];

const HELP_POINTER = '(smtp-probe --help shows usage and examples)';
const SEND_HELP_POINTER = '(smtp-probe send --help shows usage and examples)';
const RUN_HELP_POINTER = '(smtp-probe run --help shows usage and examples)';
const EXPLAIN_HELP_POINTER = '(smtp-probe explain --help shows usage and examples)';

function reportParseFailure(error: unknown, io: CliIo, command: ParsedCommand['kind']): number {
  if (error instanceof CommanderError) {
    // --help and --version end here with 0; commander has already printed.
    return error.exitCode === 0 ? ExitCode.ok : ExitCode.usage;
  }
  if (error instanceof ProbeError) {
    // Usage errors quote the user's own words, which may hold control characters too.
    io.stderr.write(`smtp-probe: ${escapeText(error.message).text}\n`);
    const pointers = {
      probe: HELP_POINTER,
      send: SEND_HELP_POINTER,
      run: RUN_HELP_POINTER,
      explain: EXPLAIN_HELP_POINTER,
    };
    const pointer = pointers[command];
    io.stderr.write(`${escapeText(error.hint ?? pointer).text}\n`);
    return error.exitCode;
  }
  throw error;
}
