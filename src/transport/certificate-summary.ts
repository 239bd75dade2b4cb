/**
 * One certificate as an administrator reads it: names, issuer, validity,
 * key, signature algorithm and fingerprint. The server's own certificate is
 * summarised this way, and so is every certificate of the chain it sent.
 */
import { X509Certificate } from 'node:crypto';
import type { PeerCertificate } from 'node:tls';
import { describeSignatureAlgorithm } from './signature-algorithm.js';

/** The parts of the server certificate an administrator looks at first. */
export interface CertificateSummary {
  readonly subject: string;
  readonly issuer: string;
  readonly subjectAltNames: readonly string[];
  /** ISO dates, or the certificate's own text when it is not a valid date. */
  readonly validFrom: string;
  readonly validTo: string;
  /** Whole days until validTo; negative once expired; undefined for a bad date. */
  readonly daysLeft: number | undefined;
  /** The public key: `RSA 2048`, `EC P-256`. */
  readonly publicKey: string;
  readonly fingerprint256: string;
}

/** A certificate of the chain: the summary, and what places it in the chain. */
export interface ChainCertificate extends CertificateSummary {
  /** How its issuer signed it: `ECDSA with SHA-256`, `RSA with SHA-1`. */
  readonly signatureAlgorithm: string;
  /** basicConstraints says cA: it may issue certificates. */
  readonly isCa: boolean;
  /** Its issuer is itself: a root, or a self-signed server certificate. */
  readonly selfIssued: boolean;
  /** The same certificate (by SHA-256) is in the trust store in effect. */
  readonly inTrustStore: boolean;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** Summarises a certificate as Node.js hands it over after a handshake. */
export function summariseCertificate(peer: PeerCertificate): CertificateSummary {
  const validTo = new Date(peer.valid_to);
  const daysLeft = Math.floor((validTo.getTime() - Date.now()) / DAY_MS);
  return {
    subject: formatName(peer.subject),
    issuer: formatName(peer.issuer),
    subjectAltNames: (peer.subjectaltname ?? '').split(', ').filter((name) => name !== ''),
    validFrom: isoDate(peer.valid_from),
    validTo: isoDate(peer.valid_to),
    daysLeft: Number.isNaN(daysLeft) ? undefined : daysLeft,
    publicKey: describePublicKey(peer.raw),
    fingerprint256: peer.fingerprint256,
  };
}

/** Summarises a certificate of the chain; trusted holds the trust store's SHA-256 fingerprints. */
export function summariseChainCertificate(
  peer: PeerCertificate,
  trusted: ReadonlySet<string>,
): ChainCertificate {
  const x509 = parse(peer.raw);
  return {
    ...summariseCertificate(peer),
    signatureAlgorithm: describeSignatureAlgorithm(peer.raw),
    isCa: x509?.ca ?? false,
    selfIssued: x509 !== undefined && x509.subject === x509.issuer && x509.checkIssued(x509),
    inTrustStore: trusted.has(peer.fingerprint256),
  };
}

/** The names a certificate is for: SAN DNS names and addresses; the CN only when there are none. */
export function certificateNames(peer: PeerCertificate): string[] {
  const sans = (peer.subjectaltname ?? '').split(', ').flatMap((entry) => {
    const match = /^(?:DNS|IP Address):(.+)$/.exec(entry);
    return match ? [match[1]!] : [];
  });
  if (sans.length > 0) return sans;

  // RFC 6125 §6.4.4: the CN counts only when the certificate has no SAN names.
  const cn = (peer.subject as unknown as Record<string, string | string[]> | undefined)?.['CN'];
  return cn === undefined ? [] : [cn].flat();
}

function parse(raw: Buffer): X509Certificate | undefined {
  try {
    return new X509Certificate(raw);
  } catch {
    return undefined;
  }
}

// A hostile or broken certificate can carry a date no parser accepts.
function isoDate(text: string): string {
  const date = new Date(text);
  return Number.isNaN(date.getTime()) ? `unreadable date "${text}"` : date.toISOString();
}

// Node's X509Certificate knows every key type (RSA, RSA-PSS, EC, Ed25519,
// Ed448); the PeerCertificate fields cover only RSA and EC.
function describePublicKey(raw: Buffer): string {
  let publicKey;
  try {
    // A key algorithm OpenSSL does not know parses, then throws on .publicKey.
    publicKey = parse(raw)?.publicKey;
  } catch {
    return 'unreadable';
  }
  if (publicKey === undefined) return 'unreadable';

  const type = publicKey.asymmetricKeyType ?? 'unknown';
  const { modulusLength, namedCurve } = publicKey.asymmetricKeyDetails ?? {};
  const detail = modulusLength ?? (namedCurve && (NIST_CURVES[namedCurve] ?? namedCurve)) ?? '';
  return `${KEY_TYPES[type] ?? type} ${detail}`.trim();
}

// OpenSSL's curve names, as the NIST names people know them by.
const NIST_CURVES: Record<string, string> = {
  prime256v1: 'P-256',
  secp384r1: 'P-384',
  secp521r1: 'P-521',
};

const KEY_TYPES: Record<string, string> = {
  rsa: 'RSA',
  'rsa-pss': 'RSA-PSS',
  ec: 'EC',
  ed25519: 'Ed25519',
  ed448: 'Ed448',
  dsa: 'DSA',
};

// Node gives a distinguished name as an object; a repeated attribute is an
// array. Values are escaped as RFC 4514 does, so that a CN holding ", O=…"
// cannot pass for a second attribute.
function formatName(name: object | undefined): string {
  if (!name) return '';
  return Object.entries(name)
    .flatMap(([key, value]) =>
      (Array.isArray(value) ? value : [value]).map((v) => `${key}=${quoteValue(String(v))}`),
    )
    .join(', ');
}

function quoteValue(value: string): string {
  return value.replace(/[,+"\\<>;=]/g, (char) => `\\${char}`);
}
