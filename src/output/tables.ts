/**
 * The tables that close a run of many probes: figures per stage over
 * --count probes of a target, and one row per target when several were
 * probed. Plain text in aligned columns, so that they read in a terminal
 * and in a CI log alike.
 */
import { formatDuration } from './duration.js';
import { escapeText } from './escape.js';
import type { Style } from './style.js';
import type { TargetRuns } from '../session/batch.js';
import { describeStage } from '../session/stage.js';
import { worstExitCode } from '../errors.js';
import { summariseRuns, type Distribution } from '../report/statistics.js';
import { formatHostPort } from '../transport/target.js';

/** Lays rows out in columns; numbers (right-aligned columns) line up on the right. */
export function layOut(rows: readonly (readonly string[])[], rightAligned: readonly number[]) {
  const widths = rows[0]!.map((_, column) =>
    Math.max(...rows.map((row) => (row[column] ?? '').length)),
  );
  return rows.map((row) =>
    row
      .map((cell, column) =>
        rightAligned.includes(column)
          ? cell.padStart(widths[column]!)
          : cell.padEnd(widths[column]!),
      )
      .join('  ')
      .trimEnd(),
  );
}

/** Min, median, p95 and max per stage over the probes of one target. */
export function renderStatistics(runs: TargetRuns, style: Style): string[] {
  const statistics = summariseRuns(runs.results);
  const exitCode = worstExitCode(runs.results.map((result) => result.exitCode));
  const failed = statistics.failures === 0 ? 'none failed' : `${statistics.failures} failed`;
  const probes = `${statistics.runs} ${statistics.runs === 1 ? 'probe' : 'probes'}`;
  const heading = `${describeTarget(runs)}: ${probes}, ${failed} (exit ${exitCode})`;

  const row = (figures: Distribution): string[] => [
    figures.name,
    String(figures.count),
    formatDuration(figures.minMs),
    formatDuration(figures.medianMs),
    formatDuration(figures.p95Ms),
    formatDuration(figures.maxMs),
  ];
  const rows = [
    ['stage', 'probes', 'min', 'median', 'p95', 'max'],
    ...statistics.stages.map(row),
    row(statistics.total),
  ];
  const lines = layOut(rows, [1, 2, 3, 4, 5]).map((line) => `  ${line}`);
  const headed = [style.dim(lines[0]!), ...lines.slice(1)];
  return [statistics.failures === 0 ? style.strong(heading) : style.error(heading), ...headed];
}

/** One row per target: how it went, its exit status and times. */
export function renderTargetTable(all: readonly TargetRuns[], style: Style): string[] {
  const repeated = all.some((runs) => runs.results.length > 1);
  const rows = [
    repeated
      ? ['target', 'result', 'exit', 'probes', 'failed', 'median', 'p95']
      : ['target', 'result', 'exit', 'total', 'greeting'],
    ...all.map((runs) => (repeated ? repeatedRow(runs) : singleRow(runs))),
  ];
  const right = repeated ? [2, 3, 4, 5, 6] : [2, 3, 4];
  const [heading, ...lines] = layOut(rows, right);
  return [style.dim(heading!), ...lines];
}

function singleRow(runs: TargetRuns): string[] {
  const result = runs.results[0]!;
  const greeting = result.timings.find((timing) => timing.stage === 'greeting');
  return [
    describeTarget(runs),
    describeResult(runs),
    String(result.exitCode),
    formatDuration(result.totalMs),
    greeting ? formatDuration(greeting.ms) : '-',
  ];
}

function repeatedRow(runs: TargetRuns): string[] {
  const statistics = summariseRuns(runs.results);
  return [
    describeTarget(runs),
    describeResult(runs),
    String(worstExitCode(runs.results.map((result) => result.exitCode))),
    String(statistics.runs),
    String(statistics.failures),
    formatDuration(statistics.total.medianMs),
    formatDuration(statistics.total.p95Ms),
  ];
}

// The worst probe of the target, in a few words.
function describeResult(runs: TargetRuns): string {
  const exitCode = worstExitCode(runs.results.map((result) => result.exitCode));
  const worst = runs.results.find((result) => result.exitCode === exitCode)!;
  const { failure } = worst;
  if (!failure) return 'OK';
  const where = failure.stage ? ` at ${describeStage(failure.stage)}` : '';
  if (failure.code === 'interrupted') return `INTERRUPTED${where}`;
  return failure.code === 'expectation-failed' ? `NOT AS EXPECTED${where}` : `FAILED${where}`;
}

function describeTarget(runs: TargetRuns): string {
  return escapeText(formatHostPort(runs.target.host, runs.target.port)).text;
}
