/**
 * --mx: the target is a mail domain, and the probe walks its MX hosts.
 * Checked before anything is asked of DNS.
 */
import { isIP } from 'node:net';
import { UsageError } from '../errors.js';
import { systemDnsServers } from '../dns/server-address.js';
import type { Resolver } from '../dns/resolver.js';
import type { ProbeOptions } from '../session/options.js';
import type { Target } from '../transport/target.js';
import type { RawBatchOptions } from './batch-options.js';
import {
  makeResolver,
  toConnectionRequest,
  type RawConnectionOptions,
} from './connection-options.js';
import type { OutputFormat, RawReportOptions } from './report-options.js';

type MxRaw = RawConnectionOptions &
  RawReportOptions &
  RawBatchOptions & {
    banner?: boolean;
    mx?: boolean;
    all?: boolean;
    checkStarttlsEnforced?: boolean;
  };

/** The probe of an --mx run: the domain as target, a resolver always. */
export function toMxProbe(
  specs: readonly string[],
  raw: MxRaw,
  format: OutputFormat,
  env: NodeJS.ProcessEnv,
): {
  probe: ProbeOptions & { readonly resolver: Resolver };
  quiet: boolean;
  color: boolean;
  format: OutputFormat;
  targets: Target[];
} {
  if (!raw.mx) throw new UsageError('--all goes with --mx: probe every MX host of a domain');
  const domain = checkDomain(specs, raw);
  if (format !== 'text' && format !== 'json') {
    throw new UsageError(`--mx prints text or --json, not --format ${format}`);
  }

  const { quiet, color, ...shared } = toConnectionRequest(domain, raw, env);
  // Without --dns-server the system's nameservers are asked, /etc/hosts aside:
  // MX records live only in DNS.
  const resolver = shared.resolver ?? makeResolver(systemDnsServers(), shared.timeouts.resolveMs);
  const mode = raw.banner ? 'banner' : 'session';
  // Each MX attempt checks STARTTLS enforcement at its own address.
  const checkStartTlsEnforced = raw.checkStarttlsEnforced === true;
  const probe = { ...shared, resolver, mode, checkStartTlsEnforced, expectations: [] } as const;
  return { probe, quiet, color, format, targets: [shared.target] };
}

function checkDomain(specs: readonly string[], raw: MxRaw): string {
  if (specs.length !== 1 || raw.targetsFile.length > 0) {
    throw new UsageError('--mx takes one domain');
  }
  if (raw.count !== '1') throw new UsageError('--mx does not repeat: leave out --count');
  if (raw.expect.length > 0) throw new UsageError('--expect does not go with --mx');
  const domain = specs[0]!;
  if (/[:/[\]]/.test(domain) || isIP(domain) !== 0) {
    throw new UsageError(
      `--mx takes a mail domain, not "${domain}"`,
      'name the domain (example.test); give the port with --port',
    );
  }
  return domain;
}
