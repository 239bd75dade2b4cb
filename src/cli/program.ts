/**
 * The command line: commander's definition of it, and its translation into
 * ProbeOptions. Every check of the user's words happens here, before any
 * connection is made.
 */
import { Command, Option } from 'commander';
import { UsageError } from '../errors.js';
import { escapeText } from '../output/escape.js';
import { isValidEhloName, isValidServerName } from '../session/hello.js';
import { DEFAULT_TIMEOUTS, type ProbeOptions, type StartTlsPolicy } from '../session/options.js';
import { loadTrustStore } from '../transport/trust-store.js';
import { parsePort, parseTarget } from '../transport/target.js';
import { parseDuration } from './duration.js';
import { EXAMPLES, EXIT_STATUSES } from './help.js';

/** What the command line asked for beyond the probe itself. */
export interface CliRequest {
  readonly probe: ProbeOptions;
  readonly quiet: boolean;
  readonly color: boolean;
}

interface RawOptions {
  port?: string;
  tls?: boolean;
  starttls: StartTlsPolicy;
  ehlo?: string;
  sni?: string;
  banner?: boolean;
  tlsVerify?: boolean;
  ca?: string;
  timeout: string;
  connectTimeout: string;
  quiet?: boolean;
  color: boolean;
}

/** Builds the commander program; output goes through the given writers. */
export function buildProgram(
  version: string,
  write: { out: (s: string) => void; err: (s: string) => void },
): Command {
  return new Command('smtp-probe')
    .description('Open an SMTP session and show, timed and classified, everything the server says.')
    .argument('<target>', 'host, host:port, [IPv6]:port, smtp://host[:port] or smtps://host[:port]')
    .option('-p, --port <port>', 'port to connect to (default 25; 465 with --tls)')
    .option('--tls', 'implicit TLS (SMTPS): the handshake comes before the greeting')
    .addOption(
      new Option('--starttls <when>', 'STARTTLS when offered, always, or not at all')
        .choices(['auto', 'require', 'never'])
        .default('auto'),
    )
    .option(
      '--ehlo <name>',
      "name to say EHLO with (default: this host's FQDN, else [local address])",
    )
    .option('--banner', 'read the greeting, then QUIT: nothing else is sent')
    .option('--sni <name>', 'name to send as SNI and to check the certificate against')
    .option('--tls-verify', 'fail (exit 6) when the certificate does not verify')
    .option('--ca <file>', 'verify against the CA certificates in this PEM file')
    .option(
      '-t, --timeout <duration>',
      'longest wait for the greeting, each reply and the TLS handshake',
      '30s',
    )
    .option(
      '--connect-timeout <duration>',
      'longest wait for name resolution and TCP connect',
      '10s',
    )
    .option('-q, --quiet', 'print only the result line')
    .option('--no-color', 'no colour, even on a terminal (NO_COLOR and FORCE_COLOR are honoured)')
    .version(version, '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show this help')
    .addHelpText('after', EXAMPLES + EXIT_STATUSES)
    .showHelpAfterError('(smtp-probe --help shows usage and examples)')
    .exitOverride()
    .configureOutput({
      writeOut: write.out,
      writeErr: write.err,
      // Commander quotes the user's words, which may hold control characters.
      outputError: (message, writeErr) => {
        const text = message.replace(/^error: /, '').trimEnd();
        writeErr(`smtp-probe: ${escapeText(text).text}\n`);
      },
    });
}

/** Turns parsed options into a request, checking what commander cannot. */
export function toRequest(target: string, raw: RawOptions, env: NodeJS.ProcessEnv): CliRequest {
  const port = raw.port === undefined ? undefined : parsePort(raw.port);
  const parsedTarget = parseTarget(target, { port, tls: raw.tls });

  if (raw.ehlo !== undefined && !isValidEhloName(raw.ehlo)) {
    throw new UsageError(
      `invalid --ehlo name "${raw.ehlo}": expected a domain or an address literal like [192.0.2.1]`,
    );
  }
  if (raw.sni !== undefined && !isValidServerName(raw.sni)) {
    throw new UsageError(`invalid --sni name "${raw.sni}": expected a host name`);
  }
  if (parsedTarget.implicitTls && raw.starttls === 'require') {
    throw new UsageError('--starttls require makes no sense with implicit TLS (--tls or smtps://)');
  }

  const replyMs = parseDuration(raw.timeout, '--timeout');
  const connectMs = parseDuration(raw.connectTimeout, '--connect-timeout');
  const trust = loadTrustStore(raw.ca, env);

  return {
    probe: {
      target: parsedTarget,
      mode: raw.banner ? 'banner' : 'session',
      ehloName: raw.ehlo,
      startTls: raw.starttls,
      sni: raw.sni,
      tlsVerify: raw.tlsVerify === true,
      ca: trust.ca,
      trustStore: trust.description,
      timeouts: {
        ...DEFAULT_TIMEOUTS,
        resolveMs: connectMs,
        connectMs,
        greetingMs: replyMs,
        replyMs,
        tlsMs: replyMs,
        quitMs: Math.min(DEFAULT_TIMEOUTS.quitMs, replyMs),
      },
    },
    quiet: raw.quiet === true,
    color: raw.color,
  };
}

/** Parses argv (without node and script); throws CommanderError or UsageError. */
export function parseCommandLine(
  program: Command,
  argv: string[],
  env: NodeJS.ProcessEnv,
): CliRequest {
  program.parse(argv, { from: 'user' });
  return toRequest(program.args[0]!, program.opts<RawOptions>(), env);
}
