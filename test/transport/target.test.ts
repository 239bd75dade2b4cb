import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.js';
import { formatHostPort, parseTarget } from '../../src/transport/target.js';

describe('parseTarget', () => {
  it.each([
    [
      'mx.example.test',
      { host: 'mx.example.test', port: 25, implicitTls: false, isAddressLiteral: false },
    ],
    [
      'mx.example.test:587',
      { host: 'mx.example.test', port: 587, implicitTls: false, isAddressLiteral: false },
    ],
    [
      '127.0.0.1:2525',
      { host: '127.0.0.1', port: 2525, implicitTls: false, isAddressLiteral: true },
    ],
    ['[::1]:2525', { host: '::1', port: 2525, implicitTls: false, isAddressLiteral: true }],
    [
      '[2001:db8::25]',
      { host: '2001:db8::25', port: 25, implicitTls: false, isAddressLiteral: true },
    ],
    ['::1', { host: '::1', port: 25, implicitTls: false, isAddressLiteral: true }],
    [
      'smtp://mx.example.test',
      { host: 'mx.example.test', port: 25, implicitTls: false, isAddressLiteral: false },
    ],
    [
      'smtps://mx.example.test',
      { host: 'mx.example.test', port: 465, implicitTls: true, isAddressLiteral: false },
    ],
    ['SMTPS://[::1]:4465/', { host: '::1', port: 4465, implicitTls: true, isAddressLiteral: true }],
    [
      'mx.example.test.',
      { host: 'mx.example.test', port: 25, implicitTls: false, isAddressLiteral: false },
    ],
    [
      'bücher.example',
      { host: 'xn--bcher-kva.example', port: 25, implicitTls: false, isAddressLiteral: false },
    ],
  ])('when the target is %s then it is parsed', (spec, expected) => {
    expect(parseTarget(spec)).toEqual(expected);
  });

  it('when --tls is given then the default port is 465', () => {
    expect(parseTarget('mx.example.test', { tls: true })).toMatchObject({
      port: 465,
      implicitTls: true,
    });
  });

  it('when --port is given then it sets the port, and agrees with one in the target', () => {
    expect(parseTarget('mx.example.test', { port: 2525 }).port).toBe(2525);
    expect(parseTarget('mx.example.test:2525', { port: 2525 }).port).toBe(2525);
    expect(() => parseTarget('mx.example.test:25', { port: 2525 })).toThrow(
      'the target says port 25 but --port says 2525',
    );
  });

  it.each([
    ['', 'no target host given'],
    ['http://mx.example.test', 'unknown scheme "http://"'],
    ['mx.example.test:0', 'invalid port "0"'],
    ['mx.example.test:65536', 'invalid port "65536"'],
    ['mx.example.test:smtp', 'invalid port "smtp"'],
    ['2001:db8::25:25x', 'write an IPv6 address in brackets'],
    ['[mx.example.test]:25', 'brackets must hold an IPv6 address'],
    ['[::1]25', 'expected [IPv6]:port'],
    ['user@mx.example.test', 'expected host, host:port or [IPv6]:port'],
    ['mx example', 'expected host, host:port or [IPv6]:port'],
    ['-mx.example.test', 'invalid host name'],
  ])('when the target is %j then it is refused: %s', (spec, message) => {
    expect(() => parseTarget(spec)).toThrow(UsageError);
    expect(() => parseTarget(spec)).toThrow(message);
  });

  it('when a bare IPv6 address ends like a port then it is refused as ambiguous', () => {
    expect(() => parseTarget('::1:2526')).toThrow(
      'ambiguous target "::1:2526": write [::1]:2526 for ' +
        'port 2526, or [::1:2526] for that address on port 25',
    );
    expect(parseTarget('[::1:2526]')).toMatchObject({ host: '::1:2526', port: 25 });
    expect(() => parseTarget('2001:db8::2525')).toThrow('write [2001:db8::]:2525 for port 2525');
    expect(() => parseTarget('1::2526')).toThrow('write [1::]:2526 for port 2526');
    expect(parseTarget('2001:db8::1').host).toBe('2001:db8::1');
    expect(parseTarget('::1').host).toBe('::1');
  });

  it('when smtp:// is combined with --tls then that contradiction is refused', () => {
    expect(() => parseTarget('smtp://mx.example.test', { tls: true })).toThrow(
      'smtp:// means plain SMTP',
    );
  });
});

describe('formatHostPort', () => {
  it('when the host is IPv6 then it is bracketed', () => {
    expect(formatHostPort('::1', 25)).toBe('[::1]:25');
    expect(formatHostPort('127.0.0.1', 25)).toBe('127.0.0.1:25');
  });
});
