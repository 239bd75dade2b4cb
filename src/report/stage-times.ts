/**
 * One time per stage for the monitoring formats, which need a fixed set of
 * names to graph and to set thresholds on, where the transcript can simply
 * list every exchange. See docs/monitoring.md, "Stage times".
 */
import type { StageTiming } from '../session/session.js';
import type { Stage } from '../session/stage.js';

/** A stage's time under the name the monitoring formats give it. */
export interface StageTime {
  /** The stage, with `_tls` when the stage was also said before STARTTLS: `ehlo_tls`. */
  readonly name: string;
  readonly stage: Stage;
  readonly ms: number;
}

/**
 * Names each timing and folds repeats into one: EHLO said again after
 * STARTTLS becomes `ehlo_tls`, and a stage with several commands (one RCPT
 * TO per recipient, BDAT chunks) keeps its slowest reply. Pipelined
 * replies are all timed from the one write, so a sum would count the wait
 * several times; the slowest is right whether or not they were pipelined.
 */
export function summariseStageTimes(timings: readonly StageTiming[]): StageTime[] {
  const plain = new Set(timings.filter((timing) => !timing.secure).map((timing) => timing.stage));
  const byName = new Map<string, StageTime>();

  for (const { stage, secure, ms } of timings) {
    // With implicit TLS every stage is secure: no suffix is needed to tell them apart.
    const name = secure && plain.has(stage) ? `${stage}_tls` : stage;
    const seen = byName.get(name);
    if (!seen || ms > seen.ms) byName.set(name, { name, stage, ms });
  }
  return [...byName.values()];
}
