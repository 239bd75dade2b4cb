/**
 * The algorithm a certificate's issuer signed it with. Node.js 20's
 * X509Certificate has no accessor for it, so the signatureAlgorithm field
 * (RFC 5280 §4.1.1.2) is read from the DER and named from a table.
 */
import { decodeOid, readChildren, readTlv } from './der.js';

// The signature algorithms seen on server certificates, and the old ones
// worth naming when a server still has them (RFC 3279, 4055, 5758, 8410).
const SIGNATURE_ALGORITHMS: Record<string, string> = {
  '1.2.840.113549.1.1.4': 'RSA with MD5',
  '1.2.840.113549.1.1.5': 'RSA with SHA-1',
  '1.2.840.113549.1.1.14': 'RSA with SHA-224',
  '1.2.840.113549.1.1.11': 'RSA with SHA-256',
  '1.2.840.113549.1.1.12': 'RSA with SHA-384',
  '1.2.840.113549.1.1.13': 'RSA with SHA-512',
  '1.2.840.113549.1.1.10': 'RSASSA-PSS',
  '1.2.840.10045.4.1': 'ECDSA with SHA-1',
  '1.2.840.10045.4.3.1': 'ECDSA with SHA-224',
  '1.2.840.10045.4.3.2': 'ECDSA with SHA-256',
  '1.2.840.10045.4.3.3': 'ECDSA with SHA-384',
  '1.2.840.10045.4.3.4': 'ECDSA with SHA-512',
  '1.3.101.112': 'Ed25519',
  '1.3.101.113': 'Ed448',
  '1.2.840.10040.4.3': 'DSA with SHA-1',
  '2.16.840.1.101.3.4.3.2': 'DSA with SHA-256',
};

/** Names the signature algorithm of a DER certificate; the OID itself when not in the table. */
export function describeSignatureAlgorithm(der: Uint8Array): string {
  const oid = readSignatureOid(der);
  if (oid === undefined) return 'unreadable';
  return SIGNATURE_ALGORITHMS[oid] ?? `OID ${oid}`;
}

/** True for a signature whose hash is broken for certificates: MD5 or SHA-1. */
export function isWeakSignature(name: string): boolean {
  return /\b(MD5|SHA-1)$/.test(name);
}

// Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm, signatureValue }
// AlgorithmIdentifier ::= SEQUENCE { algorithm OBJECT IDENTIFIER, parameters ANY OPTIONAL }
function readSignatureOid(der: Uint8Array): string | undefined {
  const certificate = readTlv(der, 0);
  if (certificate?.tag !== 0x30) return undefined;

  const [, algorithm] = readChildren(der, certificate) ?? [];
  if (algorithm?.tag !== 0x30) return undefined;

  const oid = readTlv(der, algorithm.start, algorithm.end);
  return oid && decodeOid(der, oid);
}
