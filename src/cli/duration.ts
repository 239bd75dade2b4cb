/** Parses durations given on the command line: `30`, `30s`, `1500ms`, `2m`. */
import { UsageError } from '../errors.js';

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000 };

/** A duration in milliseconds; a bare number means seconds. */
export function parseDuration(text: string, option: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(text.trim());
  const ms = match ? Number(match[1]) * UNIT_MS[match[2] ?? 's']! : NaN;
  if (!(ms > 0) || ms > 3_600_000) {
    throw new UsageError(
      `invalid ${option} "${text}": expected e.g. 30, 30s, 1500ms or 2m (at most 1 hour)`,
    );
  }
  return ms;
}
