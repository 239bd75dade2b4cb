/**
 * Figures over many probes of one target (--count): per stage the
 * minimum, median, 95th percentile and maximum, and how many runs failed.
 */
import type { ProbeResult } from '../session/probe.js';
import { summariseStageTimes } from './stage-times.js';

/** Distribution of one stage's times. */
export interface Distribution {
  readonly name: string;
  /** Runs that reached the stage. */
  readonly count: number;
  readonly minMs: number;
  readonly medianMs: number;
  readonly p95Ms: number;
  readonly maxMs: number;
}

/** What --count runs of one target came to. */
export interface RepeatStatistics {
  readonly runs: number;
  readonly failures: number;
  readonly stages: readonly Distribution[];
  readonly total: Distribution;
}

/** Summarises the runs of one target. */
export function summariseRuns(results: readonly ProbeResult[]): RepeatStatistics {
  const byStage = new Map<string, number[]>();
  for (const result of results) {
    // Stage names and repeats as the monitoring formats have them (stage-times.ts).
    for (const { name, ms } of summariseStageTimes(result.timings)) {
      byStage.set(name, [...(byStage.get(name) ?? []), ms]);
    }
  }

  return {
    runs: results.length,
    failures: results.filter((result) => result.failure !== undefined).length,
    stages: [...byStage].map(([name, times]) => distribution(name, times)),
    // A refused connect is quick: counted in, it would flatter the total.
    total: distribution(
      'total',
      results.filter((result) => !result.failure).map((result) => result.totalMs),
    ),
  };
}

/** Minimum, median, 95th percentile (nearest rank) and maximum. */
export function distribution(name: string, times: readonly number[]): Distribution {
  const sorted = [...times].sort((a, b) => a - b);
  const at = (rank: number) => sorted[Math.min(sorted.length - 1, Math.max(0, rank))] ?? 0;
  const middle = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 === 1 ? at(middle) : (at(middle - 1) + at(middle)) / 2;

  return {
    name,
    count: sorted.length,
    minMs: at(0),
    medianMs: median,
    p95Ms: at(Math.ceil(0.95 * sorted.length) - 1),
    maxMs: at(sorted.length - 1),
  };
}
