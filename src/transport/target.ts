/**
 * The target a user names on the command line: `host`, `host:port`,
 * `[IPv6]:port`, `smtp://host[:port]` or `smtps://host[:port]`.
 */
import { isIP, isIPv6 } from 'node:net';
import { domainToASCII } from 'node:url';
import { UsageError } from '../errors.js';

/** Where to connect and whether TLS starts before the greeting. */
export interface Target {
  /** Host name (ASCII) or IP address, without brackets. */
  readonly host: string;
  readonly port: number;
  /** Implicit TLS (SMTPS, RFC 8314): the handshake comes before the greeting. */
  readonly implicitTls: boolean;
  /** True when host is an IP address rather than a name. */
  readonly isAddressLiteral: boolean;
}

/** Options that can also set what the target string says. */
export interface TargetOptions {
  readonly port?: number | undefined;
  readonly tls?: boolean | undefined;
}

const SMTP_PORT = 25;
const SMTPS_PORT = 465;
const HOST_NAME = /^[A-Za-z0-9_]([A-Za-z0-9_.-]*[A-Za-z0-9_.])?$/;

/** Parses a target string; every mistake is a UsageError that says what to write. */
export function parseTarget(spec: string, options: TargetOptions = {}): Target {
  const { scheme, authority } = splitScheme(spec.trim());
  const { host, port } = splitHostPort(authority, spec);

  const implicitTls = decideTls(scheme, options.tls);
  if (port !== undefined && options.port !== undefined && port !== options.port) {
    throw new UsageError(`the target says port ${port} but --port says ${options.port}`);
  }

  return {
    host,
    port: port ?? options.port ?? (implicitTls ? SMTPS_PORT : SMTP_PORT),
    implicitTls,
    isAddressLiteral: isIP(host) !== 0,
  };
}

/** Writes host and port the way they are typed: `[::1]:25`, `mx.example.test:25`. */
export function formatHostPort(host: string, port: number): string {
  // Only an IPv6 address holds a colon; net.isIPv6 would compile its large
  // regular expression on the first call, ~5 ms of every run's start-up.
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

// An IPv6 address has at least two colons; host:port has one.
function hasTwoColons(text: string): boolean {
  return text.indexOf(':') !== text.lastIndexOf(':');
}

/** Parses a port number given on its own (the --port option). */
export function parsePort(text: string): number {
  const port = /^\d{1,5}$/.test(text) ? Number(text) : NaN;
  if (!(port >= 1 && port <= 65535)) {
    throw new UsageError(`invalid port "${text}": expected a number from 1 to 65535`);
  }
  return port;
}

function splitScheme(spec: string): { scheme: string | undefined; authority: string } {
  const match = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/(.*)$/.exec(spec);
  if (!match) return { scheme: undefined, authority: spec };

  const scheme = match[1]!.toLowerCase();
  if (scheme !== 'smtp' && scheme !== 'smtps') {
    throw new UsageError(`unknown scheme "${scheme}://": use smtp:// or smtps://`);
  }
  return { scheme, authority: match[2]!.replace(/\/$/, '') };
}

function splitHostPort(authority: string, spec: string): { host: string; port?: number } {
  if (authority === '') throw new UsageError('no target host given');
  if (/[/?#@\s]/.test(authority)) {
    throw new UsageError(`invalid target "${spec}": expected host, host:port or [IPv6]:port`);
  }

  if (authority.startsWith('[')) return splitBracketed(authority, spec);
  if (hasTwoColons(authority) && isIPv6(authority)) {
    return { host: checkUnambiguous(authority, spec) };
  }

  const colon = authority.lastIndexOf(':');
  if (colon === -1) return { host: checkHostName(authority, spec) };
  if (authority.indexOf(':') !== colon) {
    throw new UsageError(`invalid target "${spec}": write an IPv6 address in brackets, [::1]:25`);
  }
  return {
    host: checkHostName(authority.slice(0, colon), spec),
    port: parsePort(authority.slice(colon + 1)),
  };
}

// `::1:2525` is a valid IPv6 address, but far more often a typo for
// [::1]:2525; probing a different host than meant is worse than asking.
// The head before the last group may end in ':' (`2001:db8::2525`): then
// it is read with the elided zeros restored, `2001:db8::`.
function checkUnambiguous(address: string, spec: string): string {
  const colon = address.lastIndexOf(':');
  const tail = address.slice(colon + 1);
  const head = address.slice(0, colon);
  const host = head.endsWith(':') ? `${head}:` : head;
  // One digit is left alone: `::1` is the loopback address, not port 1.
  if (/^\d{2,5}$/.test(tail) && isIPv6(host)) {
    throw new UsageError(
      `ambiguous target "${spec}": write [${host}]:${tail} for port ${tail}, ` +
        `or [${address}] for that address on port 25`,
    );
  }
  return address;
}

function splitBracketed(authority: string, spec: string): { host: string; port?: number } {
  const close = authority.indexOf(']');
  const host = authority.slice(1, close);
  if (close === -1 || !isIPv6(host)) {
    throw new UsageError(`invalid target "${spec}": brackets must hold an IPv6 address`);
  }

  const rest = authority.slice(close + 1);
  if (rest === '') return { host };
  if (!rest.startsWith(':')) throw new UsageError(`invalid target "${spec}": expected [IPv6]:port`);
  return { host, port: parsePort(rest.slice(1)) };
}

function checkHostName(name: string, spec: string): string {
  if (isIP(name) !== 0) return name;

  // An internationalised name is sent to the resolver in its ASCII form.
  const ascii = /^[\x20-\x7e]*$/.test(name) ? name : domainToASCII(name);
  if (ascii === '' || ascii.length > 253 || !HOST_NAME.test(ascii)) {
    throw new UsageError(`invalid host name in target "${spec}"`);
  }
  return ascii.replace(/\.$/, '');
}

function decideTls(scheme: string | undefined, tlsOption: boolean | undefined): boolean {
  if (scheme === 'smtp' && tlsOption) {
    throw new UsageError(
      'smtp:// means plain SMTP but --tls asks for implicit TLS',
      'use smtps://',
    );
  }
  return scheme === 'smtps' || tlsOption === true;
}
