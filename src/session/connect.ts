/**
 * The connect stage: resolve the host, try its addresses in turn as telnet
 * does, and start implicit TLS when asked.
 */
import { ConnectError, type ProbeError } from '../errors.js';
import { SmtpConnection } from '../transport/connection.js';
import { connectTcp, resolveAddresses } from '../transport/dial.js';
import type { SessionObserver } from './events.js';
import type { ProbeOptions } from './options.js';
import type { StageTiming } from './session.js';

/** An open connection and what it took to get there. */
export interface Connected {
  readonly connection: SmtpConnection;
  readonly connectedAt: number;
  readonly timings: StageTiming[];
}

/** Resolves the target and connects to the first address that answers. */
export async function openConnection(
  options: ProbeOptions,
  observe: SessionObserver,
  signal?: AbortSignal,
): Promise<Connected> {
  const { target, timeouts } = options;
  const timings: StageTiming[] = [];

  const resolveStart = performance.now();
  const addresses = await resolveAddresses(target, timeouts.resolveMs, signal, options);
  if (!target.isAddressLiteral) {
    const ms = performance.now() - resolveStart;
    timings.push({ stage: 'resolve', label: 'resolve', ms, secure: false });
    observe({ type: 'resolved', host: target.host, addresses, ms });
  }

  let lastError: ProbeError | undefined;
  for (const address of addresses) {
    observe({ type: 'connecting', address, port: target.port });
    const connectStart = performance.now();
    try {
      const socket = await connectTcp(address, target.port, timeouts.connectMs, signal);
      const connectedAt = performance.now();
      const ms = connectedAt - connectStart;
      timings.push({ stage: 'connect', label: 'connect', ms, secure: false });

      const connection = new SmtpConnection(socket);
      const localAddress = connection.localAddress;
      observe({ type: 'connected', address, port: target.port, localAddress, ms });
      return { connection, connectedAt, timings };
    } catch (error) {
      // An interruption or the deadline ends the search; a refused address does not.
      if (signal?.aborted) throw error;
      lastError = error as ProbeError;
      if (addresses.length > 1) observe({ type: 'connect-failed', message: lastError.message });
    }
  }

  if (lastError instanceof ConnectError && onlyIPv6(target.isAddressLiteral, addresses)) {
    throw new ConnectError(
      `${target.host} has only IPv6 addresses and none is reachable from here: ` +
        lastError.message,
      { cause: lastError, hint: 'this machine may have no IPv6 route; probe from one that has' },
    );
  }
  throw lastError ?? new ConnectError(`no address found for ${target.host}`, {});
}

// A name that resolved to IPv6 addresses only: from an IPv4-only network
// it cannot be reached at all, which is worth saying in so many words.
function onlyIPv6(isAddressLiteral: boolean, addresses: readonly string[]): boolean {
  // These are addresses already: a colon tells IPv6 (net.isIPv6 costs ~5 ms the first time).
  return !isAddressLiteral && addresses.length > 0 && addresses.every((a) => a.includes(':'));
}
