/**
 * The text that closes an --mx run: the route as DNS gave it, one row per
 * host and address tried, and the verdict.
 */
import { formatDuration } from './duration.js';
import { escapeText } from './escape.js';
import type { Style } from './style.js';
import { layOut } from './tables.js';
import type { MxOutcome } from '../session/mx-probe.js';
import { describeStage } from '../session/stage.js';
import { formatHostPort } from '../transport/target.js';

/** The route in one line: "MX of example.test: 10 mx1.example.test, 20 mx2.example.test". */
export function describeRoute(outcome: MxOutcome): string {
  const { route } = outcome;
  const { domain } = outcome;
  if (!route) return `MX of ${domain}: not found`;
  if (route.nullMx) return `MX of ${domain}: 0 . (null MX, RFC 7505: accepts no mail)`;
  if (route.implicit) return `MX of ${domain}: none; the domain's own address is the implicit MX`;
  const records = route.hosts.map((mx) => `${mx.preference} ${mx.exchange}`).join(', ');
  const signed = route.authenticated ? ' (DNSSEC-validated)' : '';
  return `MX of ${domain}: ${records}${signed}`;
}

/** One row per attempt: preference, host, address, result, greeting time. */
export function renderMxTable(outcome: MxOutcome, style: Style): string[] {
  if (outcome.attempts.length === 0) return [];
  const rows = [
    ['pref', 'host', 'address', 'result', 'exit', 'greeting'],
    ...outcome.attempts.map(({ mx, address, result }) => {
      const greeting = result.timings.find((timing) => timing.stage === 'greeting');
      const where = result.failure?.stage ? ` at ${describeStage(result.failure.stage)}` : '';
      return [
        String(mx.preference),
        escapeText(mx.exchange).text,
        address ? formatHostPort(address, result.target.port) : '-',
        result.failure ? `FAILED${where}` : 'OK',
        String(result.exitCode),
        greeting ? formatDuration(greeting.ms) : '-',
      ];
    }),
  ];
  const [heading, ...lines] = layOut(rows, [0, 4, 5]);
  return [style.dim(heading!), ...lines];
}

/** The verdict of the walk, naming the host that answered or what failed. */
export function renderMxVerdict(
  outcome: MxOutcome,
  style: Style,
  refusedBy: ((host: string) => string | undefined) | undefined = undefined,
): string {
  const { deciding, exitCode } = outcome;
  if (exitCode !== 0) {
    const message = escapeText(deciding.failure?.message ?? 'failed').text;
    return style.error(`result: FAILED: ${message} (exit ${exitCode})`);
  }
  const chosen = outcome.attempts.find((attempt) => attempt.result === deciding)!;
  const where = `${escapeText(chosen.mx.exchange).text} (preference ${chosen.mx.preference})`;
  const backup = outcome.backupOnly ? ', a backup MX: every more preferred one failed' : '';
  // A policy the host fails (MTA-STS in enforce mode) would stop a sender
  // that honours it: the verdict must not claim delivery without saying so.
  const refusal = refusedBy?.(chosen.mx.exchange);
  const but = refusal ? `, except by a sender that ${refusal}` : '';
  return style.strong(`result: OK: mail would be delivered to ${where}${backup}${but} (exit 0)`);
}
