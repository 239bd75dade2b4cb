/**
 * Mailbox addresses for MAIL FROM and RCPT TO (RFC 5321 §4.1.2): checked
 * before any connection is made, so that a typo is a usage error, not a
 * server's 501, and nothing typed can smuggle a second command.
 */
import { isIPv4, isIPv6 } from 'node:net';
import { domainToASCII } from 'node:url';
import { UsageError } from '../errors.js';

/** A checked address, in the form it takes inside `<…>` on the wire. */
export interface Mailbox {
  /** `local@domain` (domain in ASCII form), or '' for the null reverse-path `<>`. */
  readonly address: string;
  /** True when the local part is not ASCII: only SMTPUTF8 (RFC 6531) can carry it. */
  readonly needsSmtpUtf8: boolean;
}

// RFC 5321 §4.1.2 atext, and §4.5.3.1.1–2 size limits.
const ATOM = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~\u0080-\uffff-]+$/u;
const MAX_LOCAL_PART = 64;
const MAX_DOMAIN = 255;

/**
 * Parses an address as typed on the command line: `user@example.test`,
 * `<user@example.test>`, a quoted local part, an address literal
 * `user@[192.0.2.1]`; with allowNull, `<>` or '' for the null sender.
 */
export function parseMailbox(input: string, option: string, allowNull = false): Mailbox {
  const fail = (why: string): never => {
    throw new UsageError(`invalid ${option} address "${input}": ${why}`);
  };
  if (/[\r\n\0]/.test(input)) fail('it contains CR, LF or NUL');
  // RFC 5321's qtext and atext allow no controls; format characters and
  // separators would hide what the address really is.
  if (/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u.test(input))
    fail('it contains a control or invisible character');

  const bare = input.trim().replace(/^<(.*)>$/, '$1');
  if (bare === '') {
    if (allowNull) return { address: '', needsSmtpUtf8: false };
    return fail('empty (the null address <> is only allowed as the sender)');
  }

  const at = bare.lastIndexOf('@');
  if (at <= 0 || at === bare.length - 1) fail('expected local-part@domain');
  const localPart = bare.slice(0, at);
  const domain = checkDomain(bare.slice(at + 1), fail);
  checkLocalPart(localPart, fail);

  return { address: `${localPart}@${domain}`, needsSmtpUtf8: !/^[\x20-\x7e]*$/.test(localPart) };
}

function checkLocalPart(localPart: string, fail: (why: string) => never): void {
  if (Buffer.byteLength(localPart) > MAX_LOCAL_PART) {
    fail(`the local part is longer than ${MAX_LOCAL_PART} octets`);
  }
  if (localPart.startsWith('"')) {
    // A quoted string: any printable character, with \ escaping " and \.
    if (!/^"([^"\\\x00-\x1f]|\\[\x20-\x7e])*"$/u.test(localPart)) fail('bad quoted local part');
    return;
  }
  if (!localPart.split('.').every((atom) => ATOM.test(atom))) {
    fail('the local part has characters that need quoting, or an empty dot-separated part');
  }
}

function checkDomain(domain: string, fail: (why: string) => never): string {
  if (domain.startsWith('[')) return checkAddressLiteral(domain, fail);

  // An internationalised domain travels in its ASCII form: no SMTPUTF8 needed.
  const ascii = /^[\x20-\x7e]*$/.test(domain) ? domain : domainToASCII(domain);
  const labels = ascii.split('.');
  const valid = labels.every((label) =>
    /^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/.test(label),
  );
  if (ascii === '' || !valid) fail('the domain is not a valid host name');
  if (ascii.length > MAX_DOMAIN) fail(`the domain is longer than ${MAX_DOMAIN} octets`);
  return ascii;
}

function checkAddressLiteral(literal: string, fail: (why: string) => never): string {
  const inner = literal.match(/^\[(.*)\]$/)?.[1] ?? '';
  const ipv6 = inner.match(/^IPv6:(.*)$/i)?.[1];
  if (ipv6 !== undefined ? isIPv6(ipv6) : isIPv4(inner)) return literal;
  return fail('an address literal must be [192.0.2.1] or [IPv6:2001:db8::1]');
}
