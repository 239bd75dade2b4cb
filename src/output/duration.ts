/** Formats a duration for people: `0.4 ms`, `12 ms`, `1.50 s`, `30 s`. */
export function formatDuration(ms: number): string {
  if (ms < 10) return `${ms.toFixed(1)} ms`;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 10_000) return `${(ms / 1000).toFixed(2)} s`;
  return `${Math.round(ms / 1000)} s`;
}

/** Says how fast bytes came: `3.2 bytes/s`, `1.4 KB/s`. */
export function describeRate(bytes: number, ms: number): string {
  const perSecond = ms > 0 ? (bytes * 1000) / ms : bytes;
  if (perSecond < 1000) return `${perSecond.toFixed(1)} bytes/s`;
  return `${(perSecond / 1000).toFixed(1)} KB/s`;
}
