/**
 * The Nagios (Monitoring Plugins) report: one status line, `SMTP OK - …`,
 * with performance data after `|`, and the plugin's state as exit status.
 * See https://www.monitoring-plugins.org/doc/guidelines.html and
 * docs/monitoring.md for the state mapping.
 */
import { ReplyError, type ProbeError } from '../errors.js';
import { escapeText } from '../output/escape.js';
import type { ProbeResult } from '../session/probe.js';
import { describeStage } from '../session/stage.js';
import { formatHostPort } from '../transport/target.js';
import { formatNumber, formatPerfdata, type PerfItem } from './perfdata.js';
import { summariseStageTimes } from './stage-times.js';
import { evaluateThresholds, type Breach, type Measures, type Threshold } from './thresholds.js';

/** The plugin states and their exit statuses. */
export const NagiosState = { OK: 0, WARNING: 1, CRITICAL: 2, UNKNOWN: 3 } as const;

/** A state's name: `OK`, `WARNING`, `CRITICAL` or `UNKNOWN`. */
export type NagiosStateName = keyof typeof NagiosState;

/** The status line (with its newline) and the exit status that goes with it. */
export interface NagiosReport {
  readonly line: string;
  readonly exitCode: number;
}

/** Judges a run against the thresholds and renders its status line. */
export function renderNagios(result: ProbeResult, thresholds: readonly Threshold[]): NagiosReport {
  const { state, text, items, tail } = judgeProbe(result, thresholds);
  const line = statusLine(state, text, formatPerfdata(items), tail);
  return { line, exitCode: NagiosState[state] };
}

/** A probe judged: its state, its words, its performance data. */
export interface Judged {
  readonly state: NagiosStateName;
  readonly text: string;
  readonly items: PerfItem[];
  readonly target: string;
  /** Said at the end and never cut: the likely cause of a refusal. */
  readonly tail?: string | undefined;
}

/** Judges one probe against the thresholds. */
export function judgeProbe(result: ProbeResult, thresholds: readonly Threshold[]): Judged {
  const measures = measure(result);
  const breaches = evaluateThresholds(thresholds, measures);
  const target = formatHostPort(result.target.host, result.target.port);
  const tail = result.failure && describeCause(result.failure);
  return { ...judge(result, breaches), items: perfItems(measures, thresholds), target, tail };
}

/** The line for a run that could not be judged: a usage or internal error. */
export function renderNagiosUnknown(message: string): NagiosReport {
  return { line: statusLine('UNKNOWN', message, ''), exitCode: NagiosState.UNKNOWN };
}

/** The state and words for a probe, given the thresholds it went past. */
export function judge(
  result: ProbeResult,
  breaches: readonly Breach[],
): { state: NagiosStateName; text: string } {
  const target = formatHostPort(result.target.host, result.target.port);
  const { failure } = result;
  if (failure)
    return { state: failureState(failure), text: `${target} ${describeFailure(failure)}` };

  const critical = breaches.filter((breach) => breach.threshold.level === 'critical');
  const warning = breaches.filter((breach) => breach.threshold.level === 'warning');
  const troubles = result.log.warnings.filter((w) => WARNING_CODES.has(w.code));
  const state =
    critical.length > 0 ? 'CRITICAL' : warning.length + troubles.length > 0 ? 'WARNING' : 'OK';
  const past = [...critical, ...warning].map(describeBreach);
  const said = troubles.map((trouble) => trouble.message);
  return { state, text: [describeSuccess(result), ...past, ...said].join('; ') };
}

// Warnings that mean the server is not healthy although the probe passed:
// an unasked refusal before QUIT, a scenario's expect-soft not met.
const WARNING_CODES = new Set(['refused-before-quit', 'expectation-soft']);

// A bug or an interruption says nothing about the server: the check could
// not be made. Everything else the probe reports is the server's fault.
export function failureState(failure: ProbeError): NagiosStateName {
  return failure.code === 'internal' || failure.code === 'interrupted' ? 'UNKNOWN' : 'CRITICAL';
}

export function describeFailure(failure: ProbeError): string {
  const stage = failure.stage ? ` at ${describeStage(failure.stage)}` : '';
  const what = failure.code === 'interrupted' ? 'interrupted' : 'failed';
  return `${what}${stage} (exit ${failure.exitCode}): ${failure.message}`;
}

/** The likely cause of a refusal, in a few words, when smtp-probe knows it. */
export function describeCause(failure: ProbeError): string | undefined {
  const cause = failure instanceof ReplyError ? failure.reply.explanation?.cause : undefined;
  return cause && `likely cause: ${cause.title}`;
}

function describeSuccess(result: ProbeResult): string {
  const target = formatHostPort(result.target.host, result.target.port);
  const parts = [`${target} answered in ${formatSeconds(result.totalMs)}`];
  if (result.tls) parts.push(result.tls.protocol);
  const days = result.tls?.certificate?.daysLeft;
  if (days !== undefined) parts.push(`certificate expires in ${days} days`);
  return parts.join(', ');
}

export function describeBreach({ threshold, value }: Breach): string {
  const { metric, limit, level } = threshold;
  if (metric === 'cert_days') return `cert days ${value} < ${limit} (${level})`;
  return `${metric} ${formatSeconds(value)} > ${formatSeconds(limit)} (${level})`;
}

function measure(result: ProbeResult): Measures {
  return {
    totalMs: result.totalMs,
    stages: summariseStageTimes(result.timings),
    certDays: result.tls?.certificate?.daysLeft,
  };
}

export function perfItems(measures: Measures, thresholds: readonly Threshold[]): PerfItem[] {
  const limit = (metric: string, level: Threshold['level']): string | undefined => {
    const found = thresholds.find((t) => t.metric === metric && t.level === level);
    if (!found) return undefined;
    // The guidelines' ranges: `2` alerts above 2, `30:` alerts below 30.
    return metric === 'cert_days' ? `${found.limit}:` : formatNumber(found.limit / 1000);
  };
  const time = (label: string, ms: number): PerfItem => ({
    label,
    value: ms / 1000,
    uom: 's',
    warn: limit(label, 'warning'),
    crit: limit(label, 'critical'),
    min: 0,
  });

  const items = [time('total', measures.totalMs)];
  for (const stage of measures.stages) items.push(time(stage.name, stage.ms));
  if (measures.certDays !== undefined) {
    const { certDays } = measures;
    const days = { label: 'cert_days', value: certDays, uom: '' } as const;
    items.push({
      ...days,
      warn: limit('cert_days', 'warning'),
      crit: limit('cert_days', 'critical'),
    });
  }
  return items;
}

// Server text reaches this line: controls are escaped so that it stays one
// line, and a `|` would start the performance data early.
export function statusLine(
  state: NagiosStateName,
  text: string,
  perfdata: string,
  tail?: string,
): string {
  const clean = (words: string): string => escapeText(words).text.replaceAll('|', '/');
  const end = tail ? `; ${clean(tail)}` : '';
  const safe = clean(text);
  // Nagios keeps 8 KiB of a plugin's output and the performance data comes
  // last: a 200-line refusal must not push it out. The server's words are
  // cut before the likely cause is, and the ellipsis counts in the cap.
  const room = MAX_TEXT - end.length;
  const short = safe.length > room ? `${safe.slice(0, room - 1)}…` : safe;
  return `SMTP ${state} - ${short}${end}${perfdata ? ` | ${perfdata}` : ''}\n`;
}

const MAX_TEXT = 600;

// To a tenth of a millisecond, so that a time just past its threshold never reads as equal.
export function formatSeconds(ms: number): string {
  return `${formatNumber(Math.round(ms * 10) / 10_000)}s`;
}
