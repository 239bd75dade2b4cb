import { describe, expect, it } from 'vitest';
import { worstExitCode } from '../../src/errors.js';
import { distribution, stageDurations } from '../../src/report/statistics.js';
import type { ProbeResult } from '../../src/session/probe.js';
import type { StageTiming } from '../../src/session/session.js';

describe('distribution', () => {
  it('when given 1..20 then p95 is the 19th value by nearest rank and the median is 10.5', () => {
    const times = Array.from({ length: 20 }, (_, i) => 20 - i);

    expect(distribution('greeting', times)).toEqual({
      name: 'greeting',
      count: 20,
      minMs: 1,
      medianMs: 10.5,
      p95Ms: 19,
      maxMs: 20,
    });
  });

  it('when given an odd count then the median is the middle value', () => {
    expect(distribution('x', [5, 1, 3]).medianMs).toBe(3);
    expect(distribution('x', [5, 1, 3]).p95Ms).toBe(5);
  });

  it('when given one value then every figure is that value', () => {
    expect(distribution('x', [7])).toMatchObject({ minMs: 7, medianMs: 7, p95Ms: 7, maxMs: 7 });
  });
});

describe('stageDurations', () => {
  const timing = (label: string, ms: number, secure = false): StageTiming => ({
    stage: (label === 'helo' ? 'ehlo' : label) as StageTiming['stage'],
    label,
    ms,
    secure,
  });

  it('when EHLO is said again over TLS and RCPT repeats then the names and sums say so', () => {
    const result = {
      timings: [
        timing('ehlo', 2),
        timing('starttls', 1),
        timing('tls', 9, true),
        timing('ehlo', 3, true),
        timing('rcpt', 4, true),
        timing('rcpt', 5, true),
      ],
    } as unknown as ProbeResult;

    expect(stageDurations(result)).toEqual([
      { name: 'ehlo', ms: 2 },
      { name: 'starttls', ms: 1 },
      { name: 'tls', ms: 9 },
      { name: 'ehlo-tls', ms: 3 },
      { name: 'rcpt', ms: 9 },
    ]);
  });
});

describe('worstExitCode', () => {
  it.each([
    [[0, 0], 0],
    [[0, 10, 0], 10],
    [[10, 74], 74],
    [[74, 75], 75],
    [[95, 4], 4],
    [[4, 5, 3], 4],
    [[5, 1], 1],
    [[1, 130], 130],
    [[9, 10], 9],
    [[], 0],
  ])('when the probes exited %j then the run exits %i', (codes, worst) => {
    expect(worstExitCode(codes)).toBe(worst);
  });
});
