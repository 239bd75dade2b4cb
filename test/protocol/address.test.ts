import { describe, expect, it } from 'vitest';
import { parseMailbox } from '../../src/protocol/address.js';

describe('parseMailbox', () => {
  it.each([
    ['user@example.test', 'user@example.test'],
    ['<user@example.test>', 'user@example.test'],
    [' first.last+tag@sub.example.test ', 'first.last+tag@sub.example.test'],
    ['"john doe"@example.test', '"john doe"@example.test'],
    ['"a\\"b"@example.test', '"a\\"b"@example.test'],
    ['user@[192.0.2.1]', 'user@[192.0.2.1]'],
    ['user@[IPv6:2001:db8::1]', 'user@[IPv6:2001:db8::1]'],
    ['user@bücher.example', 'user@xn--bcher-kva.example'],
  ])('when given %s then it is accepted as %s', (input, address) => {
    expect(parseMailbox(input, '--to')).toEqual({ address, needsSmtpUtf8: false });
  });

  it('when the local part is not ASCII then SMTPUTF8 is needed', () => {
    expect(parseMailbox('jörg@example.test', '--to')).toEqual({
      address: 'jörg@example.test',
      needsSmtpUtf8: true,
    });
  });

  it('when the null sender is given then it is allowed only where asked for', () => {
    expect(parseMailbox('<>', '--from', true)).toEqual({ address: '', needsSmtpUtf8: false });
    expect(parseMailbox('', '--from', true).address).toBe('');
    expect(() => parseMailbox('<>', '--to')).toThrow('the null address <> is only allowed');
  });

  it.each([
    ['user@example.test>\r\nRCPT TO:<victim@example.test', 'it contains CR, LF or NUL'],
    ['user\0@example.test', 'it contains CR, LF or NUL'],
    ['"a\x7f\x85b"@example.test', 'a control or invisible character'],
    ['us\u2028er@example.test', 'a control or invisible character'],
    ['us\u200ber@example.test', 'a control or invisible character'],
    ['user.example.test', 'expected local-part@domain'],
    ['@example.test', 'expected local-part@domain'],
    ['user@', 'expected local-part@domain'],
    ['john doe@example.test', 'characters that need quoting'],
    ['a..b@example.test', 'an empty dot-separated part'],
    ['user@exa_mple.test', 'not a valid host name'],
    ['user@-example.test', 'not a valid host name'],
    ['user@[300.1.1.1]', 'address literal'],
    [`${'x'.repeat(65)}@example.test`, 'longer than 64 octets'],
  ])('when given %j then it is refused: %s', (input, why) => {
    expect(() => parseMailbox(input, '--to')).toThrow(why);
    expect(() => parseMailbox(input, '--to')).toThrow(/^invalid --to address /);
  });
});
