/**
 * The end of a transcript: what a failure cut short, the verdict, and the
 * time each stage took.
 */
import { formatDuration } from './duration.js';
import type { TranscriptRenderer } from './transcript.js';
import type { Style } from './style.js';
import type { ProbeResult } from '../session/probe.js';
import { describeOutcome } from '../session/expectations.js';
import { describeStage } from '../session/stage.js';
import { formatReply } from '../protocol/reply.js';
import { ReplyError } from '../errors.js';
import { explanationLines } from './explanation-lines.js';

/** The lines that close a transcript. */
export function renderSummary(
  result: ProbeResult,
  renderer: TranscriptRenderer,
  style: Style,
): string[] {
  const { failure: error } = result;
  return [
    ...renderer.controlsWarning(),
    '',
    renderVerdict(result, renderer, style, { withMessage: false }),
    ...renderExplanation(result, renderer, style),
    ...renderExpectations(result, renderer, style),
    ...renderTransaction(result, renderer).map((line) => style.dim(line)),
    ...(error?.hint ? [style.dim(`hint: ${renderer.escapeText(error.hint)}`)] : []),
    style.dim(`timings: ${renderTimings(result)}`),
  ];
}

/**
 * One line saying how the probe ended. Under a transcript the error line
 * above has said what went wrong; alone (--quiet) the line says it itself.
 */
export function renderVerdict(
  result: ProbeResult,
  renderer: TranscriptRenderer,
  style: Style,
  { withMessage }: { withMessage: boolean },
): string {
  const { failure: error } = result;
  if (!error) {
    const sent = withMessage ? describeSend(result, renderer) : '';
    const met = describeMet(result);
    return style.strong(`result: OK in ${formatDuration(result.totalMs)}${sent}${met} (exit 0)`);
  }

  const outcome = OUTCOMES[error.code] ?? 'FAILED';
  const where = error.stage ? ` at ${describeStage(error.stage)}` : '';
  const message = withMessage ? `: ${renderer.escapeText(error.message)}` : '';
  return style.error(`result: ${outcome}${where}${message} (exit ${result.exitCode})`);
}

/** One line for one of many probes (--count): its verdict, or its timings when it passed. */
export function renderRunLine(
  result: ProbeResult,
  renderer: TranscriptRenderer,
  style: Style,
  label: string,
): string {
  const { failure } = result;
  if (!failure) return `${label}: ${style.strong('OK')} · ${renderTimings(result)}`;

  const outcome = OUTCOMES[failure.code] ?? 'FAILED';
  const where = failure.stage ? ` at ${describeStage(failure.stage)}` : '';
  const message = renderer.escapeText(failure.message);
  return `${label}: ${style.error(`${outcome}${where}: ${message} (exit ${result.exitCode})`)}`;
}

/**
 * What the refusal that failed the run means, under the verdict: the
 * codes' meaning, then the likely cause and what to try when one is known.
 */
function renderExplanation(
  result: ProbeResult,
  renderer: TranscriptRenderer,
  style: Style,
): string[] {
  const { failure } = result;
  const explanation = failure instanceof ReplyError ? failure.reply.explanation : undefined;
  if (!explanation) return [];
  const [codes = '', ...cause] = explanationLines(explanation);
  const lines = [`explained: ${codes}`, ...cause];
  return lines.map((line) => style.dim(renderer.escapeText(line)));
}

const OUTCOMES: Record<string, string> = {
  interrupted: 'INTERRUPTED',
  'expectation-failed': 'NOT AS EXPECTED',
};

/** One line per --expect, when more than the verdict can say. */
function renderExpectations(result: ProbeResult, renderer: TranscriptRenderer, style: Style) {
  // A scenario's met expect lines were noted as they passed; only the rest are recalled.
  const recalled = result.expectations.filter(
    (outcome) => !(outcome.expectation.inScenario && outcome.status === 'met'),
  );
  return recalled.map((outcome) => {
    const line = renderer.escapeText(describeOutcome(outcome));
    return outcome.status === 'met' ? style.dim(line) : style.error(line);
  });
}

function describeMet(result: ProbeResult): string {
  const met = result.expectations.length;
  if (met === 0) return '';
  return `, ${met} ${met === 1 ? 'expectation' : 'expectations'} met`;
}

/**
 * Per-stage times. Consecutive replies of one stage (two RCPTs, AUTH's
 * challenge rounds) are one entry with the longest wait and a count; a
 * stage said again once TLS is up (the second EHLO) is marked "(tls)".
 */
export function renderTimings(result: ProbeResult): string {
  const groups: { label: string; secure: boolean; ms: number; count: number }[] = [];
  for (const timing of result.timings) {
    const last = groups.at(-1);
    if (last && last.label === timing.label && last.secure === timing.secure) {
      last.ms = Math.max(last.ms, timing.ms);
      last.count += 1;
    } else {
      groups.push({ label: timing.label, secure: timing.secure, ms: timing.ms, count: 1 });
    }
  }

  const plainLabels = new Set(groups.filter((group) => !group.secure).map((group) => group.label));
  const parts = groups.map(({ label, secure, ms, count }) => {
    const again = secure && plainLabels.has(label) ? ' (tls)' : '';
    const times = count > 1 ? ` ×${count}` : '';
    return `${label}${again}${times} ${formatDuration(ms)}`;
  });
  return [...parts, `total ${formatDuration(result.totalMs)}`].join(' · ');
}

/** Who got the message and under which queue id, for a send. */
export function renderTransaction(result: ProbeResult, renderer: TranscriptRenderer): string[] {
  const transaction = result.transaction;
  if (!transaction) return [];

  const { accepted, refused, delivery } = transaction;
  const lines = [`recipients: ${accepted.length} accepted, ${refused.length} refused`];
  for (const { address, reply } of refused) {
    lines.push(
      `  refused ${renderer.escapeText(address)}: ${renderer.escapeText(formatReply(reply))}`,
    );
  }
  if (delivery) {
    const id = delivery.queueId ? ` as ${renderer.escapeText(delivery.queueId)}` : '';
    lines.push(`message: ${delivery.bytes} bytes accepted${id}`);
  }
  return lines;
}

// For --quiet, whose one line must say what a send came to.
function describeSend(result: ProbeResult, renderer: TranscriptRenderer): string {
  const transaction = result.transaction;
  if (!transaction) return '';
  const { accepted, refused, delivery } = transaction;
  const id = delivery?.queueId ? ` as ${renderer.escapeText(delivery.queueId)}` : '';
  const message = delivery ? `, message accepted${id}` : '';
  return `: ${accepted.length} recipients accepted, ${refused.length} refused${message}`;
}
