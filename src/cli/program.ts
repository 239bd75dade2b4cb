/**
 * The command line: commander's definition of both commands — the probe
 * (`smtp-probe TARGET`) and `smtp-probe send TARGET` — and their
 * translation into a request. Every check of the user's words happens
 * before any connection is made.
 */
import { Command } from 'commander';
import { escapeText } from '../output/escape.js';
import type { ProbeOptions } from '../session/options.js';
import { UsageError } from '../errors.js';
import { formatHostPort, type Target } from '../transport/target.js';
import {
  addBatchOptions,
  checkProbeCount,
  collectTargets,
  type TargetSpec,
  toBatchPlan,
  type BatchPlan,
  type RawBatchOptions,
} from './batch-options.js';
import {
  addConnectionOptions,
  TARGET_FORMS,
  toConnectionRequest,
  toTarget,
  type RawConnectionOptions,
} from './connection-options.js';
import {
  addReportOptions,
  checkExpectationsReachable,
  stopForRefusal,
  toReportRequest,
  type OutputFormat,
  type RawReportOptions,
} from './report-options.js';
import type { Threshold } from '../report/thresholds.js';
import { EXAMPLES, EXIT_STATUSES, EXPLAIN_EXAMPLES, RUN_EXAMPLES, SEND_EXAMPLES } from './help.js';
import type { ExplainCommand } from './explain-command.js';
import { addSendOptions, type InputSources, type RawSendOptions } from './send-options.js';
import { addRunOptions, type RawRunOptions } from './run-options.js';
import { toMxProbe } from './mx-options.js';
import type { Scenario } from '../scenario/script.js';
import type { InteractiveSettings } from '../interactive/run.js';
import type { RawInteractiveOptions } from './interactive-options.js';

/** What the command line asked for. */
export interface CliRequest {
  readonly probe: ProbeOptions;
  readonly quiet: boolean;
  readonly color: boolean;
  readonly format: OutputFormat;
  /** --warning and --critical, for --format nagios. */
  readonly thresholds: readonly Threshold[];
  /** Every target to probe; `probe` holds the first. */
  readonly targets: readonly Target[];
  readonly batch: BatchPlan;
  /** With `send --dump`: print this message and connect nowhere. */
  readonly dump: Buffer | undefined;
  /** With `run`: the scenario to play instead of a probe. */
  readonly scenario?: Scenario | undefined;
  /** With --mx: walk the domain's mail route (the target is the domain). */
  readonly mx?: { readonly all: boolean; readonly mtaSts: boolean } | undefined;
  /** With -i: an interactive session instead of a probe. */
  readonly interactive?: InteractiveSettings | undefined;
}

/** Which command was given, with its target and options as parsed. */
export type ParsedCommand =
  | { readonly kind: 'probe'; readonly targets: string[]; readonly raw: ProbeRaw }
  | { readonly kind: 'send'; readonly target: string; readonly raw: SendRaw }
  | { readonly kind: 'run'; readonly file: string; readonly target?: string; readonly raw: RunRaw }
  | ExplainCommand;

/** The commands that run a probe or a scenario: all but `explain`. */
export type SessionCommand = Exclude<ParsedCommand, ExplainCommand>;

type ProbeRaw = RawConnectionOptions &
  RawReportOptions &
  RawBatchOptions &
  RawInteractiveOptions & {
    banner?: boolean;
    mx?: boolean;
    all?: boolean;
    checkStarttlsEnforced?: boolean;
    mtaSts?: boolean;
  };
type SendRaw = RawConnectionOptions & RawReportOptions & RawSendOptions;
type RunRaw = RawConnectionOptions & RawReportOptions & RawRunOptions;

/** Where commander writes help, version and its own errors. */
export interface ProgramOutput {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
}

/** Builds the program; after `parse`, `parsed()` says which command ran. */
export function buildProgram(
  version: string,
  write: ProgramOutput,
): { program: Command; parsed: () => ParsedCommand | undefined } {
  let parsed: ParsedCommand | undefined;

  const program = configure(new Command('smtp-probe'), write)
    .description('Open an SMTP session and show, timed and classified, everything the server says.')
    .usage('[options] <target...>')
    .argument('[targets...]', `${TARGET_FORMS}; several are probed side by side`)
    .option('--banner', 'read the greeting, then QUIT: nothing else is sent')
    .option('--mx', 'the target is a domain: probe its MX hosts in order, as a sender would')
    .option('--all', 'with --mx: probe every MX host and address, not just up to a healthy one')
    .option(
      '--check-starttls-enforced',
      'then, on a second connection, try MAIL FROM:<> without TLS (never RCPT or DATA)',
    )
    .option('--no-mta-sts', "with --mx: skip the domain's MTA-STS policy (RFC 8461)")
    .option('-i, --interactive', 'type the session yourself, every reply timed and explained')
    .option('--history-file <file>', 'with -i: where typed commands are kept between runs')
    .option('--no-history', 'with -i: keep no history file')
    .option('--auth-insecure', 'with -i: let the AUTH helper send credentials without trusted TLS')
    .version(version, '-V, --version', 'print the version')
    // Both commands share option names: each option belongs to the command it follows.
    .enablePositionalOptions()
    .addHelpText('after', EXAMPLES + EXIT_STATUSES)
    .action((targets: string[], raw: ProbeRaw) => {
      parsed = { kind: 'probe', targets, raw };
    });
  addBatchOptions(addReportOptions(addConnectionOptions(program)));

  const send = configure(program.command('send'), write)
    .description('Run a whole mail transaction: AUTH, MAIL, RCPT, DATA or BDAT, every step shown.')
    .addHelpText('after', SEND_EXAMPLES + EXIT_STATUSES)
    .argument('<target>', TARGET_FORMS)
    .action((target: string, raw: SendRaw) => {
      parsed = { kind: 'send', target, raw };
    });
  addReportOptions(addSendOptions(addConnectionOptions(send)));

  const run = configure(program.command('run'), write)
    .description('Play a scenario: commands, expected replies, STARTTLS, AUTH, a message, waits.')
    .argument('<file>', 'the scenario file (docs/scenarios.md)')
    .argument('[target]', `where to connect, instead of the scenario's connect: ${TARGET_FORMS}`)
    .addHelpText('after', RUN_EXAMPLES + EXIT_STATUSES)
    .action((file: string, target: string | undefined, raw: RunRaw) => {
      parsed = { kind: 'run', file, target, raw };
    });
  addReportOptions(addRunOptions(addConnectionOptions(run)));

  configure(program.command('explain'), write)
    .description('Explain an SMTP reply, or the replies in a pasted bounce; connects nowhere.')
    .argument('[text...]', 'the reply, e.g. "550 5.7.26 …"; read from stdin when left out')
    .option('--json', 'print a JSON document (docs/schema/explain.schema.json)')
    .option('--no-color', 'no colour, even on a terminal (NO_COLOR and FORCE_COLOR are honoured)')
    .addHelpText('after', EXPLAIN_EXAMPLES)
    .action((texts: string[], raw: ExplainCommand['raw']) => {
      parsed = { kind: 'explain', texts, raw };
    });
  // The script decides these; toRunRequest refuses them, so help does not offer them.
  for (const option of run.options) {
    if (['--starttls', '--ehlo', '--expect'].includes(option.long ?? '')) option.hideHelp();
  }

  return { program, parsed: () => parsed };
}

function configure(command: Command, write: ProgramOutput): Command {
  const name = command.name() === 'smtp-probe' ? 'smtp-probe' : `smtp-probe ${command.name()}`;
  return command
    .helpOption('-h, --help', 'show this help')
    .showHelpAfterError(`(${name} --help shows usage and examples)`)
    .exitOverride()
    .configureOutput({
      writeOut: write.out,
      writeErr: write.err,
      // Commander quotes the user's words, which may hold control characters.
      outputError: (message, writeErr) => {
        const text = message.replace(/^error: /, '').trimEnd();
        writeErr(`smtp-probe: ${escapeText(text).text}\n`);
      },
    });
}

// A bad line of a targets file is named by its file and line.
function naming<T>(target: TargetSpec, parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    if (!(error instanceof UsageError) || target.from === undefined) throw error;
    throw new UsageError(`${target.from}: ${error.message}`, error.hint);
  }
}

// Every output tells targets apart by host and port (a Prometheus series, an
// NDJSON line, a table row): two probes of one would be indistinguishable.
function refuseRepeatedTargets(targets: readonly Target[]): void {
  const seen = new Set<string>();
  for (const { host, port } of targets) {
    const key = formatHostPort(host, port);
    if (seen.has(key)) throw new UsageError(`target ${key} is given twice: use --count to repeat`);
    seen.add(key);
  }
}

// The check says MAIL FROM in plaintext: there is none with implicit TLS,
// and a banner check promises to send nothing but QUIT.
function checkEnforcementRequest(raw: ProbeRaw, targets: readonly Target[]): void {
  if (!raw.checkStarttlsEnforced) return;
  if (raw.banner) throw new UsageError('--check-starttls-enforced cannot go with --banner');
  if (targets.some((target) => target.implicitTls)) {
    throw new UsageError(
      '--check-starttls-enforced needs a plaintext start: not with --tls or smtps://',
    );
  }
}

const IMPLIED_STOP = 'an --expect asserts that MAIL FROM or RCPT TO is refused';

const SINGLE_RUN: BatchPlan = { count: 1, intervalMs: 0, concurrency: 1 };

/** Turns the parsed command into a request; reads files and secrets for send. */
export async function toCliRequest(
  command: SessionCommand,
  input: InputSources,
): Promise<CliRequest> {
  if (command.kind === 'run') return toRunCliRequest(command, input);
  const { format, expectations, thresholds } = toReportRequest(command.raw);

  if (command.kind === 'probe') {
    const { raw } = command;
    if (raw.interactive) return toInteractiveRequest(command.targets, raw, input.env);
    refuseInteractiveOnly(raw);
    if (raw.mx || raw.all) {
      checkEnforcementRequest(raw, []);
      if (raw.checkStarttlsEnforced && raw.tls) {
        throw new UsageError(
          '--check-starttls-enforced needs a plaintext start: not with --tls or smtps://',
        );
      }
      return toMxRequest(command.targets, raw, format, thresholds, input.env);
    }
    if (raw.mtaSts === false) throw new UsageError('--no-mta-sts goes with --mx');
    const [first, ...more] = collectTargets(command.targets, raw.targetsFile);
    const [head, ...tail] = [first!, ...more].map((t) => naming(t, () => toTarget(t.spec, raw)));
    const { quiet, color, ...shared } = toConnectionRequest(first!.spec, raw, input.env);
    const targets = [head!, ...tail];
    refuseRepeatedTargets(targets);
    const batch = toBatchPlan(raw);
    checkProbeCount(targets.length, batch);
    checkEnforcementRequest(raw, targets);
    const probe = {
      ...shared,
      mode: raw.banner ? 'banner' : 'session',
      checkStartTlsEnforced: raw.checkStarttlsEnforced === true,
    } as const;
    checkExpectationsReachable(expectations, probe);
    return {
      probe: { ...probe, expectations },
      ...{ quiet, color, format, thresholds, targets, batch },
      dump: undefined,
    };
  }

  const connection = toConnectionRequest(command.target, command.raw, input.env);
  const { quiet, color, ...shared } = connection;
  const output = { quiet, color, format, thresholds, targets: [shared.target], batch: SINGLE_RUN };

  // Loaded only for a send: the message composer is no probe's business.
  const { toSendRequest } = await import('./lazy.js');
  const { transaction, auth } = await toSendRequest(command.raw, shared.target, input);
  const implied = command.raw.quitAfter === undefined ? stopForRefusal(expectations) : undefined;
  const quitAfter = command.raw.quitAfter ?? implied;
  const quitAfterReason = implied && IMPLIED_STOP;
  const probe = { ...shared, mode: 'send', transaction, auth, quitAfter, quitAfterReason } as const;
  checkExpectationsReachable(expectations, probe);
  return {
    probe: { ...probe, expectations },
    ...output,
    dump: command.raw.dump ? transaction.message : undefined,
  };
}

function toMxRequest(
  specs: readonly string[],
  raw: ProbeRaw,
  format: OutputFormat,
  thresholds: readonly Threshold[],
  env: NodeJS.ProcessEnv,
): CliRequest {
  const { probe, ...rest } = toMxProbe(specs, raw, format, env);
  return {
    probe,
    ...rest,
    thresholds,
    batch: SINGLE_RUN,
    dump: undefined,
    mx: { all: raw.all === true, mtaSts: raw.mtaSts !== false },
  };
}

// The session's own code, readline's included, loads only with -i.
async function toInteractiveRequest(
  specs: readonly string[],
  raw: ProbeRaw,
  env: NodeJS.ProcessEnv,
): Promise<CliRequest> {
  const { toInteractiveSettings } = await import('./lazy.js');
  const interactive = toInteractiveSettings(raw as ProbeRaw & Record<string, unknown>, specs, env);
  const { quiet, color, ...shared } = toConnectionRequest(specs[0]!, raw, env);
  const output = { quiet, color, format: 'text', thresholds: [], batch: SINGLE_RUN } as const;
  const probe = { ...shared, mode: 'session' } as const;
  return { probe, ...output, targets: [shared.target], dump: undefined, interactive };
}

function refuseInteractiveOnly(raw: RawInteractiveOptions): void {
  const given = [
    raw.historyFile !== undefined && '--history-file',
    !raw.history && '--no-history',
    raw.authInsecure && '--auth-insecure',
  ].find(Boolean);
  if (given) throw new UsageError(`${given} goes with -i (an interactive session)`);
}

async function toRunCliRequest(
  command: Extract<ParsedCommand, { kind: 'run' }>,
  input: InputSources,
): Promise<CliRequest> {
  const { format, thresholds } = toReportRequest({ ...command.raw, expect: [] });
  const { toRunRequest } = await import('./lazy.js');
  const { probe, scenario } = await toRunRequest(command.file, command.target, command.raw, input);
  const { quiet, color, ...options } = probe;
  const targets = [options.target];
  const output = { quiet, color, format, thresholds, targets, batch: SINGLE_RUN };
  return { probe: options, ...output, dump: undefined, scenario };
}
