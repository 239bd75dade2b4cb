/**
 * smtp-probe's own DNS client: one question at a time to the chosen
 * servers, over UDP with a retry on silence and TCP when the response is
 * truncated. Unlike Node's resolver it reports the response code as the
 * server gave it and the AD bit (RFC 4035 §3.2.3), which DANE and MTA-STS
 * checks can build on.
 */
import type { Answer, DecodedPacket, RecordType } from 'dns-packet';
import { abortError, ResolveError } from '../errors.js';
import { formatDuration } from '../output/duration.js';
import { ExchangeFailure } from './failure.js';
import { formatDnsServer, type DnsServer } from './server-address.js';

/** How a question was answered, in the words of RFC 8499 §3. */
export type DnsStatus =
  | 'answer'
  | 'nodata'
  | 'nxdomain'
  | 'servfail'
  | 'refused'
  | 'error'
  /** A CNAME chain in the answer that loops or goes on too long. */
  | 'bad-alias';

/** The records of one type for one name, and how they came. */
export interface DnsAnswer {
  readonly name: string;
  readonly type: RecordType;
  readonly status: DnsStatus;
  /** The response code as named by IANA: NOERROR, NXDOMAIN, SERVFAIL… */
  readonly rcode: string;
  /** The AD bit: the server validated the answer with DNSSEC. */
  readonly authenticated: boolean;
  /** Records of the asked type (the end of any CNAME chain). */
  readonly records: readonly Answer[];
  /** Names the question was an alias of, in chain order. */
  readonly aliases: readonly string[];
  /** What is wrong with the alias chain, for the status bad-alias. */
  readonly aliasProblem?: string | undefined;
  readonly server: DnsServer;
}

/** How long and how often to ask. */
export interface ResolverLimits {
  /** The wait for each try. */
  readonly timeoutMs: number;
  /** Tries per question, rotating over the servers. */
  readonly tries: number;
}

// RFC 1035 §4.1.1 response codes smtp-probe tells apart.
const RCODES: Record<number, [rcode: string, status: DnsStatus]> = {
  0: ['NOERROR', 'answer'],
  2: ['SERVFAIL', 'servfail'],
  3: ['NXDOMAIN', 'nxdomain'],
  5: ['REFUSED', 'refused'],
};

/** Asks the given servers; every failure is a ResolveError (exit 3) in words. */
export class Resolver {
  readonly servers: readonly DnsServer[];
  readonly limits: ResolverLimits;

  constructor(servers: readonly DnsServer[], limits: ResolverLimits) {
    if (servers.length === 0) throw new ResolveError('no DNS server to ask', {});
    this.servers = servers;
    this.limits = limits;
  }

  /** Asks for one type of record; NXDOMAIN, NODATA and SERVFAIL come back as statuses. */
  async query(name: string, type: RecordType, signal?: AbortSignal): Promise<DnsAnswer> {
    const { tries, timeoutMs } = this.limits;
    let last: ExchangeFailure | undefined;

    for (let attempt = 0; attempt < tries; attempt += 1) {
      const server = this.servers[attempt % this.servers.length]!;
      try {
        return toAnswer(name, type, server, await this.ask(server, name, type, signal));
      } catch (error) {
        if (!(error instanceof ExchangeFailure)) throw error;
        if (error.reason === 'aborted') {
          throw abortError(signal?.reason, 'resolve', `the ${type} records of ${name}`);
        }
        last = error;
      }
    }

    const where = this.servers.map(formatDnsServer).join(', ');
    const silent = last?.reason === 'timeout';
    const what = silent ? `no answer from ${where}` : `${where} failed: ${last?.message}`;
    const tried = `${tries} ${tries === 1 ? 'try' : 'tries'} of ${formatDuration(timeoutMs)}`;
    throw new ResolveError(`cannot resolve ${name} (${type}): ${what} after ${tried}`, {
      cause: last,
      hint: 'check that the DNS server (--dns-server, or /etc/resolv.conf) runs and is reachable',
    });
  }

  // The wire code (dns-packet) is loaded with the first question: a probe
  // that asks none, the usual one, never pays for it.
  private async ask(
    server: DnsServer,
    name: string,
    type: RecordType,
    signal: AbortSignal | undefined,
  ): Promise<DecodedPacket> {
    const { askServer } = await import('./exchange.js');
    return askServer(server, name, type, this.limits.timeoutMs, signal);
  }
}

/** The words for a status, for messages: "no such domain (NXDOMAIN)". */
export function describeStatus(answer: DnsAnswer): string {
  switch (answer.status) {
    case 'answer':
      return `${answer.records.length} ${answer.type} records`;
    case 'nodata':
      return `the name exists but has no ${answer.type} records (NODATA)`;
    case 'nxdomain':
      return 'no such domain (NXDOMAIN)';
    case 'servfail':
      return 'the DNS server could not answer (SERVFAIL), often a DNSSEC or delegation fault';
    case 'refused':
      return 'the DNS server refused the question (REFUSED)';
    case 'error':
      return `the DNS server answered ${answer.rcode}`;
    case 'bad-alias':
      return answer.aliasProblem ?? 'the alias chain is broken';
  }
}

/** Throws a ResolveError unless the name exists (NOERROR, with or without records). */
export function requireNoError(answer: DnsAnswer): DnsAnswer {
  if (answer.status === 'answer' || answer.status === 'nodata') return answer;
  const hint =
    answer.status === 'nxdomain'
      ? 'check the spelling of the domain'
      : 'try again, or another server';
  return failAnswer(answer, hint);
}

/** The data of an address, name or text record as a string (A, AAAA, PTR, CNAME, TXT). */
export function recordText(record: Answer): string {
  if (!('data' in record)) return '';
  const { data } = record;
  if (typeof data === 'string') return data;
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  if (Array.isArray(data)) return data.map((part) => part.toString()).join('');
  return JSON.stringify(data);
}

function failAnswer(answer: DnsAnswer, hint: string): never {
  const server = formatDnsServer(answer.server);
  throw new ResolveError(
    `cannot resolve ${answer.name} (${answer.type}): ${describeStatus(answer)} from ${server}`,
    { hint },
  );
}

function toAnswer(
  name: string,
  type: RecordType,
  server: DnsServer,
  packet: DecodedPacket,
): DnsAnswer {
  const code = (packet.flags ?? 0) & 0xf;
  const [rcode, status] = RCODES[code] ?? [`RCODE ${code}`, 'error' as const];
  const answers = packet.answers ?? [];
  const chain = followAliases(name, answers);
  // Only records owned by the name asked, or by the end of its alias
  // chain, answer the question: any others are not about it.
  const records = answers.filter(
    (record) => record.type === type && sameName(record.name, chain.end),
  );
  const found = status === 'answer' && records.length === 0 ? 'nodata' : status;
  return {
    name,
    type,
    status: chain.problem ? 'bad-alias' : found,
    rcode,
    authenticated: packet.flag_ad,
    records: chain.problem ? [] : records,
    aliases: chain.aliases,
    aliasProblem: chain.problem,
    server,
  };
}

/** More aliases than this in a row is no real chain (resolvers give up near here too). */
const MAX_ALIASES = 16;

// The CNAME chain from the name asked (RFC 1034 §3.6.2), link by link.
function followAliases(
  name: string,
  answers: readonly Answer[],
): { end: string; aliases: string[]; problem: string | undefined } {
  const aliases: string[] = [];
  const seen = new Set<string>();
  let end = name;
  for (;;) {
    const link = answers.find((record) => record.type === 'CNAME' && sameName(record.name, end));
    if (link === undefined) return { end, aliases, problem: undefined };

    seen.add(canonical(end));
    aliases.push(link.name);
    end = recordText(link);
    const path = [...aliases, end].join(' → ');
    if (seen.has(canonical(end))) {
      return { end, aliases, problem: `the alias chain loops: ${path}` };
    }
    if (aliases.length > MAX_ALIASES) {
      return { end, aliases, problem: `the alias chain is longer than ${MAX_ALIASES}: ${path}` };
    }
  }
}

// DNS names compare without regard to case or a final dot (RFC 4343).
function sameName(left: string, right: string): boolean {
  return canonical(left) === canonical(right);
}

function canonical(name: string): string {
  return name.toLowerCase().replace(/\.$/, '');
}
