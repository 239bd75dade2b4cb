/**
 * DANE for SMTP (RFC 7672): the TLSA records at _PORT._tcp.HOST, whether
 * the DNS server vouched for them with DNSSEC (the AD bit), and whether one
 * matches the chain the server presented. A sender doing DANE delivers
 * only when one does; smtp-probe says what such a sender would do.
 */
import { describeStatus, type DnsAnswer, type Resolver } from '../dns/resolver.js';
import { TlsPolicyError } from '../errors.js';
import type { ProtocolWarning } from '../protocol/reply.js';
import type { TlsSession } from '../transport/tls-session.js';
import {
  formatTlsaParameters,
  matchTlsa,
  type TlsaMatch,
  type TlsaRecord,
} from '../transport/tlsa-match.js';

/**
 * The outcome, in one word: `valid` (a usable record matches), `no-match`,
 * `no-tls` (usable records, but the server offers no STARTTLS),
 * `unauthenticated` (AD bit clear), `unusable` (only records SMTP ignores),
 * `no-records` (DANE not in use) or `lookup-failed`.
 */
export type DaneStatus =
  'valid' | 'no-match' | 'no-tls' | 'unauthenticated' | 'unusable' | 'no-records' | 'lookup-failed';

/** What the DANE check found for one server. */
export interface DaneCheck {
  /** `_25._tcp.mx.example.test`. */
  readonly tlsaName: string;
  readonly status: DaneStatus;
  /** The AD bit of the TLSA answer; false when there was no answer. */
  readonly authenticated: boolean;
  /** The answer's response code (NOERROR, NXDOMAIN…); undefined when none came. */
  readonly rcode: string | undefined;
  readonly matches: readonly TlsaMatch[];
  /** Why the lookup failed (SERVFAIL, no answer). */
  readonly lookupError: string | undefined;
  /** The verdict in plain words: "DANE: valid (3 1 1 matches the server's key)". */
  readonly summary: string;
}

/** Where the TLSA records of a server are (RFC 7672 §2.2.1). */
export function tlsaName(host: string, port: number): string {
  return `_${port}._tcp.${host.replace(/\.$/, '')}`;
}

/**
 * Looks up and judges the TLSA records of host:port against the session's
 * chain, or, when the server offered no STARTTLS (tls undefined), says
 * whether records demand TLS that it lacks; never throws for DNS failures.
 * `referenceNames` are the names the certificate may carry (for an alias:
 * its target and itself, RFC 7672 §2.2.2).
 */
export async function checkDane(
  resolver: Resolver,
  host: string,
  port: number,
  tls: TlsSession | undefined,
  signal?: AbortSignal,
  referenceNames: readonly string[] = [host],
): Promise<DaneCheck> {
  const name = tlsaName(host, port);
  let answer: DnsAnswer;
  try {
    answer = await resolver.query(name, 'TLSA', signal);
  } catch (error) {
    if (signal?.aborted) throw error;
    return failedLookup(name, error instanceof Error ? error.message : String(error));
  }
  if (answer.status !== 'answer' && answer.status !== 'nodata' && answer.status !== 'nxdomain') {
    return failedLookup(name, describeStatus(answer), answer.rcode);
  }

  const records = answer.records.flatMap(toTlsaRecord);
  const hostNames = referenceNames.map((each) => each.replace(/\.$/, ''));
  // Certificates sent that could not be read count as sent: no DANE-TA
  // record is failed on a guess.
  const chain = tls ? { linked: tls.chainDer, sent: tls.sentDer } : { linked: [], sent: [] };
  const matches = records.map((record) => matchTlsa(record, chain, hostNames));
  const found = { tlsaName: name, authenticated: answer.authenticated, rcode: answer.rcode };
  const judged = judge(answer, matches);
  // RFC 7672 §2.2: usable records oblige a sender to TLS; none is on offer.
  const status = tls === undefined && judged === 'no-match' ? 'no-tls' : judged;
  const check = { ...found, status, matches, lookupError: undefined };
  return { ...check, summary: summarise(check) };
}

function judge(answer: DnsAnswer, matches: readonly TlsaMatch[]): DaneStatus {
  if (matches.length === 0) return 'no-records';
  // RFC 7672 §2.2: records that DNSSEC did not validate are as good as none.
  if (!answer.authenticated) return 'unauthenticated';
  if (matches.every((match) => match.unusable !== undefined)) return 'unusable';
  return matches.some((match) => match.matches) ? 'valid' : 'no-match';
}

function summarise(check: Omit<DaneCheck, 'summary'>): string {
  const { tlsaName: name } = check;
  switch (check.status) {
    case 'valid': {
      const match = check.matches.find((match) => match.matches)!;
      const what = describeMatched(match);
      return `DANE: valid (${formatTlsaParameters(match.record)} matches ${what})`;
    }
    case 'no-match':
      return `DANE: TLSA records but none matches the certificate — ${NOT_DELIVERED}`;
    case 'no-tls':
      return (
        `DANE: the TLSA records at ${name} require TLS, but the server offers no ` +
        `STARTTLS — ${NOT_DELIVERED} (RFC 7672 §2.2)`
      );
    case 'unauthenticated':
      return (
        `DANE: records not DNSSEC-authenticated (AD bit clear): a DANE sender ignores the ` +
        `TLSA records at ${name} (RFC 7672 §2.2)`
      );
    case 'unusable':
      return (
        `DANE: the TLSA records at ${name} are all unusable for SMTP: ` + 'DANE gives no protection'
      );
    case 'no-records':
      return `DANE: not in use (no TLSA records at ${name})`;
    case 'lookup-failed':
      return (
        `DANE: the TLSA lookup of ${name} failed (${check.lookupError}): a DANE sender ` +
        'would defer mail to this host rather than send it unauthenticated'
      );
  }
}

function describeMatched(match: TlsaMatch): string {
  if (match.anchorInRecord) return 'the CA certificate the record holds, which the chain leads to';
  if (match.record.usage === 2) return `the CA certificate ${match.matchedIndex} of the chain`;
  return match.record.selector === 1 ? "the server's key" : "the server's certificate";
}

/** One line per record: "TLSA 3 1 1 3f5a…: matches the server's key". */
export function describeTlsaMatch(match: TlsaMatch): string {
  const head = `TLSA ${formatTlsaParameters(match.record)} ${shortHex(match.record.data)}`;
  if (match.unusable) return `${head}: unusable, ${match.unusable}`;
  if (match.anchorInRecord && match.problem) return `${head}: holds the CA, but ${match.problem}`;
  if (match.matchedIndex === undefined && !match.anchorInRecord) {
    return `${head}: matches no certificate of the chain`;
  }
  if (match.problem && match.matchedIndex === 0) return `${head}: ${match.problem}`;
  if (match.problem) return `${head}: names a CA of the chain, but ${match.problem}`;
  return `${head}: matches ${describeMatched(match)}`;
}

// Without TLS there is no chain: each record is only usable or not.
function describeWithoutTls(match: TlsaMatch): string {
  const head = `TLSA ${formatTlsaParameters(match.record)} ${shortHex(match.record.data)}`;
  return match.unusable ? `${head}: unusable, ${match.unusable}` : `${head}: usable`;
}

/** Says what the check found: notes for each record, a warning when DANE would fail. */
export function describeDane(check: DaneCheck): {
  notes: string[];
  warning: ProtocolWarning | undefined;
} {
  const notes =
    check.status === 'no-tls'
      ? check.matches.map(describeWithoutTls)
      : check.matches.map(describeTlsaMatch);
  const quiet = check.status === 'valid' || check.status === 'no-records';
  if (quiet) return { notes: [...notes, check.summary], warning: undefined };
  return { notes, warning: { code: `dane-${check.status}`, message: check.summary } };
}

/** The error --dane-require raises when the check is anything but valid (exit 6). */
export function daneRequiredError(check: DaneCheck): TlsPolicyError {
  const hint =
    check.status === 'no-tls'
      ? 'offer STARTTLS on this server, or withdraw its TLSA records'
      : 'publish DNSSEC-signed TLSA records that match the certificate, ' +
        'or leave out --dane-require';
  // Without STARTTLS there was no TLS stage to fail: the refusal is STARTTLS's.
  return new TlsPolicyError(`--dane-require: ${check.summary.replace(/^DANE: /, '')}`, {
    stage: check.status === 'no-tls' ? 'starttls' : 'tls',
    hint,
  });
}

function failedLookup(name: string, lookupError: string, rcode?: string): DaneCheck {
  const check = {
    tlsaName: name,
    status: 'lookup-failed' as const,
    authenticated: false,
    rcode,
    matches: [],
    lookupError,
  };
  return { ...check, summary: summarise(check) };
}

function toTlsaRecord(answer: DnsAnswer['records'][number]): TlsaRecord[] {
  if (answer.type !== 'TLSA') return [];
  const { usage, selector, matchingType, certificate } = answer.data;
  return [{ usage, selector, matchingType, data: Buffer.from(certificate) }];
}

function shortHex(data: Buffer): string {
  const hex = data.toString('hex');
  return hex.length > 16 ? `${hex.slice(0, 16)}…` : hex;
}

const NOT_DELIVERED = 'a DANE sender would not deliver';
