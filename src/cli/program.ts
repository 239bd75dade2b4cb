/**
 * The command line: commander's definition of both commands — the probe
 * (`smtp-probe TARGET`) and `smtp-probe send TARGET` — and their
 * translation into a request. Every check of the user's words happens
 * before any connection is made.
 */
import { Command } from 'commander';
import { escapeText } from '../output/escape.js';
import type { ProbeOptions } from '../session/options.js';
import {
  addConnectionFlags,
  addConnectionOptions,
  TARGET_FORMS,
  toConnectionRequest,
  type RawConnectionOptions,
} from './connection-options.js';
import {
  addReportOptions,
  checkExpectationsReachable,
  toReportRequest,
  type OutputFormat,
  type RawReportOptions,
} from './report-options.js';
import { EXAMPLES, EXIT_STATUSES, RUN_EXAMPLES, SEND_EXAMPLES } from './help.js';
import {
  addSendOptions,
  toSendRequest,
  type InputSources,
  type RawSendOptions,
} from './send-options.js';
import { addRunOptions, toRunRequest, type RawRunOptions } from './run-options.js';
import type { Scenario } from '../scenario/script.js';

/** What the command line asked for. */
export interface CliRequest {
  readonly probe: ProbeOptions;
  readonly quiet: boolean;
  readonly color: boolean;
  readonly format: OutputFormat;
  /** With `send --dump`: print this message and connect nowhere. */
  readonly dump: Buffer | undefined;
  /** With `run`: the scenario to play instead of a probe. */
  readonly scenario?: Scenario | undefined;
}

/** Which command was given, with its target and options as parsed. */
export type ParsedCommand =
  | { readonly kind: 'probe'; readonly target: string; readonly raw: ProbeRaw }
  | { readonly kind: 'send'; readonly target: string; readonly raw: SendRaw }
  | { readonly kind: 'run'; readonly file: string; readonly target?: string; readonly raw: RunRaw };

type ProbeRaw = RawConnectionOptions & RawReportOptions & { banner?: boolean };
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
    .usage('[options] <target>')
    .option('--banner', 'read the greeting, then QUIT: nothing else is sent')
    .version(version, '-V, --version', 'print the version')
    // Both commands share option names: each option belongs to the command it follows.
    .enablePositionalOptions()
    .addHelpText('after', EXAMPLES + EXIT_STATUSES)
    .action((target: string, raw: ProbeRaw) => {
      parsed = { kind: 'probe', target, raw };
    });
  addReportOptions(addConnectionOptions(program));

  const send = configure(program.command('send'), write)
    .description('Run a whole mail transaction: AUTH, MAIL, RCPT, DATA or BDAT, every step shown.')
    .addHelpText('after', SEND_EXAMPLES + EXIT_STATUSES)
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
  addReportOptions(addRunOptions(addConnectionFlags(run)));

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

/** Turns the parsed command into a request; reads files and secrets for send. */
export async function toCliRequest(
  command: ParsedCommand,
  input: InputSources,
): Promise<CliRequest> {
  if (command.kind === 'run') return toRunCliRequest(command, input);
  const connection = toConnectionRequest(command.target, command.raw, input.env);
  const { format, expectations } = toReportRequest(command.raw);
  const { quiet, color, ...shared } = connection;
  const output = { quiet, color, format };

  if (command.kind === 'probe') {
    const probe = { ...shared, mode: command.raw.banner ? 'banner' : 'session' } as const;
    checkExpectationsReachable(expectations, probe);
    return { probe: { ...probe, expectations }, ...output, dump: undefined };
  }

  const { transaction, auth } = await toSendRequest(command.raw, shared.target, input);
  const { quitAfter } = command.raw;
  const probe = { ...shared, mode: 'send', transaction, auth, quitAfter } as const;
  checkExpectationsReachable(expectations, probe);
  return {
    probe: { ...probe, expectations },
    ...output,
    dump: command.raw.dump ? transaction.message : undefined,
  };
}

async function toRunCliRequest(
  command: Extract<ParsedCommand, { kind: 'run' }>,
  input: InputSources,
): Promise<CliRequest> {
  const { format } = toReportRequest({ ...command.raw, expect: [] });
  const { probe, scenario } = await toRunRequest(command.file, command.target, command.raw, input);
  const { quiet, color, ...options } = probe;
  return { probe: options, quiet, color, format, dump: undefined, scenario };
}
