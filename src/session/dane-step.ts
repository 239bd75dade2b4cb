/**
 * The DANE check as a step of a probe: right after the TLS handshake, so
 * that with --dane-require a failing server gets no mail, as it would get
 * none from a DANE sender.
 */
import { TlsPolicyError } from '../errors.js';
import { lookupAddresses } from '../dns/addresses.js';
import type { TlsSession } from '../transport/tls-session.js';
import { checkDane, daneRequiredError, describeDane, type DaneCheck } from './dane.js';
import type { ProbeOptions } from './options.js';
import type { Session } from './session.js';

/** The host whose TLSA records apply: the MX name, else the target's name. */
export function daneHost(options: ProbeOptions): string | undefined {
  if (options.daneHost !== undefined) return options.daneHost;
  return options.target.isAddressLiteral ? undefined : options.target.host;
}

/**
 * Checks DANE when a resolver is in use; undefined when it was not checked.
 * tls is undefined for a server that offered no STARTTLS: its records, if
 * any, say whether a DANE sender would refuse it for that.
 */
export async function runDaneStep(
  session: Session,
  options: ProbeOptions,
  tls: TlsSession | undefined,
  signal: AbortSignal | undefined,
): Promise<DaneCheck | undefined> {
  const { resolver } = options;
  if (!resolver || options.dane === 'off') return undefined;
  const host = daneHost(options);
  if (host === undefined) {
    const text =
      'DANE not checked: TLSA records belong to host names, and the target is an address';
    session.emit({ type: 'note', text });
    return undefined;
  }

  const check = await checkAliasFirst(resolver, host, options, tls, signal);
  const { notes, warning } = describeDane(check);
  for (const text of notes) session.emit({ type: 'note', text });
  if (warning) session.emit({ type: 'warning', warning });
  return check;
}

// A host that is an alias: the TLSA records at the end of its chain come
// first; only when there are none there do the host's own apply. Both
// names may then be the certificate's (RFC 7672 §2.2.2). The MX walk knows
// the chain already; a target named on the command line is looked up again.
async function checkAliasFirst(
  resolver: NonNullable<ProbeOptions['resolver']>,
  host: string,
  options: ProbeOptions,
  tls: TlsSession | undefined,
  signal: AbortSignal | undefined,
): Promise<DaneCheck> {
  const { port } = options.target;
  const target = options.daneHost === undefined ? await aliasTarget() : options.daneAliasTarget;
  if (target === undefined || target === host) return checkDane(resolver, host, port, tls, signal);

  const names = [target, host];
  const expanded = await checkDane(resolver, target, port, tls, signal, names);
  if (expanded.status !== 'no-records') return expanded;
  return checkDane(resolver, host, port, tls, signal, names);

  async function aliasTarget(): Promise<string | undefined> {
    try {
      const found = await lookupAddresses(resolver, host, options.family, signal);
      // An alias chain that DNSSEC did not validate is not followed (RFC 7672 §2.2.2).
      return found.authenticated ? found.canonicalName : undefined;
    } catch (error) {
      // The addresses were found a moment ago; a failure now leaves the host's own records.
      if (signal?.aborted) throw error;
      return undefined;
    }
  }
}

/** With --dane-require, throws unless the check was made and found a match. */
export function enforceDane(options: ProbeOptions, check: DaneCheck | undefined): void {
  if (options.dane !== 'require') return;
  if (check === undefined) {
    const why = daneHost(options) === undefined ? 'the target is an address' : 'no TLS session';
    throw requireWithoutCheck(why);
  }
  if (check.status !== 'valid') throw daneRequiredError(check);
}

/** The --dane-require error when there was nothing to check: no TLS, or no host name. */
export function requireWithoutCheck(why: string): TlsPolicyError {
  return new TlsPolicyError(`--dane-require: DANE could not be checked: ${why}`, {
    stage: 'tls',
    hint: 'DANE needs TLS with a server reached by host name, or --mx DOMAIN',
  });
}
