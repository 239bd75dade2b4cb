/**
 * Probes a domain's mail route as a sending MTA would walk it: each MX
 * host in order of preference, each of its addresses in turn, until one
 * answers well (or, with --all, every one of them).
 */
import { isIP } from 'node:net';
import { lookupAddresses } from '../dns/addresses.js';
import type { Resolver } from '../dns/resolver.js';
import { NullMxError, toProbeError } from '../errors.js';
import type { ProtocolWarning } from '../protocol/reply.js';
import type { Target } from '../transport/target.js';
import type { SessionObserver } from './events.js';
import { findMailRoute, type MailRoute, type MxRecord } from './mail-route.js';
import type { ProbeOptions } from './options.js';
import { startDeadline } from './lifetime.js';
import { failedProbe, runProbe, type ProbeResult } from './probe.js';

/** One address of one MX host, and how its probe went. */
export interface MxAttempt {
  readonly mx: MxRecord;
  /** Undefined when the host's name did not resolve. */
  readonly address: string | undefined;
  readonly result: ProbeResult;
}

/** The whole walk: the route, every attempt, the one that decided. */
export interface MxOutcome {
  readonly domain: string;
  readonly route: MailRoute | undefined;
  readonly attempts: readonly MxAttempt[];
  /** The first healthy attempt; else the worst failure; undefined without any attempt. */
  readonly deciding: ProbeResult;
  /** Only a less preferred host than the first answered well. */
  readonly backupOnly: boolean;
  readonly exitCode: number;
}

/** Called before each attempt for its observer, and after it. */
export interface MxHooks {
  readonly observer: (mx: MxRecord, address: string | undefined) => SessionObserver;
  readonly attempted?: (attempt: MxAttempt) => void;
}

/**
 * Walks the route; never throws for anything DNS, the network or a server
 * does. --deadline bounds the whole walk, not each attempt alone.
 */
export async function probeMailRoute(
  options: ProbeOptions & { readonly resolver: Resolver },
  all: boolean,
  hooks: MxHooks,
  signal?: AbortSignal,
): Promise<MxOutcome> {
  const deadline = startDeadline(options.timeouts.deadlineMs, signal);
  try {
    return await walkRoute(options, all, hooks, deadline.signal);
  } finally {
    deadline.clear();
  }
}

// A sending MTA tries a few hosts and addresses (Postfix: 5 addresses, 2
// sessions); a route of thousands is a broken or hostile zone.
const MAX_MX_HOSTS = 20;
const MAX_ADDRESSES_PER_HOST = 8;

async function walkRoute(
  options: ProbeOptions & { readonly resolver: Resolver },
  all: boolean,
  hooks: MxHooks,
  signal: AbortSignal,
): Promise<MxOutcome> {
  const domainTarget = options.target;
  let route: MailRoute;
  try {
    route = await findMailRoute(options.resolver, domainTarget.host, signal);
  } catch (error) {
    const deciding = failedProbe(domainTarget, toProbeError(error));
    return {
      domain: domainTarget.host,
      route: undefined,
      attempts: [],
      deciding,
      backupOnly: false,
      exitCode: deciding.exitCode,
    };
  }
  if (route.nullMx) {
    const deciding = failedProbe(domainTarget, new NullMxError(route.domain));
    return {
      domain: route.domain,
      route,
      attempts: [],
      deciding,
      backupOnly: false,
      exitCode: deciding.exitCode,
    };
  }

  if (route.hosts.length > MAX_MX_HOSTS) {
    const tried = `${MAX_MX_HOSTS} of ${route.hosts.length} MX hosts are tried (the limit)`;
    const message = `${tried}; the rest are not`;
    route = { ...route, warnings: [...route.warnings, { code: 'mx-limit', message }] };
  }
  const attempts: MxAttempt[] = [];
  for (const mx of route.hosts.slice(0, MAX_MX_HOSTS)) {
    if (signal.aborted) break;
    for await (const attempt of probeHost(options, mx, hooks, signal)) {
      attempts.push(attempt);
      hooks.attempted?.(attempt);
      if (attempt.result.exitCode === 0 && !all) return decide(route, attempts);
      if (signal?.aborted) return decide(route, attempts);
    }
  }
  return decide(route, attempts);
}

async function* probeHost(
  options: ProbeOptions & { readonly resolver: Resolver },
  mx: MxRecord,
  hooks: MxHooks,
  signal: AbortSignal | undefined,
): AsyncGenerator<MxAttempt> {
  const host = mx.exchange;
  let addresses: readonly string[];
  let aliases: readonly string[] = [];
  let canonicalName: string | undefined;
  let authenticated: boolean | undefined;
  try {
    const found =
      isIP(host) !== 0
        ? { addresses: [host], aliases: [], canonicalName: undefined }
        : await lookupAddresses(options.resolver, host, options.family, signal);
    ({ addresses, aliases, canonicalName, authenticated } = found);
  } catch (error) {
    hooks.observer(mx, undefined);
    yield {
      mx,
      address: undefined,
      result: failedProbe(hostTarget(options.target, host), toProbeError(error)),
    };
    return;
  }

  for (const address of addresses.slice(0, MAX_ADDRESSES_PER_HOST)) {
    const observe = hooks.observer(mx, address);
    if (aliases.length > 0) observe({ type: 'warning', warning: aliasWarning(host) });
    const target: Target = { ...hostTarget(options.target, address), isAddressLiteral: true };
    // The certificate is checked against the MX host's name, as a sender would.
    const sni = options.sni ?? (isIP(host) === 0 ? host : undefined);
    // DANE looks up the TLSA records of the MX host's name (RFC 7672 §2.2.1).
    const daneHost = isIP(host) === 0 ? host : undefined;
    // Its alias chain counts only when DNSSEC validated it (RFC 7672 §2.2.2).
    const daneAliasTarget = authenticated ? canonicalName : undefined;
    const probing = { ...options, target, sni, daneHost, daneAliasTarget };
    const result = await runProbe(probing, observe, signal);
    yield { mx, address, result };
    if (signal?.aborted) return;
  }
}

function decide(route: MailRoute, attempts: readonly MxAttempt[]): MxOutcome {
  const healthy = attempts.find((attempt) => attempt.result.exitCode === 0);
  const best = route.hosts[0]?.preference ?? 0;
  if (healthy) {
    const backupOnly = healthy.mx.preference > best;
    if (backupOnly) healthy.result.log.add({ type: 'warning', warning: backupWarning(healthy) });
    return {
      domain: route.domain,
      route,
      attempts,
      deciding: healthy.result,
      backupOnly,
      exitCode: 0,
    };
  }
  // Of failed attempts, the one that got furthest says most: a certificate
  // refused (--tls-verify, --dane-require) on a reachable host, rather than
  // a dead address of the same host tried before it.
  const deciding = attempts.reduce((a, b) => (progress(b.result) > progress(a.result) ? b : a));
  const { exitCode } = deciding.result;
  return {
    domain: route.domain,
    route,
    attempts,
    deciding: deciding.result,
    backupOnly: false,
    exitCode,
  };
}

// How far a probe got: its timed stages (connect, greeting, EHLO, TLS…).
function progress(result: ProbeResult): number {
  return result.timings.length;
}

function backupWarning(attempt: MxAttempt): ProtocolWarning {
  const message =
    `only a backup MX answered well: ${attempt.mx.exchange} ` +
    `(preference ${attempt.mx.preference}); ` +
    'mail is delivered, but every more preferred MX failed';
  return { code: 'mx-backup-only', message };
}

function aliasWarning(host: string): ProtocolWarning {
  const message =
    `the MX ${host} is an alias (CNAME), which RFC 2181 §10.3 forbids: ` +
    'most senders follow it, some refuse';
  return { code: 'mx-cname', message };
}

function hostTarget(domainTarget: Target, host: string): Target {
  return { ...domainTarget, host, isAddressLiteral: isIP(host) !== 0 };
}
