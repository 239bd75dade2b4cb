import { describe, expect, it } from 'vitest';
import { newProbeId } from '../../src/message/probe-id.js';

const DATE = new Date(Date.UTC(2026, 11, 4, 17, 15, 0, 999));

describe('newProbeId', () => {
  it('when made then it is the UTC second and 8 hex digits', () => {
    expect(newProbeId(DATE)).toMatch(/^20261204T171500Z-[0-9a-f]{8}$/);
  });

  it('when made twice for the same second then the ids differ', () => {
    const ids = new Set(Array.from({ length: 100 }, () => newProbeId(DATE)));
    expect(ids.size).toBe(100);
  });

  it('when made at later times then the ids sort in time order', () => {
    const times = [Date.UTC(2026, 0, 9, 23, 59, 59), Date.UTC(2026, 0, 10), Date.UTC(2026, 10, 1)];
    const ids = times.map((time) => newProbeId(new Date(time)));
    expect([...ids].sort()).toEqual(ids);
  });

  it('when used in a Message-ID then only dot-atom characters appear', () => {
    expect(newProbeId(DATE)).toMatch(/^[A-Za-z0-9-]+$/);
  });
});
