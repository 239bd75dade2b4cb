/**
 * Many probes in one run: each target probed `count` times, one probe
 * after another, `intervalMs` from start to start; several targets side by
 * side, at most `concurrency` at once. An interruption stops what is under
 * way and starts nothing new.
 */
import type { Target } from '../transport/target.js';
import type { SessionObserver } from './events.js';
import type { ProbeOptions } from './options.js';
import { abortError } from '../errors.js';
import { failedProbe, runProbe, type ProbeResult } from './probe.js';

/** Every probe of one target, in order. */
export interface TargetRuns {
  readonly target: Target;
  readonly results: readonly ProbeResult[];
}

/** How many probes and how they are spaced. */
export interface BatchSchedule {
  readonly count: number;
  readonly intervalMs: number;
  readonly concurrency: number;
}

/** What the caller hears while the batch runs. */
export interface BatchHooks {
  /** The observer for one probe's events; `run` counts from 1. */
  readonly observer: (index: number, run: number) => SessionObserver;
  /** Called as each probe ends. */
  readonly probed?: (index: number, run: number, result: ProbeResult) => void;
  /** Called as each target's last probe ends. */
  readonly finished?: (index: number, runs: TargetRuns) => void;
}

/** Probes every target; the outcome lists targets in the order given. */
export async function runBatch(
  targets: readonly Target[],
  options: ProbeOptions,
  schedule: BatchSchedule,
  hooks: BatchHooks,
  signal?: AbortSignal,
): Promise<TargetRuns[]> {
  const outcome: TargetRuns[] = new Array<TargetRuns>(targets.length);
  let next = 0;

  const worker = async (): Promise<void> => {
    while (next < targets.length && !signal?.aborted) {
      const index = next++;
      const target = targets[index]!;
      const results = await probeRepeatedly(index, { ...options, target }, schedule, hooks, signal);
      outcome[index] = { target, results };
      hooks.finished?.(index, outcome[index]);
    }
  };

  const workers = Math.min(schedule.concurrency, targets.length);
  await Promise.all(Array.from({ length: workers }, worker));
  // A target an interruption kept from starting is still reported: as interrupted.
  return targets.map((target, index) => {
    if (outcome[index]) return outcome[index];
    const notMade = failedProbe(target, abortError(signal?.reason, undefined, 'its first probe'));
    return { target, results: [notMade] };
  });
}

async function probeRepeatedly(
  index: number,
  options: ProbeOptions,
  schedule: BatchSchedule,
  hooks: BatchHooks,
  signal: AbortSignal | undefined,
): Promise<ProbeResult[]> {
  const results: ProbeResult[] = [];

  for (let run = 1; run <= schedule.count; run += 1) {
    const startedAt = performance.now();
    const result = await runProbe(options, hooks.observer(index, run), signal);
    results.push(result);
    hooks.probed?.(index, run, result);

    if (run === schedule.count) break;
    const waitMs = schedule.intervalMs - (performance.now() - startedAt);
    if (signal?.aborted || (waitMs > 0 && !(await sleep(waitMs, signal)))) {
      // The probes not made are one interrupted result, so that no output
      // can read a run cut short as a run that passed — unless the probe
      // just made was itself cut short, and says so already.
      const next = `probe ${run + 1} of ${schedule.count}`;
      const interruption = abortError(signal?.reason, undefined, next);
      if (result.exitCode !== interruption.exitCode) {
        results.push(failedProbe(options.target, interruption));
      }
      break;
    }
  }
  return results;
}

/** Waits; false when the signal cut the wait short. */
function sleep(ms: number, signal: AbortSignal | undefined): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', stop);
      resolve(true);
    }, ms);
    const stop = (): void => {
      clearTimeout(timer);
      resolve(false);
    };
    signal?.addEventListener('abort', stop, { once: true });
  });
}
