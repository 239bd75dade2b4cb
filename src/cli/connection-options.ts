/**
 * The options every command shares: where to connect, TLS, EHLO, limits and
 * output. Checked here, before any connection is made.
 */
import { Option, type Command } from 'commander';
import { UsageError } from '../errors.js';
import { isValidEhloName, isValidServerName } from '../session/hello.js';
import { DEFAULT_TIMEOUTS, type ProbeOptions, type StartTlsPolicy } from '../session/options.js';
import { loadTrustStore } from '../transport/trust-store.js';
import { parsePort, parseTarget, type Target } from '../transport/target.js';
import { parseDuration } from './duration.js';
import { toTlsSettings, type RawTlsOptions } from './tls-options.js';
import { TLS_VERSIONS } from '../transport/tls-settings.js';
import { Resolver } from '../dns/resolver.js';
import { parseDnsServer, type DnsServer } from '../dns/server-address.js';

/** The shared options as commander hands them over. */
export interface RawConnectionOptions extends RawTlsOptions {
  port?: string;
  tls?: boolean;
  starttls: StartTlsPolicy;
  ehlo?: string;
  tlsVerify?: boolean;
  ca?: string;
  timeout: string;
  greetingTimeout?: string;
  connectTimeout: string;
  deadline: string;
  quiet?: boolean;
  color: boolean;
  explain: boolean;
  dnsServer?: string;
  ipv4?: boolean;
  ipv6?: boolean;
  rdns: boolean;
  dane: boolean;
  daneRequire?: boolean;
  /** Present on the main command only: --mx brings a resolver of its own. */
  mx?: boolean;
}

/** The part of a request the shared options decide. */
export type ConnectionRequest = Omit<ProbeOptions, 'mode'> & {
  readonly quiet: boolean;
  readonly color: boolean;
};

/** How a target is written, for the commands' help. */
export const TARGET_FORMS =
  'host, host:port, [IPv6]:port, smtp://host[:port] or smtps://host[:port]';

/** Adds the shared options to a command; each command names its own arguments. */
export function addConnectionOptions(command: Command): Command {
  return command
    .option('-p, --port <port>', 'port to connect to (default 25; 465 with --tls)')
    .option('--tls', 'implicit TLS (SMTPS): the handshake comes before the greeting')
    .addOption(
      new Option('--starttls <when>', 'STARTTLS when offered, always, or not at all')
        .choices(['auto', 'require', 'never'])
        .default('auto'),
    )
    .option('--ehlo <name>', "name to say EHLO with (default: this host's FQDN, else [address])")
    .option('--sni <name>', 'name to send as SNI and to check the certificate against')
    .option('--no-sni', 'send no SNI (the certificate is still checked against the target)')
    .option('--tls-verify', 'fail (exit 6) when the certificate does not verify')
    .option('--ca <file>', 'verify against the CA certificates in this PEM file')
    .addOption(new Option('--tls-min <version>', 'lowest TLS version').choices(TLS_VERSIONS))
    .addOption(new Option('--tls-max <version>', 'highest TLS version').choices(TLS_VERSIONS))
    .option('--ciphers <list>', 'OpenSSL cipher list for TLS 1.2 and below')
    .option('--ciphersuites <list>', 'TLS 1.3 cipher suites, colon-separated')
    .option('--client-cert <file>', 'client certificate, PEM (its chain may follow it)')
    .option('--client-key <file>', "the client certificate's private key, PEM")
    .option('-t, --timeout <duration>', 'longest wait for the greeting, each reply, TLS', '30s')
    .option('--greeting-timeout <duration>', 'longest wait for the greeting (default: --timeout)')
    .option('--connect-timeout <duration>', 'longest wait for name resolution and connect', '10s')
    .option('--deadline <duration>', 'longest the whole run may take, every probe included', '5m')
    .option(
      '--dns-server <address>',
      "ask this DNS server (ADDR[:PORT], [IPv6]:PORT), not the system's lookup",
    )
    .option('-4, --ipv4', 'connect to IPv4 addresses only')
    .option('-6, --ipv6', 'connect to IPv6 addresses only')
    .option('--no-rdns', "skip the reverse DNS check of the server's address")
    .option('--no-dane', 'skip the DANE check (TLSA records) made with --dns-server or --mx')
    .option('--dane-require', 'fail (exit 6) unless a DNSSEC-validated TLSA record matches')
    .option('-q, --quiet', 'print only the result line')
    .option('--no-color', 'no colour, even on a terminal (NO_COLOR and FORCE_COLOR are honoured)')
    .option('--no-explain', 'do not explain 4xx/5xx replies (their codes and likely cause)');
}

/** Turns the shared options into most of a request, checking what commander cannot. */
export function toConnectionRequest(
  target: string,
  raw: RawConnectionOptions,
  env: NodeJS.ProcessEnv,
): ConnectionRequest {
  const parsedTarget = toTarget(target, raw);

  if (raw.ehlo !== undefined && !isValidEhloName(raw.ehlo)) {
    const expected = 'expected a domain or an address literal like [192.0.2.1]';
    throw new UsageError(`invalid --ehlo name "${raw.ehlo}": ${expected}`);
  }
  if (typeof raw.sni === 'string' && !isValidServerName(raw.sni)) {
    throw new UsageError(`invalid --sni name "${raw.sni}": expected a host name`);
  }
  const replyMs = parseDuration(raw.timeout, '--timeout');
  const connectMs = parseDuration(raw.connectTimeout, '--connect-timeout');
  const greetingMs =
    raw.greetingTimeout === undefined
      ? replyMs
      : parseDuration(raw.greetingTimeout, '--greeting-timeout');
  const deadlineMs = parseDuration(raw.deadline, '--deadline');
  const trust = loadTrustStore(raw.ca, env);
  const tlsSettings = toTlsSettings(raw);
  if (raw.ipv4 && raw.ipv6) throw new UsageError('-4 and -6 exclude each other: give one');
  const servers = raw.dnsServer === undefined ? undefined : [parseDnsServer(raw.dnsServer)];
  checkDaneOptions(raw);

  return {
    target: parsedTarget,
    ehloName: raw.ehlo,
    startTls: raw.starttls,
    sni: raw.sni === false ? undefined : raw.sni,
    tlsVerify: raw.tlsVerify === true,
    ca: trust.ca,
    trustStore: trust.description,
    tlsSettings,
    timeouts: {
      ...DEFAULT_TIMEOUTS,
      resolveMs: connectMs,
      connectMs,
      greetingMs,
      replyMs,
      tlsMs: replyMs,
      quitMs: Math.min(DEFAULT_TIMEOUTS.quitMs, replyMs),
      deadlineMs,
    },
    resolver: servers && makeResolver(servers, connectMs),
    family: raw.ipv4 ? 4 : raw.ipv6 ? 6 : undefined,
    reverseDns: raw.rdns,
    dane: raw.daneRequire ? 'require' : raw.dane === false ? 'off' : 'check',
    explain: raw.explain !== false,
    quiet: raw.quiet === true,
    color: raw.color,
  };
}

// DANE is looked up through smtp-probe's own resolver only: the system's
// lookup does not tell whether DNSSEC validated the answer.
function checkDaneOptions(raw: RawConnectionOptions): void {
  if (!raw.daneRequire) return;
  if (raw.dane === false) throw new UsageError('--dane-require and --no-dane exclude each other');
  if (raw.dnsServer === undefined && !raw.mx) {
    throw new UsageError(
      '--dane-require needs --dns-server or --mx',
      'DANE needs a DNS server that validates DNSSEC and reports it (the AD bit)',
    );
  }
}

/**
 * A resolver that asks these servers: three tries, together within
 * --connect-timeout, which bounds name resolution as it always has.
 */
export function makeResolver(servers: readonly DnsServer[], resolveMs: number): Resolver {
  return new Resolver(servers, { timeoutMs: Math.max(100, Math.round(resolveMs / 3)), tries: 3 });
}

/** Parses one target with the options that bear on it (--port, --tls, --starttls). */
export function toTarget(spec: string, raw: RawConnectionOptions): Target {
  const port = raw.port === undefined ? undefined : parsePort(raw.port);
  const target = parseTarget(spec, { port, tls: raw.tls });
  if (target.implicitTls && raw.starttls === 'require') {
    throw new UsageError('--starttls require makes no sense with implicit TLS (--tls or smtps://)');
  }
  return target;
}
