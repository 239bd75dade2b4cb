/**
 * Name resolution and the TCP connect, each bounded in time and each with
 * its own error, so that "no such host" never reads like "port closed".
 */
import { lookup } from 'node:dns/promises';
import { connect, type Socket } from 'node:net';
import {
  abortError,
  ConnectError,
  ConnectionLostError,
  ProbeError,
  ResolveError,
  TimeoutError,
} from '../errors.js';
import { lookupAddresses, type AddressFamily } from '../dns/addresses.js';
import type { Resolver } from '../dns/resolver.js';
import { formatDuration } from '../output/duration.js';
import { formatHostPort, type Target } from './target.js';

/** How a name becomes addresses: smtp-probe's resolver, else the system's lookup. */
export interface Resolution {
  readonly resolver?: Resolver | undefined;
  readonly family?: AddressFamily;
}

/**
 * Looks up every address of the target's host, in the resolver's order.
 * Without a resolver of its own (--dns-server), smtp-probe asks the system
 * as every other program does, /etc/hosts and nsswitch.conf included; with
 * one, only that DNS server is asked, which is the point of naming it.
 */
export async function resolveAddresses(
  target: Target,
  timeoutMs: number,
  signal?: AbortSignal,
  resolution: Resolution = {},
): Promise<string[]> {
  if (target.isAddressLiteral) return [target.host];
  const { resolver, family } = resolution;
  if (resolver) {
    const found = await lookupAddresses(resolver, target.host, family, signal);
    return [...found.addresses];
  }

  // A lookup cannot be cancelled; on abort it is left to finish unheard.
  const found = Promise.race([
    lookup(target.host, { all: true, verbatim: true, family: family ?? 0 }),
    abortion(signal, `the addresses of ${target.host}`),
  ]);
  const addresses = await withTimeout(found, timeoutMs, () => {
    return new TimeoutError(
      `resolving ${target.host} took longer than ${formatDuration(timeoutMs)}`,
      timeoutMs,
      { stage: 'resolve', hint: 'check the resolver in /etc/resolv.conf' },
    );
  }).catch((error: unknown) => {
    if (error instanceof ProbeError) throw error;
    throw resolveFailure(target.host, error);
  });

  return addresses.map((entry) => entry.address);
}

function refuseLookup(
  hostname: string,
  _options: unknown,
  callback: (error: Error | null, address: string, family: number) => void,
): void {
  callback(new Error(`"${hostname}" is not an address: no name is looked up here`), '', 0);
}

/** Opens a TCP connection to one address, failing after timeoutMs or on abort. */
export function connectTcp(
  address: string,
  port: number,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<Socket> {
  return new Promise((resolve, reject) => {
    // The abort is handled here, for the connect alone: net's own signal
    // option would destroy the socket at any later point of the session too.
    // Names were resolved before (by the system, or by --dns-server alone):
    // should anything but an address reach here, no lookup may follow.
    const socket = connect({ host: address, port, noDelay: true, lookup: refuseLookup });
    const onAbort = (): void => {
      socket.destroy(new Error('aborted'));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    const where = formatHostPort(address, port);

    const timer = setTimeout(() => {
      socket.destroy();
      reject(
        new TimeoutError(
          `no TCP answer from ${where} after ${formatDuration(timeoutMs)}`,
          timeoutMs,
          {
            stage: 'connect',
            hint: 'a firewall may be dropping the packets, or the host is down',
          },
        ),
      );
    }, timeoutMs);

    socket.once('connect', () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      socket.removeAllListeners('error');
      resolve(socket);
    });
    socket.once('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      socket.destroy();
      if (signal?.aborted) {
        reject(abortError(signal.reason, 'connect', `the connection to ${where}`));
      } else {
        reject(connectFailure(where, error));
      }
    });
  });
}

function resolveFailure(host: string, error: unknown): ResolveError {
  const code = (error as NodeJS.ErrnoException).code;
  const reason =
    code === 'ENOTFOUND'
      ? 'no such host'
      : code === 'EAI_AGAIN'
        ? 'temporary DNS failure'
        : ((error as Error).message ?? String(error));
  return new ResolveError(`cannot resolve ${host}: ${reason}`, {
    cause: error,
    hint: code === 'EAI_AGAIN' ? 'the resolver did not answer; try again' : 'check the spelling',
  });
}

const CONNECT_REASONS: Record<string, [reason: string, hint: string]> = {
  ECONNREFUSED: [
    'connection refused',
    'nothing listens on that port; check the port and the service',
  ],
  EHOSTUNREACH: ['host unreachable', 'check the address and the routing to it'],
  ENETUNREACH: ['network unreachable', 'this machine has no route to that network (IPv6?)'],
  ETIMEDOUT: ['connection timed out', 'a firewall may be dropping the packets'],
  EADDRNOTAVAIL: ['address not available', 'the address cannot be used from this machine'],
};

function connectFailure(where: string, error: NodeJS.ErrnoException): ProbeError {
  // A reset can race the connect: whether Node saw the connection first or
  // not, the server took it and dropped it, so the verdict is the same.
  if (error.code === 'ECONNRESET') {
    return new ConnectionLostError(
      `connection reset by the server before any greeting (right after connect to ${where})`,
      { stage: 'greeting', cause: error },
    );
  }

  const [reason, hint] = CONNECT_REASONS[error.code ?? ''] ?? [error.message, undefined];
  return new ConnectError(`cannot connect to ${where}: ${reason}`, { cause: error, hint });
}

function abortion(signal: AbortSignal | undefined, waitingFor: string): Promise<never> {
  return new Promise((_, reject) => {
    signal?.addEventListener('abort', () => {
      reject(abortError(signal.reason, 'resolve', waitingFor));
    });
  });
}

function withTimeout<T>(promise: Promise<T>, ms: number, onTimeout: () => Error): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expiry = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(onTimeout()), ms);
  });
  return Promise.race([promise, expiry]).finally(() => clearTimeout(timer));
}
