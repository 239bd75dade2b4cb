/**
 * What a TLS handshake produced, summarised for the transcript: protocol,
 * cipher, the server certificate, and whether it verifies, with the reason
 * in plain words when it does not.
 */
import { X509Certificate } from 'node:crypto';
import { checkServerIdentity, type PeerCertificate, type TLSSocket } from 'node:tls';

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

/** The verdict on the certificate: chain of trust and host name, apart. */
export interface TlsVerification {
  readonly trusted: boolean;
  /** Why the chain does not verify, in plain words; undefined when it does. */
  readonly chainProblem: string | undefined;
  /** OpenSSL's code for the chain problem, e.g. DEPTH_ZERO_SELF_SIGNED_CERT. */
  readonly chainErrorCode: string | undefined;
  /** The name (or address) the certificate was checked against. */
  readonly checkedName: string;
  readonly nameMatches: boolean;
  readonly trustStore: string;
}

/** A negotiated TLS session as smtp-probe reports it. */
export interface TlsSession {
  readonly protocol: string;
  readonly cipher: string;
  /** The ephemeral key exchange: `X25519`, `ECDH P-256`, `DH 2048`. */
  readonly keyExchange: string | undefined;
  /** The SNI name sent, if any (none for an IP address target). */
  readonly servername: string | undefined;
  readonly handshakeMs: number;
  readonly certificate: CertificateSummary | undefined;
  readonly verification: TlsVerification;
}

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
};

const DAY_MS = 24 * 60 * 60 * 1000;

/** Summarises a TLS socket right after its handshake. */
export function describeTlsSession(
  socket: TLSSocket,
  details: {
    checkedName: string;
    servername: string | undefined;
    handshakeMs: number;
    trustStore: string;
  },
): TlsSession {
  const peer = socket.getPeerCertificate();
  const certificate = isPresent(peer) ? summariseCertificate(peer) : undefined;
  const chainErrorCode = socket.authorized ? undefined : errorCode(socket.authorizationError);
  const nameMatches =
    isPresent(peer) && checkServerIdentity(details.checkedName, peer) === undefined;

  return {
    protocol: socket.getProtocol() ?? 'unknown',
    cipher: socket.getCipher()?.standardName ?? socket.getCipher()?.name ?? 'unknown',
    keyExchange: describeKeyExchange(socket.getEphemeralKeyInfo()),
    servername: details.servername,
    handshakeMs: details.handshakeMs,
    certificate,
    verification: {
      trusted: socket.authorized && nameMatches,
      chainProblem: chainErrorCode && (CHAIN_PROBLEMS[chainErrorCode] ?? inWords(chainErrorCode)),
      chainErrorCode,
      checkedName: details.checkedName,
      nameMatches,
      trustStore: details.trustStore,
    },
  };
}

function summariseCertificate(peer: PeerCertificate): CertificateSummary {
  const validTo = new Date(peer.valid_to);
  const daysLeft = Math.floor((validTo.getTime() - Date.now()) / DAY_MS);
  return {
    subject: formatName(peer.subject),
    issuer: formatName(peer.issuer),
    subjectAltNames: (peer.subjectaltname ?? '').split(', ').filter((name) => name !== ''),
    validFrom: isoDate(peer.valid_from),
    validTo: isoDate(peer.valid_to),
    daysLeft: Number.isNaN(daysLeft) ? undefined : daysLeft,
    publicKey: describePublicKey(peer),
    fingerprint256: peer.fingerprint256,
  };
}

// A hostile or broken certificate can carry a date no parser accepts.
function isoDate(text: string): string {
  const date = new Date(text);
  return Number.isNaN(date.getTime()) ? `unreadable date "${text}"` : date.toISOString();
}

// Node's X509Certificate knows every key type (RSA, RSA-PSS, EC, Ed25519,
// Ed448); the PeerCertificate fields cover only RSA and EC.
function describePublicKey(peer: PeerCertificate): string {
  try {
    const { publicKey } = new X509Certificate(peer.raw);
    const type = publicKey.asymmetricKeyType ?? 'unknown';
    const { modulusLength, namedCurve } = publicKey.asymmetricKeyDetails ?? {};
    const detail = modulusLength ?? (namedCurve && (NIST_CURVES[namedCurve] ?? namedCurve)) ?? '';
    return `${KEY_TYPES[type] ?? type} ${detail}`.trim();
  } catch {
    return 'unreadable';
  }
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

function describeKeyExchange(info: object | null): string | undefined {
  const { type, name, size } = (info ?? {}) as { type?: string; name?: string; size?: number };
  if (type === undefined) return undefined;
  if (type === 'DH') return `DH ${size}`;
  return name === 'X25519' || name === 'X448' ? name : `${type} ${name ?? ''}`.trim();
}

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

// An OpenSSL code not in the table, said in words: CERT_REJECTED → "cert rejected".
function inWords(code: string): string {
  return code.replace(/^ERR_/, '').toLowerCase().replaceAll('_', ' ');
}

function isPresent(peer: PeerCertificate | undefined): peer is PeerCertificate {
  return peer !== undefined && Object.keys(peer).length > 0;
}

function errorCode(error: Error | string | undefined | null): string | undefined {
  if (error === undefined || error === null) return undefined;
  if (typeof error === 'string') return error;
  return (error as NodeJS.ErrnoException).code ?? error.message;
}
