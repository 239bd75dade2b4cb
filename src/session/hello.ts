/**
 * The greeting and the hello stage: EHLO, with the RFC 5321 §3.2 fallback to
 * HELO for servers that do not speak ESMTP.
 */
import { hostname } from 'node:os';
import { isIPv6 } from 'node:net';
import { ProtocolError, ReplyError } from '../errors.js';
import { ExtensionSet, parseExtensions } from '../protocol/extensions.js';
import { isPositive, type Reply } from '../protocol/reply.js';
import type { Session } from './session.js';

// 500 (unrecognised) and 502 (not implemented) mean "no ESMTP here"; any
// other refusal, 421 above all, is an answer to be reported, not retried.
const NO_ESMTP_CODES = new Set([500, 502]);

// A fully qualified domain: two or more labels of letters, digits and inner hyphens.
const LABEL = '[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?';
const DOMAIN = new RegExp(`^(?=.{1,253}$)${LABEL}(\\.${LABEL})+$`);

/** Reads the greeting and insists on a positive one. */
export async function greet(session: Session, timeoutMs: number): Promise<Reply> {
  const greeting = await session.readGreeting(timeoutMs);

  if (greeting.code >= 400) {
    throw new ReplyError('greeting', greeting, undefined, greetingHint(greeting));
  }
  if (greeting.code !== 220) {
    if (!isPositive(greeting)) {
      throw new ProtocolError(
        `the greeting carried ${greeting.code}, which is not a greeting code`,
        {
          stage: 'greeting',
        },
      );
    }
    session.emit({
      type: 'warning',
      warning: { code: 'greeting-code', message: `greeting is ${greeting.code}, not 220` },
    });
  }
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
  if (isPositive(ehlo)) return parseExtensions(ehlo);
  if (!NO_ESMTP_CODES.has(ehlo.code)) throw new ReplyError('ehlo', ehlo, `EHLO ${name}`);

  const helo = await session.send('ehlo', 'HELO', name, timeoutMs);
  if (!isPositive(helo)) throw new ReplyError('ehlo', helo, `HELO ${name}`);

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
  return isIPv6(address) ? `[IPv6:${address}]` : `[${address}]`;
}

/** Checks a user-given EHLO name: a domain or an address literal, nothing else. */
export function isValidEhloName(name: string): boolean {
  return DOMAIN.test(name) || /^[A-Za-z0-9-]+$/.test(name) || /^\[[^\][\s]+\]$/.test(name);
}

function greetingHint(greeting: Reply): string {
  if (greeting.code === 421) return 'the server is busy or limiting connections; try again later';
  return 'the server refuses SMTP service to this client; its text usually says why';
}
