/**
 * The greeting and the hello stage: EHLO, with the RFC 5321 §3.2 fallback to
 * HELO for servers that do not speak ESMTP.
 */
import { hostname } from 'node:os';
import { isIP } from 'node:net';
import { ExtensionSet, parseExtensions } from '../protocol/extensions.js';
import type { Reply } from '../protocol/reply.js';
import { requireCode } from './expect.js';
import type { Session } from './session.js';

// 500 (unrecognised) and 502 (not implemented) mean "no ESMTP here"; any
// other refusal, 421 above all, is an answer to be reported, not retried.
const NO_ESMTP_CODES = new Set([500, 502]);

// A fully qualified domain: two or more labels of letters, digits and inner hyphens.
const LABEL = '[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?';
const DOMAIN = new RegExp(`^(?=.{1,253}$)${LABEL}(\\.${LABEL})+$`);

/** Reads the greeting and insists on 220 (another 2xx passes with a warning). */
export async function greet(session: Session, timeoutMs: number): Promise<Reply> {
  const greeting = await session.readGreeting(timeoutMs);
  if (greeting.code === 220) return greeting;

  if (greeting.code >= 200 && greeting.code < 300) {
    const message = `greeting is ${greeting.code}, not 220`;
    session.emit({ type: 'warning', warning: { code: 'greeting-code', message } });
    return greeting;
  }
  requireCode('greeting', greeting, 220, undefined, greetingHint(greeting));
  return greeting;
}

/**
 * Says EHLO and returns the advertised extensions; falls back to HELO when
 * the server does not know EHLO, and then reports that none are known.
 */
export async function hello(
  session: Session,
  name: string,
  timeoutMs: number,
): Promise<ExtensionSet> {
  const ehlo = await session.send('ehlo', 'EHLO', name, timeoutMs);
  if (ehlo.code === 250) return parseExtensions(ehlo);
  if (!NO_ESMTP_CODES.has(ehlo.code)) requireCode('ehlo', ehlo, 250, `EHLO ${name}`);

  const helo = await session.send('ehlo', 'HELO', name, timeoutMs);
  requireCode('ehlo', helo, 250, `HELO ${name}`);

  session.emit({
    type: 'note',
    text: 'the server does not support ESMTP (EHLO refused, HELO accepted): no extensions known',
  });
  return new ExtensionSet([]);
}

/**
 * The name to say EHLO with when none is given: this host's name when it is
 * a fully qualified domain, else the address literal of the local end of the
 * connection, as RFC 5321 §4.1.4 asks of a client without a meaningful name.
 */
export function defaultEhloName(localAddress: string, hostName = hostname()): string {
  if (DOMAIN.test(hostName) && !hostName.endsWith('.localdomain')) return hostName;

  const address = localAddress.replace(/^::ffff:/, '');
  if (address === '') return '[127.0.0.1]';
  // An address with a colon is IPv6 (no need for net.isIPv6's costly regex).
  return address.includes(':') ? `[IPv6:${address}]` : `[${address}]`;
}

/** Checks a user-given EHLO name: a domain or an address literal, nothing else. */
export function isValidEhloName(name: string): boolean {
  // An address literal holds RFC 5321 dcontent: printable ASCII but [ \ ].
  return (
    DOMAIN.test(name) || /^[A-Za-z0-9-]+$/.test(name) || /^\[[\x21-\x5a\x5e-\x7e]+\]$/.test(name)
  );
}

/** Checks a name for SNI: a host name (RFC 6066 §3 allows no addresses there). */
export function isValidServerName(name: string): boolean {
  return isIP(name) === 0 && (DOMAIN.test(name) || /^[A-Za-z0-9-]+$/.test(name));
}

function greetingHint(greeting: Reply): string {
  if (greeting.code === 421) return 'the server is busy or limiting connections; try again later';
  return 'the server refuses SMTP service to this client; its text usually says why';
}
