/**
 * Which SASL mechanism to use, from those the EHLO reply's AUTH extension
 * offers (RFC 4954 §3) and what the user asked for.
 */
import type { AuthMechanism } from './dialogue.js';

/** Every mechanism smtp-probe implements. */
export const AUTH_MECHANISMS: readonly AuthMechanism[] = ['PLAIN', 'LOGIN', 'CRAM-MD5', 'XOAUTH2'];

// The order 'auto' tries password mechanisms in. CRAM-MD5 proves the password
// without sending it, so it stays safe even where TLS is weak or absent.
// PLAIN and LOGIN both send the password and are equivalent inside TLS;
// PLAIN is the standard (RFC 4616) and saves a round trip with its initial
// response, while LOGIN is obsolete and kept for servers that offer nothing
// else (draft-murchison-sasl-login §1).
const PASSWORD_PREFERENCE: readonly AuthMechanism[] = ['CRAM-MD5', 'PLAIN', 'LOGIN'];

/**
 * Picks a mechanism: the requested one if offered, or for 'auto' the
 * strongest offered that the credentials allow. Undefined means none fits;
 * the caller can tell "not offered" from "not for these credentials" by
 * looking at the offered list. Forcing an unoffered mechanism is left to the
 * caller, which can call startAuth directly.
 *
 * With a token (hasToken), 'auto' takes only XOAUTH2, since a token is not
 * a password. An explicit PLAIN or LOGIN still goes ahead with a token:
 * some servers (Dovecot's oauth2 passdb) accept one in the password field.
 * A password is never sent as an XOAUTH2 bearer token.
 */
export function chooseMechanism(
  offered: readonly string[],
  requested: AuthMechanism | 'auto',
  hasToken: boolean,
): AuthMechanism | undefined {
  // SASL mechanism names are case-insensitive in practice, though RFC 4422
  // §3.1 writes them in upper case; some servers advertise `auth login`.
  const available = new Set(offered.map((name) => name.toUpperCase()));

  if (requested !== 'auto') {
    const allowed = requested !== 'XOAUTH2' || hasToken;
    return allowed && available.has(requested) ? requested : undefined;
  }

  const candidates = hasToken ? (['XOAUTH2'] as const) : PASSWORD_PREFERENCE;
  return candidates.find((mechanism) => available.has(mechanism));
}

/** Reads a mechanism name as the user typed it; undefined when smtp-probe has no such one. */
export function parseAuthMechanism(name: string): AuthMechanism | undefined {
  const upper = name.trim().toUpperCase();
  return AUTH_MECHANISMS.find((mechanism) => mechanism === upper);
}
