import { describe, expect, it } from 'vitest';
import { renderTimings } from '../../src/output/summary.js';
import type { ProbeResult } from '../../src/session/probe.js';
import type { StageTiming } from '../../src/session/session.js';
import type { Stage } from '../../src/session/stage.js';

function timing(label: string, ms: number, secure: boolean): StageTiming {
  return { stage: label as Stage, label, ms, secure };
}

function result(timings: StageTiming[], totalMs: number): ProbeResult {
  return { timings, totalMs } as unknown as ProbeResult;
}

describe('renderTimings', () => {
  it('when EHLO is said again over TLS then the second is marked (tls)', () => {
    const line = renderTimings(
      result([timing('ehlo', 0.3, false), timing('tls', 4, true), timing('ehlo', 0.7, true)], 9),
    );
    expect(line).toBe('ehlo 0.3 ms · tls 4.0 ms · ehlo (tls) 0.7 ms · total 9.0 ms');
  });

  it(
    'when a stage has several replies in a row then ' +
      'they are one entry with the longest and a count',
    () => {
      const line = renderTimings(
        result(
          [
            timing('auth', 0.2, true),
            timing('auth', 0.5, true),
            timing('rcpt', 9.6, true),
            timing('rcpt', 9.1, true),
          ],
          30,
        ),
      );
      expect(line).toBe('auth ×2 0.5 ms · rcpt ×2 9.6 ms · total 30 ms');
    },
  );

  it('when nothing was timed then the total stands alone', () => {
    expect(renderTimings(result([], 3.8))).toBe('total 3.8 ms');
  });
});
