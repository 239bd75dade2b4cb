import { describe, expect, it } from 'vitest';
import { readStaple } from '../../src/transport/ocsp.js';
import { ocspRefusal, ocspResponse } from '../helpers/ocsp.js';

describe('readStaple', () => {
  it('when nothing was stapled then it says so', () => {
    expect(readStaple(null)).toEqual({
      stapled: false,
      bytes: 0,
      status: undefined,
      thisUpdate: undefined,
      nextUpdate: undefined,
    });
  });

  it.each(['good', 'revoked', 'unknown'] as const)(
    'when the response says %s then that status and its dates are read',
    (status) => {
      const response = ocspResponse(status);
      expect(readStaple(response)).toEqual({
        stapled: true,
        bytes: response.length,
        status,
        thisUpdate: '2030-01-01T00:00:00.000Z',
        nextUpdate: '2030-01-08T00:00:00.000Z',
      });
    },
  );

  it('when the responder refused with tryLater then that is the status', () => {
    expect(readStaple(ocspRefusal(3)).status).toBe('tryLater');
  });

  it('when the bytes are no OCSP response then it is stapled but not parsed', () => {
    const junk = Buffer.from('30ff0102', 'hex');
    expect(readStaple(junk)).toMatchObject({ stapled: true, bytes: 4, status: undefined });
  });

  it('when any prefix of a response is stapled then reading it never throws', () => {
    const response = ocspResponse('good');
    for (let length = 1; length < response.length; length++) {
      expect(() => readStaple(response.subarray(0, length))).not.toThrow();
    }
  });
});
