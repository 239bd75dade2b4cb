/**
 * STARTTLS (RFC 3207): ask, upgrade on 220, and say EHLO again, since
 * nothing learned before TLS may be trusted after it (RFC 3207 §4.2).
 */
import { TlsPolicyError } from '../errors.js';
import type { ExtensionSet } from '../protocol/extensions.js';
import type { TlsUpgrade } from '../transport/connection.js';
import type { TlsSession, TlsVerification } from '../transport/tls-session.js';
import { DEFAULT_TLS_SETTINGS } from '../transport/tls-settings.js';
import { requireCode } from './expect.js';
import type { ProbeOptions } from './options.js';
import type { Session } from './session.js';

/** Decides whether to say STARTTLS, given the policy and what the server offers. */
export function shouldStartTls(options: ProbeOptions, extensions: ExtensionSet): boolean {
  if (options.target.implicitTls || options.startTls === 'never') return false;
  if (extensions.has('STARTTLS')) return true;

  if (options.startTls === 'require') {
    throw new TlsPolicyError(
      'the server does not offer STARTTLS, and --starttls require was given',
      {
        stage: 'starttls',
        hint: 'without TLS, mail to this server travels in plaintext',
      },
    );
  }
  return false;
}

/** Says STARTTLS and, on 220, runs the handshake; returns the TLS session. */
export async function startTls(session: Session, options: ProbeOptions): Promise<TlsSession> {
  const reply = await session.send('starttls', 'STARTTLS', undefined, options.timeouts.replyMs);
  requireCode('starttls', reply, 220, 'STARTTLS', 'the server offers STARTTLS but refuses it');

  const hint = 'the server accepted STARTTLS but its TLS is broken; --starttls never skips TLS';
  return upgrade(session, options, hint);
}

/**
 * Runs a TLS handshake on the session's connection and reports it. The
 * --tls-verify verdict is apart (requireTrusted), so that what is learnt
 * of the session first — DANE — is reported even when it fails.
 */
export async function upgrade(
  session: Session,
  options: ProbeOptions,
  hintOnPlaintext: string,
): Promise<TlsSession> {
  const tls = await session.connection.upgradeToTls(tlsUpgrade(options, hintOnPlaintext));
  session.record('tls', tls.handshakeMs);
  session.emit({ type: 'tls', session: tls });
  return tls;
}

/** With --tls-verify, a certificate that does not verify ends the session (exit 6). */
export function requireTrusted(options: ProbeOptions, tls: TlsSession): void {
  if (options.tlsVerify && !tls.verification.trusted) {
    const reason = untrustedReason(tls);
    throw new TlsPolicyError(`--tls-verify: the certificate is not trusted (${reason})`, {
      stage: 'tls',
      hint: untrustedHint(tls),
    });
  }
}

function tlsUpgrade(options: ProbeOptions, hintOnPlaintext: string): TlsUpgrade {
  const { target } = options;
  const settings = options.tlsSettings ?? DEFAULT_TLS_SETTINGS;
  const name = options.sni ?? (target.isAddressLiteral ? undefined : target.host);
  return {
    stage: 'tls',
    servername: settings.sendSni ? name : undefined,
    checkedName: options.sni ?? target.host,
    ca: options.ca,
    trustStore: options.trustStore,
    settings,
    timeoutMs: options.timeouts.tlsMs,
    hintOnPlaintext,
  };
}

/** Says in a few words why a TLS session's certificate is not trusted. */
export function untrustedReason(tls: TlsSession): string {
  const { verification } = tls;
  const reasons: string[] = [];
  if (verification.chainProblem) reasons.push(verification.chainProblem);
  if (!verification.nameMatches) reasons.push(describeNameMismatch(verification));
  return reasons.join('; ');
}

// RFC 6125 §6: the name checked, and the names the certificate is for, so
// that a reader sees at once which one was expected.
function describeNameMismatch(verification: TlsVerification): string {
  const names = verification.certificateNames;
  const held = names.length === 0 ? 'no names' : names.join(', ');
  return `name mismatch: ${verification.checkedName} checked, the certificate is for ${held}`;
}

// A chain that verifies but names another host needs another name, not another CA.
function untrustedHint(tls: TlsSession): string {
  const { chainProblem, nameMatches } = tls.verification;
  if (chainProblem === undefined && !nameMatches) {
    return 'the chain verifies but names other hosts: check the target, or give --sni NAME';
  }
  return 'use --ca FILE to trust a private CA, or leave out --tls-verify to only report this';
}
