import { describe, expect, it } from 'vitest';
import {
  breaches,
  evaluateThresholds,
  parseThreshold,
  type Measures,
} from '../../src/report/thresholds.js';

const MEASURES: Measures = {
  totalMs: 2_000,
  stages: [
    { name: 'greeting', ms: 1_000 },
    { name: 'ehlo_tls', ms: 300 },
  ],
  certDays: 30,
};

describe('parseThreshold', () => {
  it.each([
    ['2s', 'total', 2_000],
    ['1500ms', 'total', 1_500],
    ['greeting=1s', 'greeting', 1_000],
    ['tls=3s', 'tls', 3_000],
    ['ehlo-tls=250ms', 'ehlo_tls', 250],
    ['cert-days=30', 'cert_days', 30],
    ['cert_days=7', 'cert_days', 7],
  ])('when given %s then it judges %s against %d', (text, metric, limit) => {
    expect(parseThreshold(text, 'warning')).toMatchObject({ level: 'warning', metric, limit });
  });

  it.each(['gretting=1s', 'greeting=fast', 'cert-days=1.5', 'cert-days=-3', '0s', '=1s'])(
    'when given %s then it is a usage error',
    (text) => {
      expect(() => parseThreshold(text, 'critical')).toThrow(/invalid --critical/);
    },
  );
});

describe('threshold edges', () => {
  const total = parseThreshold('2s', 'warning');
  const greeting = parseThreshold('greeting=1s', 'critical');
  const days = parseThreshold('cert-days=30', 'warning');

  it('when a time equals its threshold then it is fine, and a hair above it triggers', () => {
    expect(breaches(total, 2_000)).toBe(false);
    expect(breaches(total, 2_000.001)).toBe(true);
    expect(breaches(total, 1_999.999)).toBe(false);
    expect(breaches(greeting, 1_000)).toBe(false);
    expect(breaches(greeting, 1_000.5)).toBe(true);
  });

  it('when the days left equal the threshold then it is fine, and one day fewer triggers', () => {
    expect(breaches(days, 30)).toBe(false);
    expect(breaches(days, 31)).toBe(false);
    expect(breaches(days, 29)).toBe(true);
    expect(breaches(days, -1)).toBe(true);
  });

  it('when measures sit exactly on every threshold then nothing is breached', () => {
    const tls = parseThreshold('ehlo_tls=300ms', 'critical');
    expect(evaluateThresholds([total, greeting, days, tls], MEASURES)).toEqual([]);
  });

  it('when measures pass their thresholds then each breach carries its value', () => {
    const thresholds = [
      parseThreshold('1999ms', 'critical'),
      parseThreshold('greeting=999ms', 'warning'),
      parseThreshold('cert-days=31', 'critical'),
    ];
    const found = evaluateThresholds(thresholds, MEASURES);
    expect(found.map((breach) => [breach.threshold.source, breach.value])).toEqual([
      ['1999ms', 2_000],
      ['greeting=999ms', 1_000],
      ['cert-days=31', 30],
    ]);
  });

  it('when the run lacks a measure (no TLS, stage not reached) then it is not judged', () => {
    const measures: Measures = { totalMs: 10, stages: [], certDays: undefined };
    const thresholds = [parseThreshold('quit=1ms', 'critical'), days];
    expect(evaluateThresholds(thresholds, measures)).toEqual([]);
  });
});
