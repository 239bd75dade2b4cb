/**
 * The end of a transcript: what a failure cut short, the verdict, and the
 * time each stage took.
 */
import { formatDuration } from './duration.js';
import type { TranscriptRenderer } from './transcript.js';
import type { Style } from './style.js';
import type { ProbeResult } from '../session/probe.js';
import { describeStage } from '../session/stage.js';

/** The lines that close a transcript. */
export function renderSummary(
  result: ProbeResult,
  renderer: TranscriptRenderer,
  style: Style,
): string[] {
  const lines: string[] = [];
  const { error } = result;

  if (error) {
    const secure = result.tls !== undefined;
    lines.push(...renderer.renderReceived(error.received, secure));
    lines.push(renderer.error(error.message));
  }
  lines.push(...renderer.controlsWarning());

  lines.push('', renderVerdict(result, renderer, style, { withMessage: false }));
  if (error?.hint) lines.push(style.dim(`hint: ${renderer.escapeText(error.hint)}`));
  if (result.timings.length > 0) lines.push(style.dim(`timings: ${renderTimings(result)}`));
  return lines;
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
  const { error } = result;
  if (!error) return style.strong(`result: OK in ${formatDuration(result.totalMs)} (exit 0)`);

  const where = error.stage ? ` at ${describeStage(error.stage)}` : '';
  const message = withMessage ? `: ${renderer.escapeText(error.message)}` : '';
  return style.error(`result: FAILED${where}${message} (exit ${result.exitCode})`);
}

/** Per-stage times; a stage said a second time under TLS is marked so. */
export function renderTimings(result: ProbeResult): string {
  const seen = new Set<string>();
  const parts = result.timings.map((timing) => {
    const again = seen.has(timing.stage) && timing.secure ? ' (tls)' : '';
    seen.add(timing.stage);
    return `${timing.stage}${again} ${formatDuration(timing.ms)}`;
  });
  return [...parts, `total ${formatDuration(result.totalMs)}`].join(' · ');
}
