/**
 * Why a chain does not verify, in plain words: OpenSSL's code read
 * together with the chain, so that the words name the certificate at fault,
 * its dates, and whether an intermediate is likely missing.
 */
import type { ChainCertificate } from './certificate-summary.js';

// What each OpenSSL code means when the chain gives nothing more to say.
const CHAIN_PROBLEMS: Record<string, string> = {
  DEPTH_ZERO_SELF_SIGNED_CERT: 'self-signed certificate',
  SELF_SIGNED_CERT_IN_CHAIN: 'the chain ends in a self-signed root that is not trusted',
  CERT_HAS_EXPIRED: 'certificate has expired',
  CERT_NOT_YET_VALID: 'certificate is not yet valid',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'issuer unknown: not in the trust store',
  UNABLE_TO_GET_ISSUER_CERT: 'issuer unknown',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE:
    'issuer not found: the chain is incomplete (intermediate missing) or the CA is not trusted',
  CERT_SIGNATURE_FAILURE: 'certificate signature does not verify',
  CERT_REVOKED: 'certificate has been revoked',
  ERR_TLS_CERT_ALTNAME_INVALID: 'certificate names do not match',
  ERROR_IN_CERT_NOT_BEFORE_FIELD: "the certificate's start date is malformed",
  ERROR_IN_CERT_NOT_AFTER_FIELD: "the certificate's expiry date is malformed",
  CERT_UNTRUSTED: 'certificate not trusted for this purpose',
  CERT_CHAIN_TOO_LONG: 'certificate chain too long',
  INVALID_CA: 'an issuer in the chain is not a valid CA',
  INVALID_PURPOSE: 'the certificate is not meant for a TLS server (extendedKeyUsage)',
};

const DAY_MS = 24 * 60 * 60 * 1000;

const ISSUER_NOT_FOUND = new Set([
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
]);

/** Says why the chain failed, given OpenSSL's code and the chain as linked. */
export function explainChainError(code: string, chain: readonly ChainCertificate[]): string {
  const leaf = chain[0];
  const last = chain.at(-1);
  if (leaf === undefined || last === undefined) return CHAIN_PROBLEMS[code] ?? inWords(code);

  if (code === 'CERT_HAS_EXPIRED') return describeExpiry(chain);
  // OpenSSL says "purpose" both for a server certificate without
  // serverAuth and for an issuer that is no CA: the chain tells which.
  const notCa = chain.slice(1).find((certificate) => !certificate.isCa);
  if ((code === 'INVALID_PURPOSE' || code === 'INVALID_CA') && notCa) {
    return `the issuer "${notCa.subject}" is not a CA (basicConstraints), yet issues a certificate`;
  }
  if (code === 'CERT_NOT_YET_VALID') return describeNotYetValid(chain);
  if (code === 'DEPTH_ZERO_SELF_SIGNED_CERT') {
    return 'self-signed certificate: its own issuer, and not in the trust store';
  }
  if (code === 'SELF_SIGNED_CERT_IN_CHAIN') {
    const root = `"${last.subject}"`;
    return `unknown root: the chain ends in ${root}, self-signed and not in the trust store`;
  }
  if (ISSUER_NOT_FOUND.has(code)) return describeMissingIssuer(chain.length, last);
  return CHAIN_PROBLEMS[code] ?? inWords(code);
}

// A chain that stops at a certificate whose issuer is neither sent nor
// trusted. When the server sent its own certificate alone, the likely fault
// is the server's: an intermediate it should send (RFC 8446 §4.4.2).
function describeMissingIssuer(length: number, last: ChainCertificate): string {
  if (length === 1) {
    return (
      `incomplete chain: the server sent no intermediate certificate, and the issuer ` +
      `"${last.issuer}" is not in the trust store (an intermediate missing, or a CA not trusted)`
    );
  }
  const issuer = `"${last.issuer}"`;
  return `unknown issuer: ${issuer}, which issued the last certificate sent, is not trusted`;
}

function describeExpiry(chain: readonly ChainCertificate[]): string {
  const expired = chain.find((certificate) => (certificate.daysLeft ?? 0) < 0) ?? chain[0]!;
  // Whole days since the expiry: daysLeft rounds down, a day too many once negative.
  const ago = Math.floor((Date.now() - Date.parse(expired.validTo)) / DAY_MS);
  const which = expired === chain[0] ? 'certificate' : `issuer certificate "${expired.subject}"`;
  return `${which} expired on ${day(expired.validTo)} (${days(ago)} ago)`;
}

function describeNotYetValid(chain: readonly ChainCertificate[]): string {
  const now = Date.now();
  const early = chain.find((certificate) => Date.parse(certificate.validFrom) > now) ?? chain[0]!;
  const until = Math.ceil((Date.parse(early.validFrom) - now) / DAY_MS);
  const which = early === chain[0] ? 'certificate' : `issuer certificate "${early.subject}"`;
  const when = Number.isNaN(until) ? '' : ` (in ${days(until)})`;
  return `${which} not yet valid: valid from ${day(early.validFrom)}${when}`;
}

function day(iso: string): string {
  return iso.slice(0, 10);
}

function days(n: number): string {
  return `${n} ${n === 1 ? 'day' : 'days'}`;
}

// An OpenSSL code not in the table, said in words: CERT_REJECTED → "cert rejected".
function inWords(code: string): string {
  return code.replace(/^ERR_/, '').toLowerCase().replaceAll('_', ' ');
}
