/**
 * The TLS steps of a probe: implicit TLS right after connect, or STARTTLS
 * after EHLO, each followed by the DANE check and the --tls-verify
 * verdict; after STARTTLS, EHLO again and the extensions compared.
 */
import { compareExtensions, reportComparison } from './tls-policy.js';
import type { ProbeOptions } from './options.js';
import type { Findings } from './probe.js';
import type { Session } from './session.js';
import { hello } from './hello.js';
import { requireTrusted, shouldStartTls, startTls, upgrade } from './starttls.js';

/** Implicit TLS (smtps, --tls): the handshake comes before the greeting. */
export async function secureAtOnce(
  session: Session,
  options: ProbeOptions,
  findings: Findings,
  signal: AbortSignal | undefined,
): Promise<void> {
  const hint =
    'this port may expect plaintext SMTP and STARTTLS: try without --tls (port 25 or 587)';
  findings.tls = await upgrade(session, options, hint);
  await checkDane(session, options, findings, signal);
  requireTrusted(options, findings.tls);
}

/** STARTTLS when the policy and the server allow it, and what follows. */
export async function secure(
  session: Session,
  options: ProbeOptions,
  findings: Findings,
  name: string,
  signal: AbortSignal | undefined,
): Promise<void> {
  if (shouldStartTls(options, findings.extensions!)) {
    findings.tls = await startTls(session, options);
    await checkDane(session, options, findings, signal);
    requireTrusted(options, findings.tls);
    findings.extensionsAfterTls = await hello(session, name, options.timeouts.replyMs);
    findings.comparison = compareExtensions(findings.extensions!, findings.extensionsAfterTls);
    reportComparison(session, findings.comparison);
  } else if (!options.target.implicitTls && options.startTls === 'auto') {
    const message = 'the server does not offer STARTTLS: mail to it travels in plaintext';
    session.emit({ type: 'warning', warning: { code: 'no-starttls', message } });
    await checkDane(session, options, findings, signal);
  }
}

// The DANE code is loaded only with a resolver: the common run, without
// one, does not pay for it. The check is kept before --dane-require judges
// it. Without TLS (no STARTTLS offered) the records alone are judged.
async function checkDane(
  session: Session,
  options: ProbeOptions,
  findings: Findings,
  signal: AbortSignal | undefined,
): Promise<void> {
  if (!options.resolver || options.dane === 'off') return;
  const { enforceDane, runDaneStep } = await import('./dane-step.js');
  findings.dane = await runDaneStep(session, options, findings.tls, signal);
  enforceDane(options, findings.dane);
}
