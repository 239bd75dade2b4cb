/**
 * Where DNS queries go: the server given with --dns-server, or the
 * system's nameservers as Node reads them from /etc/resolv.conf.
 */
import { getServers } from 'node:dns/promises';
import { isIP, isIPv4, isIPv6 } from 'node:net';
import { UsageError } from '../errors.js';

/** A DNS server's address and port. */
export interface DnsServer {
  /** An IP address, without brackets. */
  readonly address: string;
  readonly port: number;
}

const DNS_PORT = 53;

/** Parses --dns-server: `192.0.2.53`, `192.0.2.53:5353`, `::1` or `[::1]:5353`. */
export function parseDnsServer(text: string): DnsServer {
  const spec = text.trim();
  if (isIP(spec) !== 0) return { address: spec, port: DNS_PORT };

  const match = /^\[([^\]]+)\]:(\d{1,5})$/.exec(spec) ?? /^([^:]+):(\d{1,5})$/.exec(spec);
  const address = match?.[1] ?? '';
  const port = Number(match?.[2]);
  const bracketed = spec.startsWith('[');
  const valid = bracketed ? isIPv6(address) : isIPv4(address);
  if (!match || !valid || !(port >= 1 && port <= 65535)) {
    throw new UsageError(
      `invalid --dns-server "${text}": expected an IP address, ADDRESS:PORT or [IPv6]:PORT`,
      'the DNS server is named by its address, not by a host name',
    );
  }
  return { address, port };
}

/** The system's nameservers (Node reads /etc/resolv.conf when it starts). */
export function systemDnsServers(): DnsServer[] {
  return getServers().map((entry) => parseSystemEntry(entry));
}

// getServers() writes `1.2.3.4`, `1.2.3.4:5353`, `::1` or `[::1]:5353`.
function parseSystemEntry(entry: string): DnsServer {
  if (isIP(entry) !== 0) return { address: entry, port: DNS_PORT };
  const match = /^\[?([^\]]+?)\]?:(\d+)$/.exec(entry);
  return { address: match?.[1] ?? entry, port: Number(match?.[2] ?? DNS_PORT) };
}

/** Writes a server the way --dns-server takes it. */
export function formatDnsServer(server: DnsServer): string {
  return isIPv6(server.address)
    ? `[${server.address}]:${server.port}`
    : `${server.address}:${server.port}`;
}
