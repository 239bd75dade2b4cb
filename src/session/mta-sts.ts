/**
 * MTA-STS (RFC 8461) for a mail domain: the TXT record that announces a
 * policy, the policy fetched over HTTPS, whether each MX host matches one
 * of its mx patterns, and whether the probe found at each the STARTTLS and
 * the valid certificate a policy demands (§4.2); what a sender applying it
 * would do, in words.
 */
import { lookupAddresses, type AddressFamily } from '../dns/addresses.js';
import { describeStatus, recordText, type Resolver } from '../dns/resolver.js';
import type { ProtocolWarning } from '../protocol/reply.js';
import { fetchPolicy, POLICY_PATH, PolicyFetchError } from '../transport/policy-fetch.js';
import {
  matchesMxPattern,
  parseMtaStsPolicy,
  parseMtaStsRecords,
  type MtaStsPolicy,
} from './mta-sts-policy.js';

/** How the check ended: see summarise() for the words of each. */
export type MtaStsStatus =
  | 'valid'
  | 'mx-mismatch'
  | 'tls-failure'
  | 'invalid-policy'
  | 'invalid-record'
  | 'fetch-failed'
  | 'lookup-failed'
  | 'none';

/** What the check found for one domain. */
export interface MtaStsCheck {
  readonly domain: string;
  readonly status: MtaStsStatus;
  /** The id of the v=STSv1 record; undefined without one. */
  readonly id: string | undefined;
  readonly policyUrl: string;
  readonly policy: MtaStsPolicy | undefined;
  /** Each MX host, whether it matches an mx pattern, and its TLS as probed. */
  readonly hosts: readonly MtaStsHost[];
  /** Why the record or the policy could not be had or used. */
  readonly problem: string | undefined;
  readonly summary: string;
}

/**
 * What the probe found of an MX host's TLS: STARTTLS with a certificate
 * valid for the host (`valid`) or not (`invalid`), a TLS that broke
 * (`broken`: a failed handshake, junk after STARTTLS), no STARTTLS offered
 * or it refused (`none`), or nothing known, the host not reached so far.
 */
export type MxTls = 'valid' | 'invalid' | 'broken' | 'none' | 'unknown';

/** What the probe found at one address of an MX host. */
export interface MxAddressTls {
  readonly address: string;
  readonly tls: MxTls;
}

/** An MX host as the walk left it: its name and each address tried. */
export interface WalkedMxHost {
  readonly host: string;
  readonly addresses: readonly MxAddressTls[];
  /** The walk stopped before its other addresses, if it has any (no --all). */
  readonly mayHaveUntried: boolean;
}

/** One MX host against the policy. */
export interface MtaStsHost extends WalkedMxHost {
  readonly matches: boolean;
  /**
   * The host's TLS as a sender applying the policy meets it: valid when
   * any address is, since the sender goes on to the next address.
   */
  readonly tls: MxTls;
}

/** Where and how to fetch the policy. */
export interface MtaStsSettings {
  readonly ca: string | undefined;
  readonly family: AddressFamily;
  readonly timeoutMs: number;
  /** 443, except in tests (see src/cli/mx-output.ts). */
  readonly port: number;
  readonly userAgent: string;
}

/** RFC 8461 §3.3 lets a sender cap the policy's size; 64 KiB is ample. */
const MAX_POLICY_BYTES = 64 * 1024;

/** Looks up, fetches and judges the policy; never throws for DNS or HTTPS failures. */
export async function checkMtaSts(
  resolver: Resolver,
  domain: string,
  mxHosts: readonly WalkedMxHost[],
  settings: MtaStsSettings,
  signal?: AbortSignal,
): Promise<MtaStsCheck> {
  const policyHost = `mta-sts.${domain}`;
  const port = settings.port === 443 ? '' : `:${settings.port}`;
  const base = { domain, policyUrl: `https://${policyHost}${port}${POLICY_PATH}` };
  const end = (check: Omit<MtaStsCheck, 'summary' | 'domain' | 'policyUrl'>): MtaStsCheck => {
    const whole = { ...base, ...check };
    return { ...whole, summary: summarise(whole) };
  };
  const nothing = { id: undefined, policy: undefined, hosts: [] };

  const record = await lookUpRecord(resolver, domain, signal);
  if (typeof record === 'string')
    return end({ ...nothing, status: 'lookup-failed', problem: record });
  if (record.found === undefined) return end({ ...nothing, status: 'none', problem: undefined });
  if (typeof record.found === 'string') {
    return end({ ...nothing, status: 'invalid-record', problem: record.found });
  }
  const { id } = record.found;

  let text: string;
  try {
    text = await fetchText(resolver, policyHost, settings, signal);
  } catch (error) {
    if (signal?.aborted) throw error;
    const problem = error instanceof Error ? error.message : String(error);
    return end({ ...nothing, id, status: 'fetch-failed', problem });
  }

  const policy = parseMtaStsPolicy(text);
  const hosts = mxHosts.map((walked) => ({
    ...walked,
    matches: policy.mx.some((pattern) => matchesMxPattern(walked.host, pattern)),
    tls: hostTls(walked.addresses),
  }));
  if (policy.problems.length > 0) {
    const problem = policy.problems.join('; ');
    return end({ id, policy, hosts, status: 'invalid-policy', problem });
  }
  return end({ id, policy, hosts, status: judgeHosts(policy, hosts), problem: undefined });
}

// A host outside the mx patterns fails first; then one that the probe
// reached without STARTTLS or with a certificate not valid for it (§4.2).
function judgeHosts(policy: MtaStsPolicy, hosts: readonly MtaStsHost[]): MtaStsStatus {
  if (policy.mode === 'none') return 'valid';
  if (!hosts.every((host) => host.matches)) return 'mx-mismatch';
  return hosts.some(failsTls) ? 'tls-failure' : 'valid';
}

function failsTls(host: { readonly tls: MxTls }): boolean {
  return host.tls !== 'valid' && host.tls !== 'unknown';
}

function hostTls(addresses: readonly MxAddressTls[]): MxTls {
  const found = new Set(addresses.map((each) => each.tls));
  const order = ['valid', 'invalid', 'broken', 'none'] as const;
  return order.find((tls) => found.has(tls)) ?? 'unknown';
}

// "mx1.example.test at ::1 offers no STARTTLS", for each address that fails.
function describeTlsFailures(hosts: readonly MtaStsHost[]): string[] {
  return hosts.flatMap((host) =>
    host.addresses.filter(failsTls).map(({ address, tls }) => {
      return `${host.host} at ${address} ${TLS_FAILURES[tls]}`;
    }),
  );
}

const TLS_FAILURES: Record<MxTls, string> = {
  valid: '',
  unknown: '',
  invalid: 'has no certificate valid for its name',
  broken: 'broke off the TLS handshake',
  none: 'offers no STARTTLS',
};

// Without --all the walk stops at the first host that answers: its other
// addresses, if any, are unknown.
function untriedCaveat(hosts: readonly MtaStsHost[]): string {
  return hosts.some((host) => host.mayHaveUntried)
    ? ' (--all tries its other addresses, if any)'
    : '';
}

async function lookUpRecord(
  resolver: Resolver,
  domain: string,
  signal: AbortSignal | undefined,
): Promise<{ found: ReturnType<typeof parseMtaStsRecords> } | string> {
  try {
    const answer = await resolver.query(`_mta-sts.${domain}`, 'TXT', signal);
    if (answer.status === 'nxdomain' || answer.status === 'nodata') return { found: undefined };
    if (answer.status !== 'answer') return `the TXT lookup failed: ${describeStatus(answer)}`;
    return { found: parseMtaStsRecords(answer.records.map(recordText)) };
  } catch (error) {
    if (signal?.aborted) throw error;
    return error instanceof Error ? error.message : String(error);
  }
}

// As any HTTPS client does, an address that cannot be reached gives way to
// the next; any other failure (certificate, HTTP, time) is the answer.
async function fetchFromAny<T>(
  addresses: readonly string[],
  fetch: (address: string) => Promise<T>,
): Promise<T> {
  let lastError: unknown = new Error('no address');
  for (const address of addresses) {
    try {
      return await fetch(address);
    } catch (error) {
      if (!(error instanceof PolicyFetchError && error.unreachable)) throw error;
      lastError = error;
    }
  }
  throw lastError;
}

async function fetchText(
  resolver: Resolver,
  host: string,
  settings: MtaStsSettings,
  signal: AbortSignal | undefined,
): Promise<string> {
  const { addresses } = await lookupAddresses(resolver, host, settings.family, signal);
  const response = await fetchFromAny(addresses, (address) =>
    fetchPolicy({ ...settings, host, address, maxBytes: MAX_POLICY_BYTES }, signal),
  );
  // RFC 8461 §3.3: only a 200 counts; a redirect is not followed.
  if (response.statusCode !== 200)
    throw new Error(`the server answered HTTP ${response.statusCode}`);
  // §3.3 also asks for text/plain: senders may refuse a policy served as
  // anything else (an HTML error page with 200, say).
  const type = response.contentType?.split(';')[0]?.trim().toLowerCase();
  if (type !== 'text/plain') {
    throw new Error(`the policy is served as ${type ?? 'no Content-Type'}, not text/plain`);
  }
  return response.body;
}

function refusal(mode: string, them: string): string {
  return mode === 'enforce'
    ? `a sender applying the policy would not deliver to ${them}`
    : 'in testing mode senders still deliver, and only report the failure (TLSRPT)';
}

function summarise(check: Omit<MtaStsCheck, 'summary'>): string {
  const mode = check.policy?.mode ?? '';
  const patterns = check.policy?.mx.join(', ') ?? '';
  switch (check.status) {
    case 'valid': {
      if (mode === 'none') return 'MTA-STS: mode none (the domain withdraws its policy)';
      // A host with one good address still gets mail; its others are skipped.
      const skipped = describeTlsFailures(check.hosts);
      const those = skipped.length === 1 ? 'that address' : 'those addresses';
      const but =
        skipped.length > 0 ? `; but ${skipped.join('; ')}: senders applying it skip ${those}` : '';
      return `MTA-STS: ${mode}, every MX host matches the policy (mx: ${patterns})${but}`;
    }
    case 'mx-mismatch': {
      const strays = check.hosts.filter((host) => !host.matches);
      const is = strays.length === 1 ? 'is' : 'are';
      const names = strays.map((host) => host.host).join(', ');
      const outside = `${names} ${is} not among the policy's mx (${patterns})`;
      // Hosts listed but failing on TLS are refused too; a host with one
      // good address is not.
      const failing = check.hosts.filter((host) => host.matches && failsTls(host));
      const failures = describeTlsFailures(failing);
      const also = failures.length > 0 ? `, and ${failures.join('; ')}` : '';
      const them = strays.length + failing.length === 1 ? 'it' : 'them';
      const caveat = untriedCaveat(failing);
      return `MTA-STS: ${mode}, ${outside}${also}${caveat}: ${refusal(mode, them)}`;
    }
    case 'tls-failure': {
      const failing = check.hosts.filter(failsTls);
      const them = failing.length === 1 ? 'it' : 'them';
      const what = describeTlsFailures(failing).join('; ');
      const caveat = untriedCaveat(failing);
      return `MTA-STS: ${mode}, but ${what} (RFC 8461 §4.2)${caveat}: ${refusal(mode, them)}`;
    }
    case 'invalid-policy':
      return (
        `MTA-STS: the policy at ${check.policyUrl} is not valid (${check.problem}): ` +
        'senders ignore it'
      );
    case 'invalid-record':
      return `MTA-STS: ${check.problem}`;
    case 'fetch-failed':
      return (
        `MTA-STS: the record announces a policy, but ${check.policyUrl} could not be fetched ` +
        `(${check.problem}): senders without a cached policy send without one`
      );
    case 'lookup-failed':
      return `MTA-STS: not checked, ${check.problem}`;
    case 'none':
      return `MTA-STS: not in use (no v=STSv1 record at _mta-sts.${check.domain})`;
  }
}

/** The summary as a note when all is well or nothing is published, else as a warning. */
export function describeMtaSts(check: MtaStsCheck): { note?: string; warning?: ProtocolWarning } {
  if (check.status === 'valid' || check.status === 'none') return { note: check.summary };
  return { warning: { code: `mta-sts-${check.status}`, message: check.summary } };
}
