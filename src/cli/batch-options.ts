/**
 * The options that make one invocation many probes: several targets (on
 * the command line or from --targets-file), probed side by side, and
 * --count repeats of each, --interval apart.
 */
import { readFileSync, statSync } from 'node:fs';
import type { Command } from 'commander';
import { UsageError } from '../errors.js';
import { parseDuration } from './duration.js';
import { describeFileError } from './file-error.js';

/** The batch options as commander hands them over. */
export interface RawBatchOptions {
  count: string;
  interval: string;
  targetsFile: string[];
  concurrency: string;
}

/** How many probes, how far apart, how many at once. */
export interface BatchPlan {
  readonly count: number;
  /** From the start of one probe of a target to the start of its next. */
  readonly intervalMs: number;
  /** Targets probed at the same time. */
  readonly concurrency: number;
}

const MAX_COUNT = 10_000;
const MAX_CONCURRENCY = 64;
const MAX_TARGETS = 1_000;
const MAX_PROBES = 10_000;
const MAX_TARGETS_FILE_BYTES = 1024 * 1024;

/** Adds the batch options to a command. */
export function addBatchOptions(command: Command): Command {
  return command
    .option('-c, --count <n>', 'probe each target n times and report statistics', '1')
    .option('--interval <duration>', 'from the start of one probe to the next: 500ms, 2s, 1m', '1s')
    .option(
      '--targets-file <file>',
      'more targets, one per line (# starts a comment); repeatable',
      (file: string, files: string[]) => [...files, file],
      [],
    )
    .option('--concurrency <n>', 'targets probed at the same time', '8');
}

/** Checks the batch options. */
export function toBatchPlan(raw: RawBatchOptions): BatchPlan {
  return {
    count: parseCount(raw.count, '--count', MAX_COUNT),
    intervalMs: parseInterval(raw.interval),
    concurrency: parseCount(raw.concurrency, '--concurrency', MAX_CONCURRENCY),
  };
}

/** A target as written, and where: a file's line, or the command line. */
export interface TargetSpec {
  readonly spec: string;
  readonly from: string | undefined;
}

/** The targets named on the command line and in each --targets-file, in that order. */
export function collectTargets(
  positional: readonly string[],
  files: readonly string[],
): TargetSpec[] {
  const targets = [
    ...positional.map((spec) => ({ spec, from: undefined })),
    ...files.flatMap(readTargetsFile),
  ];
  if (targets.length === 0) {
    const none = files.length > 0 ? ` (${files.join(', ')} named none)` : '';
    throw new UsageError(`no target: name a host, or give --targets-file${none}`);
  }
  if (targets.length > MAX_TARGETS) {
    throw new UsageError(`${targets.length} targets: at most ${MAX_TARGETS} in one run`);
  }
  return targets;
}

/**
 * Refuses a run of more probes than smtp-probe keeps reports for: each
 * probe's report stays in memory until the end (about 10 KiB).
 */
export function checkProbeCount(targets: number, plan: BatchPlan): void {
  const probes = targets * plan.count;
  if (probes > MAX_PROBES) {
    const asked = `${targets} targets × --count ${plan.count} = ${probes} probes`;
    throw new UsageError(`${asked}: at most ${MAX_PROBES} in one run`);
  }
}

function readTargetsFile(path: string): TargetSpec[] {
  let text: string;
  try {
    // A FIFO or a device would block or never end: only a regular file will do.
    const stats = statSync(path);
    if (!stats.isFile()) throw new UsageError(`--targets-file ${path}: not a regular file`);
    if (stats.size > MAX_TARGETS_FILE_BYTES) {
      throw new UsageError(`--targets-file ${path}: larger than 1 MiB`);
    }
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(`--targets-file ${path}: ${describeFileError(error)}`);
  }

  return text
    .split(/\r?\n/)
    .map((line, index) => ({ spec: line.replace(/#.*/, '').trim(), from: `${path}:${index + 1}` }))
    .filter((target) => target.spec !== '');
}

function parseCount(text: string, option: string, max: number): number {
  const value = /^\d{1,6}$/.test(text.trim()) ? Number(text) : NaN;
  if (!(value >= 1 && value <= max)) {
    throw new UsageError(`invalid ${option} "${text}": expected a whole number from 1 to ${max}`);
  }
  return value;
}

// Ping-like tools read a bare interval as milliseconds, while smtp-probe's
// other durations read it as seconds: either reading would surprise half
// the users, and one of them by hammering a server. So a unit is required.
function parseInterval(text: string): number {
  const trimmed = text.trim();
  if (trimmed === '0') return 0;
  if (/^\d+(\.\d+)?$/.test(trimmed)) {
    const hint = `say ${trimmed}ms or ${trimmed}s`;
    throw new UsageError(`--interval ${trimmed}: give a unit, ${hint}`);
  }
  return parseDuration(trimmed, '--interval');
}
