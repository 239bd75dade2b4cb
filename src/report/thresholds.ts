/**
 * Thresholds for --format nagios: `--warning 2s` on the total time,
 * `--critical greeting=1s` on a stage's time, `--warning cert-days=30` on
 * the certificate's days left. A time above its threshold triggers, and
 * so do fewer days left than the threshold: equal is still fine.
 */
import { UsageError } from '../errors.js';
import { parseDuration } from '../cli/duration.js';

/** Which threshold option a threshold came from. */
export type ThresholdLevel = 'warning' | 'critical';

/** One --warning or --critical, parsed. */
export interface Threshold {
  readonly level: ThresholdLevel;
  /** `total`, a stage time's name (`greeting`, `ehlo_tls`) or `cert_days`. */
  readonly metric: string;
  /** Milliseconds for times, whole days for `cert_days`. */
  readonly limit: number;
  /** As the user wrote it, for messages. */
  readonly source: string;
}

/** What a run measured, as thresholds see it. */
export interface Measures {
  readonly totalMs: number;
  /** Each stage's time under its monitoring name (stage-times.ts). */
  readonly stages: readonly { readonly name: string; readonly ms: number }[];
  /** Undefined when no certificate was seen. */
  readonly certDays: number | undefined;
}

/** A threshold that a measure went past. */
export interface Breach {
  readonly threshold: Threshold;
  readonly value: number;
}

const STAGES = ['resolve', 'connect', 'tls', 'greeting', 'ehlo', 'starttls', 'auth', 'mail'];
// `command` is a scenario's NOOP, RSET, VRFY… (docs/scenarios.md).
const MORE_STAGES = ['rcpt', 'data', 'message', 'quit', 'command'];
const METRICS = new Set([
  'total',
  'cert_days',
  ...[...STAGES, ...MORE_STAGES].flatMap((stage) => [stage, `${stage}_tls`]),
]);

/** Parses `2s`, `greeting=1s` or `cert-days=30`; a hyphen and an underscore are the same. */
export function parseThreshold(text: string, level: ThresholdLevel): Threshold {
  const option = `--${level}`;
  const [name, value] = text.includes('=') ? splitOnce(text) : ['total', text];
  const metric = name.trim().toLowerCase().replaceAll('-', '_');
  if (!METRICS.has(metric)) {
    throw new UsageError(
      `invalid ${option} "${text}": unknown measure "${name}"`,
      'thresholds are DURATION, STAGE=DURATION (greeting=1s, tls=3s) or cert-days=DAYS',
    );
  }

  const limit =
    metric === 'cert_days' ? parseDays(value, option, text) : parseDuration(value, option);
  return { level, metric, limit, source: text };
}

/** The thresholds the measures went past; a measure the run lacks is not judged. */
export function evaluateThresholds(thresholds: readonly Threshold[], measures: Measures): Breach[] {
  return thresholds.flatMap((threshold) => {
    const value = measure(threshold.metric, measures);
    if (value === undefined) return [];
    return breaches(threshold, value) ? [{ threshold, value }] : [];
  });
}

/** True when the value is past the threshold: times above it, days below it. */
export function breaches(threshold: Threshold, value: number): boolean {
  return threshold.metric === 'cert_days' ? value < threshold.limit : value > threshold.limit;
}

function measure(metric: string, measures: Measures): number | undefined {
  if (metric === 'total') return measures.totalMs;
  if (metric === 'cert_days') return measures.certDays;
  return measures.stages.find((stage) => stage.name === metric)?.ms;
}

function splitOnce(text: string): [string, string] {
  const at = text.indexOf('=');
  return [text.slice(0, at), text.slice(at + 1)];
}

function parseDays(value: string, option: string, text: string): number {
  if (!/^\d{1,5}$/.test(value.trim())) {
    throw new UsageError(`invalid ${option} "${text}": cert-days takes whole days, e.g. 30`);
  }
  return Number(value);
}
