/**
 * An --mx run from start to end: walk the route, show each attempt's
 * transcript as a block, then the route, the table and the verdict (text);
 * or one report whose `mx` holds every attempt (--json).
 */
import { escapeText } from '../output/escape.js';
import { colorLevel, createStyle } from '../output/style.js';
import { describeRoute, renderMxTable, renderMxVerdict } from '../output/mx-table.js';
import { renderVerdict } from '../output/summary.js';
import { TranscriptRenderer } from '../output/transcript.js';
import { buildReport, stringifyJson } from '../report/json.js';
import { mxJson } from '../report/route-json.js';
import { probeMailRoute, type MxHooks, type MxOutcome } from '../session/mx-probe.js';
import type { ProbeResult } from '../session/probe.js';
import type { Resolver } from '../dns/resolver.js';
import { ReplyError, TlsPolicyError, UsageError } from '../errors.js';
import {
  checkMtaSts,
  describeMtaSts,
  type MtaStsCheck,
  type MxTls,
  type WalkedMxHost,
} from '../session/mta-sts.js';
import { mtaStsJson } from '../report/mta-sts-json.js';
import { formatHostPort } from '../transport/target.js';
import { version } from '../version.js';
import type { CliIo } from './main.js';
import type { CliRequest } from './program.js';

/** Runs the walk and prints it; resolves with the exit status. */
export async function runMailRoute(
  request: CliRequest & { probe: { resolver?: Resolver | undefined } },
  io: CliIo,
  signal?: AbortSignal,
): Promise<number> {
  const { probe } = request;
  const all = request.mx?.all === true;
  const text = request.format === 'text';
  const style = createStyle(
    colorLevel({ colorFlag: request.color, env: io.env, isTty: io.stdout.isTTY === true }),
  );
  const print = (lines: string[]): void => {
    if (lines.length > 0) io.stdout.write(lines.map((line) => `${line}\n`).join(''));
  };

  let renderer = new TranscriptRenderer(style);
  let block: string[] = [];
  const hooks: MxHooks = {
    observer: (mx, address) => {
      renderer = new TranscriptRenderer(style);
      const at = address ? ` at ${formatHostPort(address, probe.target.port)}` : '';
      block = [renderer.note(`trying MX ${mx.preference} ${mx.exchange}${at}`)];
      return (event) => block.push(...renderer.render(event));
    },
    attempted: (attempt) => {
      if (!text || request.quiet) return;
      const verdict = renderVerdict(attempt.result, renderer, style, { withMessage: true });
      print([...block, verdict, '']);
    },
  };

  const resolver = probe.resolver!;
  const outcome = await probeMailRoute({ ...probe, resolver }, all, hooks, signal);
  for (const warning of outcome.route?.warnings ?? []) {
    outcome.deciding.log.add({ type: 'warning', warning });
  }
  const mtaSts = await checkRoutePolicy(request, outcome, resolver, io.env, signal);

  if (!text) {
    const report = buildReport(
      outcome.deciding,
      { version, mode: probe.mode },
      mxJson(outcome, all),
      mtaSts && mtaStsJson(mtaSts),
    );
    io.stdout.write(`${stringifyJson(report, 2)}\n`);
    return outcome.exitCode;
  }
  print(closingLines(outcome, style, renderer, mtaSts));
  const failure = outcome.deciding.failure;
  if (outcome.exitCode !== 0 && failure) {
    io.stderr.write(`smtp-probe: ${escapeText(failure.message).text}\n`);
  }
  return outcome.exitCode;
}

function closingLines(
  outcome: MxOutcome,
  style: ReturnType<typeof createStyle>,
  renderer: TranscriptRenderer,
  mtaSts: MtaStsCheck | undefined,
): string[] {
  const warnings = [...(outcome.route?.warnings ?? [])];
  const policy = mtaSts && describeMtaSts(mtaSts);
  if (policy?.warning) warnings.push(policy.warning);
  if (outcome.backupOnly) {
    warnings.push(...outcome.deciding.log.warnings.filter((w) => w.code === 'mx-backup-only'));
  }
  const hint = outcome.deciding.failure?.hint;
  return [
    renderer.note(describeRoute(outcome)),
    ...(policy?.note ? [renderer.note(policy.note)] : []),
    ...warnings.map((warning) => renderer.warning(warning.message)),
    ...renderMxTable(outcome, style),
    '',
    renderMxVerdict(
      outcome,
      style,
      (host) => daneAgainst(outcome) ?? enforcedAgainst(mtaSts, host),
    ),
    ...(outcome.exitCode !== 0 && hint ? [style.dim(`hint: ${escapeText(hint).text}`)] : []),
  ];
}

// A DANE sender would not deliver to the deciding host either when its
// authenticated TLSA records match nothing, or defer when they cannot be had.
function daneAgainst(outcome: MxOutcome): string | undefined {
  const status = outcome.deciding.dane?.status;
  if (status === 'no-match') return 'uses DANE, whose TLSA records match no certificate of it';
  if (status === 'no-tls') return 'uses DANE, which requires the STARTTLS it does not offer';
  if (status === 'lookup-failed') return 'uses DANE, which would defer: its TLSA lookup fails';
  return undefined;
}

// The words for a sender that would refuse the host: one enforcing the
// domain's MTA-STS policy when the policy does not list the host, or the
// host lacks the STARTTLS and valid certificate the policy demands.
function enforcedAgainst(mtaSts: MtaStsCheck | undefined, host: string): string | undefined {
  if (mtaSts?.policy?.mode !== 'enforce') return undefined;
  const entry = mtaSts.hosts.find((each) => each.host === host);
  const enforces = "enforces the domain's MTA-STS policy";
  if (entry?.matches === false) return `${enforces}, which does not list it`;
  if (entry?.tls === 'none') return `${enforces}, which requires the STARTTLS it does not offer`;
  if (entry?.tls === 'invalid') return `${enforces}, which requires a certificate valid for it`;
  if (entry?.tls === 'broken') return `${enforces}, which requires a TLS that works`;
  return undefined;
}

/**
 * The MTA-STS policy of the domain, checked against its MX hosts once the
 * route is walked; undefined when there is no route (a DNS failure, the
 * null MX) or --no-mta-sts.
 */
async function checkRoutePolicy(
  request: CliRequest & { probe: { resolver?: Resolver | undefined } },
  outcome: MxOutcome,
  resolver: Resolver,
  env: NodeJS.ProcessEnv,
  signal: AbortSignal | undefined,
): Promise<MtaStsCheck | undefined> {
  const { route } = outcome;
  if (!route || route.nullMx || request.mx?.mtaSts === false) return undefined;

  const { probe } = request;
  const settings = {
    ca: probe.ca,
    family: probe.family,
    timeoutMs: probe.timeouts.replyMs,
    port: policyPort(env),
    userAgent: `smtp-probe/${version}`,
  };
  const all = request.mx?.all === true;
  const hosts = route.hosts.map(({ exchange }) => walkedHost(outcome, exchange, all));
  const check = await checkMtaSts(resolver, route.domain, hosts, settings, signal);
  const { warning } = describeMtaSts(check);
  if (warning) outcome.deciding.log.add({ type: 'warning', warning });
  return check;
}

// The TLS each attempt at the host found, address by address.
function walkedHost(outcome: MxOutcome, host: string, all: boolean): WalkedMxHost {
  const attempts = outcome.attempts.filter((attempt) => attempt.mx.exchange === host);
  const addresses = attempts.flatMap(({ address, result }) =>
    address === undefined ? [] : [{ address, tls: tlsFound(result) }],
  );
  const stoppedHere = attempts.some((attempt) => attempt.result === outcome.deciding);
  return { host, addresses, mayHaveUntried: !all && stoppedHere };
}

// A TLS that broke (a failed handshake, junk or a stall after STARTTLS)
// counts against the certificate; a refused STARTTLS as none offered. A host
// left before EHLO is unknown.
function tlsFound(result: ProbeResult): MxTls {
  if (result.tls) return result.tls.verification.trusted ? 'valid' : 'invalid';
  const { failure } = result;
  if (failure?.stage === 'tls') return failure instanceof TlsPolicyError ? 'invalid' : 'broken';
  if (failure?.stage === 'starttls') {
    const refused = failure instanceof ReplyError || failure instanceof TlsPolicyError;
    return refused ? 'none' : 'broken';
  }
  const offered = result.extensions?.has('STARTTLS');
  return offered === false ? 'none' : 'unknown';
}

// For tests only (docs/testing.md): the port of the policy server, which
// cannot listen on 443 there. The host stays mta-sts.DOMAIN, resolved
// through smtp-probe's own resolver, so the fetch cannot be aimed elsewhere.
function policyPort(env: NodeJS.ProcessEnv): number {
  const text = env['SMTP_PROBE_MTA_STS_PORT'];
  if (text === undefined || text === '') return 443;
  const port = Number(text);
  if (!/^\d+$/.test(text) || port < 1 || port > 65_535) {
    throw new UsageError(`SMTP_PROBE_MTA_STS_PORT is not a port: "${text}"`);
  }
  return port;
}
