/**
 * What the benchmark times: Node's start-up floor, the server's own share,
 * smtp-probe's banner check and default session, and, where installed,
 * swaks and check_smtp doing the same work against the same server.
 */
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { timeChild, timeSocketGreeting, type Outcome } from './measure.js';

/** The repository root: this script runs as dist/dev/bench.js. */
export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** The Node that runs the bench runs the floor and the CLI too, whatever PATH says. */
export const NODE = process.execPath;
export const CLI = join(ROOT, 'dist', 'smtp-probe.js');
export const HOST = '127.0.0.1';

const EHLO_NAME = 'bench.probe.test';
const TIME_BINARY = '/usr/bin/time';
const CHECK_SMTP_PATHS = [
  '/usr/lib/nagios/plugins/check_smtp',
  '/usr/lib/monitoring-plugins/check_smtp',
];

/** Which rows the derived figures and targets are computed from. */
export type Role = 'floor' | 'server' | 'banner' | 'session' | 'swaks-banner';

/** One thing to time: a command run as a child, or the in-process socket baseline. */
export interface Subject {
  readonly label: string;
  /** The command as shown in the table, with PORT for the server's port. */
  readonly shown: string;
  /** Set for child processes: the executable and its arguments. */
  readonly argv?: readonly string[];
  /** smtp-probe's own rows (and the node floor): a failure makes the bench exit non-zero. */
  readonly ours: boolean;
  readonly role?: Role;
  /** Whether swaks's banner check is a fair yardstick for this row. */
  readonly vsSwaks: boolean;
  readonly run: () => Promise<Outcome>;
}

/** Tools found on this machine, and what was said about those that were not. */
export interface Tools {
  readonly swaks?: string;
  readonly checkSmtp?: string;
  readonly time?: string;
  readonly notes: string[];
}

/** Looks for swaks, check_smtp and GNU time; the bench runs without any of them. */
export function findTools(): Tools {
  const notes: string[] = [];

  const swaks = findOnPath('swaks');
  if (swaks === undefined) notes.push('swaks is not installed: its rows are skipped.');

  const checkSmtp = CHECK_SMTP_PATHS.find((path) => isExecutable(path)) ?? findOnPath('check_smtp');
  if (checkSmtp === undefined) {
    notes.push('check_smtp (monitoring-plugins) is not installed: its rows are skipped.');
  }

  const linux = process.platform === 'linux';
  const time = linux && isExecutable(TIME_BINARY) ? TIME_BINARY : undefined;
  if (time === undefined) {
    notes.push(`Peak memory was not measured: ${TIME_BINARY} (package time) is not available.`);
  }

  return { swaks, checkSmtp, time, notes };
}

function findOnPath(name: string): string | undefined {
  const dirs = (process.env['PATH'] ?? '').split(delimiter).filter((dir) => dir !== '');
  return dirs.map((dir) => join(dir, name)).find((path) => isExecutable(path));
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * The rows of the table, in the order they run in each round. Every client says EHLO with
 * the same name, so none of them spends time guessing this host's name.
 */
export function defineSubjects(port: number, tools: Tools): Subject[] {
  const target = `${HOST}:${port}`;
  /** How arguments are shown: short names for long paths, PORT for the port of this run. */
  const displayNames = new Map([
    [NODE, 'node'],
    [CLI, 'dist/smtp-probe.js'],
    [tools.swaks ?? 'swaks', 'swaks'],
    [target, `${HOST}:PORT`],
    [String(port), 'PORT'],
  ]);
  const shown = (argv: string[]): string =>
    argv.map((arg) => displayNames.get(arg) ?? arg).join(' ');
  const child = (
    label: string,
    argv: string[],
    options: Pick<Subject, 'ours' | 'role' | 'vsSwaks'>,
  ): Subject => ({
    label,
    shown: shown(argv),
    argv,
    ...options,
    run: () => timeChild(argv),
  });

  const subjects: Subject[] = [
    child('Node start-up floor', [NODE, '-e', '0'], {
      ours: true,
      role: 'floor',
      vsSwaks: false,
    }),
    {
      label: 'Server floor: greeting and QUIT over a socket, no child process',
      shown: 'in-process net.connect',
      ours: true,
      role: 'server',
      vsSwaks: false,
      run: () => timeSocketGreeting(port),
    },
    child('smtp-probe banner check', [NODE, CLI, target, '--banner'], {
      ours: true,
      role: 'banner',
      vsSwaks: true,
    }),
    child('smtp-probe default session', [NODE, CLI, target, '--ehlo', EHLO_NAME], {
      ours: true,
      role: 'session',
      vsSwaks: true,
    }),
    // The monitoring formats do the same work and print one line or one document:
    // the Nagios row is the one to hold against check_smtp's EHLO and QUIT.
    child(
      'smtp-probe as a Nagios check (EHLO, QUIT)',
      [NODE, CLI, target, '--ehlo', EHLO_NAME, '--starttls', 'never', '--format', 'nagios'],
      { ours: true, vsSwaks: true },
    ),
    child(
      'smtp-probe default session, --json',
      [NODE, CLI, target, '--ehlo', EHLO_NAME, '--json'],
      { ours: true, vsSwaks: true },
    ),
  ];

  if (tools.swaks !== undefined) {
    const swaks = [tools.swaks, '--server', target, '--ehlo', EHLO_NAME];
    const envelope = ['--from', 'bench@probe.test', '--to', 'bench@probe.test'];
    subjects.push(
      child('swaks banner check', [...swaks, ...envelope, '--quit-after', 'banner'], {
        ours: false,
        role: 'swaks-banner',
        vsSwaks: true,
      }),
      child('swaks STARTTLS session', [...swaks, ...envelope, '--tls', '--quit-after', 'ehlo'], {
        ours: false,
        vsSwaks: true,
      }),
    );
  }

  if (tools.checkSmtp !== undefined) {
    const check = [tools.checkSmtp, '-H', HOST, '-p', String(port), '-F', EHLO_NAME];
    subjects.push(
      child('check_smtp (EHLO, QUIT)', check, { ours: false, vsSwaks: true }),
      child('check_smtp STARTTLS', [...check, '-S'], { ours: false, vsSwaks: true }),
    );
  }

  return subjects;
}
