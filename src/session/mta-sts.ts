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
import { fetchPolicy, POLICY_PATH } from '../transport/policy-fetch.js';
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
 * valid for the host (`valid`) or not (`invalid`), no STARTTLS offered
 * (`none`), or nothing known, the host not having been reached so far.
 */
export type MxTls = 'valid' | 'invalid' | 'none' | 'unknown';

/** One MX host against the policy. */
export interface MtaStsHost {
  readonly host: string;
  readonly matches: boolean;
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
  mxHosts: readonly { readonly host: string; readonly tls: MxTls }[],
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
  const hosts = mxHosts.map(({ host, tls }) => ({
    host,
    matches: policy.mx.some((pattern) => matchesMxPattern(host, pattern)),
    tls,
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

function failsTls(host: MtaStsHost): boolean {
  return host.tls === 'none' || host.tls === 'invalid';
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

async function fetchText(
  resolver: Resolver,
  host: string,
  settings: MtaStsSettings,
  signal: AbortSignal | undefined,
): Promise<string> {
  const { addresses } = await lookupAddresses(resolver, host, settings.family, signal);
  const address = addresses[0];
  if (address === undefined) throw new Error(`${host} has no address`);
  const response = await fetchPolicy(
    { ...settings, host, address, maxBytes: MAX_POLICY_BYTES },
    signal,
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

function summarise(check: Omit<MtaStsCheck, 'summary'>): string {
  const mode = check.policy?.mode ?? '';
  const patterns = check.policy?.mx.join(', ') ?? '';
  switch (check.status) {
    case 'valid':
      if (mode === 'none') return 'MTA-STS: mode none (the domain withdraws its policy)';
      return `MTA-STS: ${mode}, every MX host matches the policy (mx: ${patterns})`;
    case 'mx-mismatch': {
      const strays = check.hosts.filter((host) => !host.matches).map((host) => host.host);
      const [is, them] = strays.length === 1 ? ['is', 'it'] : ['are', 'them'];
      const outcome =
        mode === 'enforce'
          ? `a sender applying the policy would not deliver to ${them}`
          : 'in testing mode senders still deliver, and only report the failure (TLSRPT)';
      const outside = `${strays.join(', ')} ${is} not among the policy's mx (${patterns})`;
      return `MTA-STS: ${mode}, ${outside}: ${outcome}`;
    }
    case 'tls-failure': {
      const failing = check.hosts.filter(failsTls);
      const what = failing.map((host) =>
        host.tls === 'none'
          ? `${host.host} offers no STARTTLS`
          : `${host.host} has no certificate valid for its name`,
      );
      const them = failing.length === 1 ? 'it' : 'them';
      const outcome =
        mode === 'enforce'
          ? `a sender applying the policy would not deliver to ${them}`
          : 'in testing mode senders still deliver, and only report the failure (TLSRPT)';
      return `MTA-STS: ${mode}, but ${what.join('; ')} (RFC 8461 §4.2): ${outcome}`;
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
