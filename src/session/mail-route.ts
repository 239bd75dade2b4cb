/**
 * Where mail for a domain goes (RFC 5321 §5.1): its MX records in order of
 * preference; without any, the domain itself as an implicit MX; with the
 * null MX of RFC 7505, nowhere at all.
 */
import { isIP } from 'node:net';
import { requireNoError, type Resolver } from '../dns/resolver.js';
import type { ProtocolWarning } from '../protocol/reply.js';

/** One MX record as published. */
export interface MxRecord {
  readonly preference: number;
  /** The exchange's name without the trailing dot; '' for the null MX. */
  readonly exchange: string;
}

/** The hosts mail for the domain is delivered to, most preferred first. */
export interface MailRoute {
  readonly domain: string;
  /** The MX records in the order the DNS server gave them. */
  readonly records: readonly MxRecord[];
  /** `0 .` (RFC 7505): the domain accepts no mail. */
  readonly nullMx: boolean;
  /** No MX records: the domain's own addresses serve as an implicit MX. */
  readonly implicit: boolean;
  /** The AD bit of the MX answer. */
  readonly authenticated: boolean;
  readonly hosts: readonly MxRecord[];
  readonly warnings: readonly ProtocolWarning[];
}

/**
 * Looks up the MX records and orders them. Equal preferences keep the
 * order the server gave: a sending MTA shuffles them (RFC 5321 §5.1), but
 * a diagnosis reads best when the same question gives the same table.
 */
export async function findMailRoute(
  resolver: Resolver,
  domain: string,
  signal?: AbortSignal,
): Promise<MailRoute> {
  const answer = requireNoError(await resolver.query(domain, 'MX', signal));
  const records = answer.records.flatMap((record) =>
    record.type === 'MX'
      ? [
          {
            preference: record.data.preference ?? 0,
            exchange: record.data.exchange.replace(/\.$/, ''),
          },
        ]
      : [],
  );
  const route = { domain, records, authenticated: answer.authenticated };

  if (records.length === 0) {
    const hosts = [{ preference: 0, exchange: domain }];
    return { ...route, nullMx: false, implicit: true, hosts, warnings: [] };
  }
  const nullMx = records.some((record) => record.exchange === '');
  const hosts = [...records]
    .filter((record) => record.exchange !== '')
    .sort((a, b) => a.preference - b.preference);
  return {
    ...route,
    nullMx,
    implicit: false,
    hosts: nullMx ? [] : hosts,
    warnings: judge(records),
  };
}

function judge(records: readonly MxRecord[]): ProtocolWarning[] {
  const warnings: ProtocolWarning[] = [];
  if (records.some((record) => record.exchange === '') && records.length > 1) {
    const message =
      'the domain publishes the null MX beside other MX records, which RFC 7505 §3 forbids: ' +
      'treated as accepting no mail';
    warnings.push({ code: 'null-mx-mixed', message });
  }
  for (const { exchange } of records) {
    if (isIP(exchange) === 0) continue;
    const message =
      `the MX ${exchange} is an IP address, not a host name (RFC 5321 §5.1): ` +
      'many senders will not deliver to it; probed as the address it names';
    warnings.push({ code: 'mx-ip-literal', message });
  }
  return warnings;
}
