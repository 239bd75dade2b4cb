import { describe, expect, it } from 'vitest';
import {
  matchesMxPattern,
  parseMtaStsPolicy,
  parseMtaStsRecords,
} from '../../src/session/mta-sts-policy.js';

describe('MTA-STS texts', () => {
  it('when a wildcard pattern is matched then it covers exactly one label', () => {
    expect(matchesMxPattern('mx.example.test', '*.example.test')).toBe(true);
    expect(matchesMxPattern('a.mx.example.test', '*.example.test')).toBe(false);
    expect(matchesMxPattern('example.test', '*.example.test')).toBe(false);
    expect(matchesMxPattern('MX.Example.Test.', 'mx.example.test')).toBe(true);
  });

  it('when the policy has LF lines and two mx then both are kept', () => {
    const policy = parseMtaStsPolicy(
      'version: STSv1\nmode: testing\nmx: a.test\nmx: *.b.test\nmax_age: 600\n',
    );
    expect(policy).toEqual({
      version: 'STSv1',
      mode: 'testing',
      mx: ['a.test', '*.b.test'],
      maxAge: 600,
      problems: [],
    });
  });

  it('when max_age is over a year and the mode unknown then both are problems', () => {
    const policy = parseMtaStsPolicy(
      'version: STSv1\r\nmode: strict\r\nmx: a.test\r\nmax_age: 99999999\r\n',
    );
    expect(policy.problems).toEqual([
      'mode is strict, not enforce, testing or none',
      'max_age is 99999999, not a number of seconds up to 31557600',
    ]);
  });

  it('when the TXT records hold two STSv1 records then there is no policy', () => {
    expect(parseMtaStsRecords(['v=STSv1; id=1', 'v=STSv1; id=2'])).toMatch(/more than one/);
    expect(parseMtaStsRecords(['v=spf1 -all'])).toBeUndefined();
    expect(parseMtaStsRecords(['v=STSv1; id=abc123'])).toEqual({ id: 'abc123' });
    expect(parseMtaStsRecords(['v=STSv1;'])).toMatch(/no valid id/);
  });
});
