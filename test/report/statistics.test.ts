import { describe, expect, it } from 'vitest';
import { worstExitCode } from '../../src/errors.js';
import { distribution } from '../../src/report/statistics.js';

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
