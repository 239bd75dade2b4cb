/**
 * A host's addresses through smtp-probe's resolver: AAAA and A asked side
 * by side, IPv6 first as RFC 6724 orders them on a dual-stack host.
 */
import { isIPv4, isIPv6 } from 'node:net';
import { ResolveError } from '../errors.js';
import { describeStatus, recordText, type DnsAnswer, type Resolver } from './resolver.js';

/** Which address families to look up: both, or one (-4, -6). */
export type AddressFamily = 4 | 6 | undefined;

/** A host's addresses and the aliases (CNAMEs) met on the way. */
export interface HostAddresses {
  readonly addresses: readonly string[];
  readonly aliases: readonly string[];
  /** The name at the end of the alias chain, when the host is an alias. */
  readonly canonicalName?: string | undefined;
  /** Every answer that gave addresses had the AD bit: the chain is DNSSEC-validated. */
  readonly authenticated?: boolean;
}

/**
 * Looks up a host's addresses. A family that fails is left out when the
 * other gave addresses; the host fails only when no address is found.
 */
export async function lookupAddresses(
  resolver: Resolver,
  host: string,
  family: AddressFamily,
  signal?: AbortSignal,
): Promise<HostAddresses> {
  const types =
    family === 4 ? (['A'] as const) : family === 6 ? (['AAAA'] as const) : (['AAAA', 'A'] as const);
  const settled = await Promise.allSettled(types.map((type) => resolver.query(host, type, signal)));
  const answers = settled.flatMap((outcome) =>
    outcome.status === 'fulfilled' ? [outcome.value] : [],
  );
  const addresses = answers.flatMap((answer) => usableAddresses(answer));
  if (addresses.length > 0) {
    const aliases = [...new Set(answers.flatMap((answer) => answer.aliases))];
    // The address records are owned by the last name of the chain.
    const owner = answers.flatMap((answer) => answer.records)[0]?.name.replace(/\.$/, '');
    const canonicalName = aliases.length > 0 ? owner : undefined;
    const giving = answers.filter((answer) => usableAddresses(answer).length > 0);
    const authenticated = giving.every((answer) => answer.authenticated);
    return { addresses, aliases, canonicalName, authenticated };
  }

  const failed = settled.find((outcome) => outcome.status === 'rejected');
  if (failed) throw failed.reason;
  throw noAddress(host, answers, family);
}

/**
 * The addresses of an A or AAAA answer that are addresses at all. A
 * damaged record can decode as `127.0.0.undefined` or `::`: the first
 * would be handed to the system resolver as a name, the second would
 * reach this very host. Neither is the target, so neither is tried.
 */
function usableAddresses(answer: DnsAnswer): string[] {
  const valid = answer.type === 'A' ? isIPv4 : isIPv6;
  return answer.records
    .map(recordText)
    .filter((address) => valid(address) && !UNSPECIFIED.has(address));
}

const UNSPECIFIED = new Set(['0.0.0.0', '::']);

function noAddress(
  host: string,
  answers: readonly DnsAnswer[],
  family: AddressFamily,
): ResolveError {
  if (answers.some((answer) => answer.status === 'answer')) {
    return new ResolveError(`cannot resolve ${host}: the DNS answer holds no usable address`, {
      hint: 'the records are malformed (or 0.0.0.0, ::): the DNS server or zone is at fault',
    });
  }
  const broken = answers.find(
    (answer) => answer.status !== 'nodata' && answer.status !== 'nxdomain',
  );
  if (broken) return new ResolveError(`cannot resolve ${host}: ${describeStatus(broken)}`, {});
  if (answers.some((answer) => answer.status === 'nxdomain')) {
    return new ResolveError(`cannot resolve ${host}: no such host (NXDOMAIN)`, {
      hint: 'check the spelling',
    });
  }
  const which = family === 4 ? 'A' : family === 6 ? 'AAAA' : 'A or AAAA';
  return new ResolveError(`cannot resolve ${host}: the name has no ${which} records`, {
    hint: family === undefined ? undefined : `without -${family} the other family is tried too`,
  });
}

/** The name a PTR lookup asks for: 4.3.2.1.in-addr.arpa, or nibbles under ip6.arpa. */
export function reverseName(address: string): string {
  const plain = address.replace(/^::ffff:(?=\d+\.)/, '');
  if (!isIPv6(plain)) return `${plain.split('.').reverse().join('.')}.in-addr.arpa`;
  const nibbles = expandIPv6(plain).replaceAll(':', '').split('');
  return `${nibbles.reverse().join('.')}.ip6.arpa`;
}

/**
 * Compares two addresses as addresses: ::1 equals 0:0:0:0:0:0:0:1, and
 * ::ffff:a.b.c.d equals a.b.c.d.
 */
export function sameAddress(a: string, b: string): boolean {
  const normal = (address: string): string => {
    const plain = address.replace(/^::ffff:(?=\d+\.)/i, '');
    return isIPv6(plain) ? expandIPv6(plain) : plain;
  };
  return normal(a) === normal(b);
}

function expandIPv6(address: string): string {
  // An embedded IPv4 tail (::ffff:192.0.2.1) becomes its two groups.
  const withGroups = address.replace(/(\d+)\.(\d+)\.(\d+)\.(\d+)$/, (_, a, b, c, d) => {
    const hex = (high: string, low: string): string =>
      ((Number(high) << 8) | Number(low)).toString(16);
    return `${hex(a as string, b as string)}:${hex(c as string, d as string)}`;
  });
  const [head = '', tail] = withGroups.toLowerCase().split('::');
  const headGroups = head === '' ? [] : head.split(':');
  const tailGroups = tail === undefined || tail === '' ? [] : tail.split(':');
  const zeros = Array<string>(8 - headGroups.length - tailGroups.length).fill('0');
  const groups = tail === undefined ? headGroups : [...headGroups, ...zeros, ...tailGroups];
  return groups.map((group) => group.padStart(4, '0')).join(':');
}
