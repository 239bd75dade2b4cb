/**
 * One Nagios status line for many probes: several targets, or --count
 * probes of one. A target probed once is judged as a single probe is
 * (nagios.ts). A target probed several times is judged on its figures:
 * thresholds on the median of each stage and of the total, over the
 * probes that passed, and any failed probe makes it that failure's state.
 * The line takes the worst state of the targets.
 */
import type { ProbeResult } from '../session/probe.js';
import { formatHostPort } from '../transport/target.js';
import {
  describeBreach,
  describeCause,
  describeFailure,
  failureState,
  formatSeconds,
  judge,
  judgeProbe,
  NagiosState,
  perfItems,
  renderNagiosUnknown,
  statusLine,
  type Judged,
  type NagiosReport,
  type NagiosStateName,
} from './nagios.js';
import { formatPerfdata } from './perfdata.js';
import { summariseRuns } from './statistics.js';
import { evaluateThresholds, type Measures, type Threshold } from './thresholds.js';

// How bad a state is when probes are combined, as the Monitoring Plugins
// combine them: CRITICAL over WARNING over UNKNOWN over OK.
const SEVERITY: Record<NagiosStateName, number> = { OK: 0, UNKNOWN: 1, WARNING: 2, CRITICAL: 3 };

/** The status line for several targets or repeated probes. */
export function renderNagiosBatch(
  all: readonly { readonly results: readonly ProbeResult[] }[],
  thresholds: readonly Threshold[],
): NagiosReport {
  const judged = all
    .filter(({ results }) => results.length > 0)
    .map(({ results }) =>
      results.length === 1 ? judgeProbe(results[0]!, thresholds) : judgeRepeat(results, thresholds),
    );
  if (judged.length === 0) return renderNagiosUnknown('interrupted before the first probe');

  const worst = judged.reduce((a, b) => (SEVERITY[b.state] > SEVERITY[a.state] ? b : a));
  const notOk = judged.filter((target) => target.state !== 'OK').length;
  const text =
    judged.length > 1 ? `${judged.length} targets, ${notOk} not OK; ${worst.text}` : worst.text;

  // Several targets share one perfdata: each label says whose it is.
  const items = judged.flatMap(({ target, items: own }) =>
    own.map((item) => ({
      ...item,
      label: judged.length > 1 ? `${target} ${item.label}` : item.label,
    })),
  );
  return {
    line: statusLine(worst.state, text, formatPerfdata(items), worst.tail),
    exitCode: NagiosState[worst.state],
  };
}

function judgeRepeat(results: readonly ProbeResult[], thresholds: readonly Threshold[]): Judged {
  const latest = results.at(-1)!;
  const target = formatHostPort(latest.target.host, latest.target.port);
  const statistics = summariseRuns(results);
  const measures: Measures = {
    totalMs: statistics.total.medianMs,
    stages: statistics.stages.map(({ name, medianMs }) => ({ name, ms: medianMs })),
    certDays: latest.tls?.certificate?.daysLeft,
  };
  const items = [
    ...perfItems(measures, thresholds),
    { label: 'failed', value: statistics.failures, uom: '', min: 0 } as const,
  ];

  const failed = results.filter((result) => result.failure !== undefined);
  const probes = `${statistics.runs} probes`;
  if (failed.length > 0) {
    const last = failed.at(-1)!;
    const state = failed.map((r) => failureState(r.failure!)).reduce(worse);
    const lastly = describeFailure(last.failure!);
    const said = `${target} ${failed.length} of ${probes} failed; the last ${lastly}`;
    return { state, text: said, items, target, tail: describeCause(last.failure!) };
  }

  const breaches = evaluateThresholds(thresholds, measures);
  const { state, text } = judge(latest, breaches);
  const median = `${target} ${probes}, median ${formatSeconds(measures.totalMs)}`;
  const past = breaches.map(describeBreach);
  // judge() names the latest probe; its other remarks (warnings) still apply.
  const remarks = text.split('; ').slice(1 + past.length);
  return { state, text: [median, ...past, ...remarks].join('; '), items, target };
}

function worse(a: NagiosStateName, b: NagiosStateName): NagiosStateName {
  return SEVERITY[b] > SEVERITY[a] ? b : a;
}
