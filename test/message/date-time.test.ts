import { describe, expect, it } from 'vitest';
import { formatDateTime } from '../../src/message/date-time.js';

describe('formatDateTime', () => {
  it('when formatted then it is the RFC 5322 date-time in UTC', () => {
    expect(formatDateTime(new Date(Date.UTC(2026, 11, 4, 17, 15, 0)))).toBe(
      'Fri, 04 Dec 2026 17:15:00 +0000',
    );
  });

  it('when fields are single digits then they are padded to two', () => {
    expect(formatDateTime(new Date(Date.UTC(2027, 0, 3, 4, 5, 6)))).toBe(
      'Sun, 03 Jan 2027 04:05:06 +0000',
    );
  });
});
