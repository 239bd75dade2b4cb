/**
 * The Prometheus report: the text exposition format, for node_exporter's
 * textfile collector. It takes a list of runs so that several targets can
 * share one file: each metric's HELP and TYPE are written once, then one
 * sample per run, told apart by the `target` label. The metrics are listed
 * in docs/monitoring.md. See
 * https://prometheus.io/docs/instrumenting/exposition_formats/.
 */
import type { ProbeResult } from '../session/probe.js';
import { formatHostPort } from '../transport/target.js';
import { summariseStageTimes } from './stage-times.js';
import { summariseRuns } from './statistics.js';

/** One probe to report: its result and the wall-clock time it began. */
export interface PrometheusRun {
  readonly result: ProbeResult;
  readonly startedAt: Date;
}

type Labels = Readonly<Record<string, string>>;

interface Sample {
  readonly labels: Labels;
  readonly value: number;
}

interface Metric {
  readonly name: string;
  readonly help: string;
  /** A run's samples of this metric; none when the run has no such value. */
  readonly samples: (result: ProbeResult, startedAt: Date) => Sample[];
}

const PREFIX = 'smtp_probe_';

const METRICS: readonly Metric[] = [
  {
    name: 'success',
    help: '1 when every stage succeeded and every --expect was met, else 0.',
    samples: (result) => [{ labels: {}, value: result.failure ? 0 : 1 }],
  },
  {
    name: 'exit_code',
    help: 'The exit status of smtp-probe for this target (docs/exit-codes.md).',
    samples: (result) => [{ labels: {}, value: result.exitCode }],
  },
  {
    name: 'duration_seconds',
    help: 'Time from the start of the probe to its end.',
    samples: (result) => [{ labels: {}, value: result.totalMs / 1000 }],
  },
  {
    name: 'stage_duration_seconds',
    help: 'Time per stage; ehlo_tls is EHLO after STARTTLS; a repeated stage keeps its slowest.',
    samples: (result) =>
      summariseStageTimes(result.timings).map((stage) => ({
        labels: { stage: stage.name },
        value: stage.ms / 1000,
      })),
  },
  {
    name: 'last_reply_code',
    help: 'The code of the last reply before QUIT: the refusal when one ended the probe.',
    samples: (result) => {
      // QUIT's 221 follows a refusal too: it would hide the code worth alerting on.
      const last = result.log.exchanges.findLast(
        (exchange) => exchange.reply !== undefined && exchange.stage !== 'quit',
      );
      return last?.reply ? [{ labels: {}, value: last.reply.code }] : [];
    },
  },
  {
    name: 'failure_info',
    help: 'Present when the probe failed: the stage it failed at and the failure kind.',
    samples: (result) => {
      const { failure } = result;
      if (!failure) return [];
      return [{ labels: { stage: failure.stage ?? 'none', kind: failure.code }, value: 1 }];
    },
  },
  {
    name: 'tls_info',
    help: 'Present when TLS was used: the negotiated protocol version.',
    samples: (result) =>
      result.tls ? [{ labels: { version: result.tls.protocol }, value: 1 }] : [],
  },
  {
    name: 'tls_certificate_expiry_timestamp_seconds',
    help: "The server certificate's notAfter, as seconds since the Unix epoch.",
    samples: (result) => {
      const validTo = result.tls?.certificate?.validTo;
      const ms = validTo === undefined ? NaN : Date.parse(validTo);
      return Number.isNaN(ms) ? [] : [{ labels: {}, value: ms / 1000 }];
    },
  },
  {
    name: 'timestamp_seconds',
    help: 'When the probe began, as seconds since the Unix epoch.',
    samples: (_result, startedAt) => [{ labels: {}, value: startedAt.getTime() / 1000 }],
  },
];

/**
 * Renders many probes (several targets, --count): each target's latest
 * probe as above — one sample per target, as a scrape would see it — and,
 * for repeated probes, their figures per stage.
 */
export function renderPrometheusBatch(
  all: readonly { readonly results: readonly ProbeResult[] }[],
): string {
  const latest = all.map(({ results }) => {
    const result = results.at(-1)!;
    return { result, startedAt: result.startedAt };
  });
  const repeated = all.filter(({ results }) => results.length > 1);
  const subjects = repeated.map(({ results }) => ({ result: results.at(-1)!, results }));
  const figures = REPEAT_METRICS.map((metric) =>
    renderFamily(metric, subjects, (subject) => metric.samples(subject.results)),
  );
  return renderPrometheus(latest) + figures.join('');
}

interface RepeatMetric {
  readonly name: string;
  readonly help: string;
  readonly samples: (results: readonly ProbeResult[]) => Sample[];
}

const REPEAT_METRICS: readonly RepeatMetric[] = [
  {
    name: 'repeat_probes',
    help: 'Probes made of the target in this run (--count).',
    samples: (results) => [{ labels: {}, value: results.length }],
  },
  {
    name: 'repeat_failures',
    help: 'Probes of the target in this run that failed.',
    samples: (results) => [{ labels: {}, value: summariseRuns(results).failures }],
  },
  {
    name: 'repeat_stage_duration_seconds',
    help: 'Time per stage over the probes of this run: min, median, p95 (nearest rank), max.',
    samples: (results) =>
      figuresOf(results).flatMap((figures) =>
        (['min', 'median', 'p95', 'max'] as const).map((statistic) => ({
          labels: { stage: figures.name, statistic },
          value: figures[`${statistic}Ms`] / 1000,
        })),
      ),
  },
];

// Each stage, then whole probes as `total` when any passed.
function figuresOf(results: readonly ProbeResult[]) {
  const { stages, total } = summariseRuns(results);
  return total.count > 0 ? [...stages, total] : stages;
}

/** Renders the runs as one exposition; every metric is a gauge. */
export function renderPrometheus(runs: readonly PrometheusRun[]): string {
  return METRICS.map((metric) =>
    renderFamily(metric, runs, (run) => metric.samples(run.result, run.startedAt)),
  ).join('');
}

// One metric family: HELP and TYPE once, then each subject's samples,
// labelled with its target.
function renderFamily<T extends { readonly result: ProbeResult }>(
  metric: { readonly name: string; readonly help: string },
  subjects: readonly T[],
  samples: (subject: T) => Sample[],
): string {
  const name = PREFIX + metric.name;
  const lines = subjects.flatMap((subject) => {
    const target = formatHostPort(subject.result.target.host, subject.result.target.port);
    return samples(subject).map(({ labels, value }) => {
      return `${name}${formatLabels({ target, ...labels })} ${formatValue(value)}`;
    });
  });
  // A metric no run has is left out whole: HELP and TYPE alone say nothing.
  if (lines.length === 0) return '';
  const head = [`# HELP ${name} ${escapeHelp(metric.help)}`, `# TYPE ${name} gauge`];
  return [...head, ...lines].map((line) => `${line}\n`).join('');
}

function formatLabels(labels: Labels): string {
  const pairs = Object.entries(labels).map(([key, value]) => `${key}="${escapeLabel(value)}"`);
  return `{${pairs.join(',')}}`;
}

// The exposition format escapes backslash, double quote and newline in label values.
function escapeLabel(value: string): string {
  return value.replaceAll('\\', '\\\\').replaceAll('"', '\\"').replaceAll('\n', '\\n');
}

// HELP text escapes only backslash and newline.
function escapeHelp(text: string): string {
  return text.replaceAll('\\', '\\\\').replaceAll('\n', '\\n');
}

// Timings to the microsecond; Go's float parser reads any JS number text.
function formatValue(value: number): string {
  return String(Math.round(value * 1e6) / 1e6);
}
