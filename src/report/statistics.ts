/**
 * Figures over many probes of one target (--count): per stage the
 * minimum, median, 95th percentile and maximum, and how many runs failed.
 */
import type { ProbeResult } from '../session/probe.js';

/** The time one run spent in a stage, under the stage's name for figures. */
export interface StageDuration {
  /** `greeting`, `ehlo`, `ehlo-tls` (EHLO said again over TLS), `helo`, `rcpt`… */
  readonly name: string;
  readonly ms: number;
}

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

/**
 * The stages of one run with their times. A stage said again once TLS is
 * up gets a `-tls` name of its own (its time includes no handshake, and
 * mixing it with the plaintext one would blur both); a stage repeated in a
 * row (RCPT TO for each recipient, AUTH's challenges) counts once, summed.
 */
export function stageDurations(result: ProbeResult): StageDuration[] {
  const plain = new Set<string>();
  const durations: { name: string; ms: number }[] = [];

  for (const timing of result.timings) {
    if (!timing.secure) plain.add(timing.label);
    const name = timing.secure && plain.has(timing.label) ? `${timing.label}-tls` : timing.label;
    const last = durations.at(-1);
    if (last?.name === name) last.ms += timing.ms;
    else durations.push({ name, ms: timing.ms });
  }
  return durations;
}

/** Summarises the runs of one target. */
export function summariseRuns(results: readonly ProbeResult[]): RepeatStatistics {
  const byStage = new Map<string, number[]>();
  for (const result of results) {
    for (const { name, ms } of stageDurations(result)) {
      byStage.set(name, [...(byStage.get(name) ?? []), ms]);
    }
  }

  return {
    runs: results.length,
    failures: results.filter((result) => result.failure !== undefined).length,
    stages: [...byStage].map(([name, times]) => distribution(name, times)),
    total: distribution(
      'total',
      results.map((result) => result.totalMs),
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
