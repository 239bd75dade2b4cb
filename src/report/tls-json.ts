/**
 * The `tls` object of the JSON report (docs/json.md, $defs/tls in
 * docs/schema/report.schema.json). `certificate` keeps its first shape for
 * existing readers; `chain` holds it again, with the issuers after it.
 */
import type { CertificateSummary, ChainCertificate, TlsSession } from '../transport/tls-session.js';
import type { OcspStaple } from '../transport/ocsp.js';
import type { TlsSettings } from '../transport/tls-settings.js';
import { MAX_LISTED } from '../transport/sent-chain.js';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

/** The TLS session as the report gives it. */
export function tlsJson(tls: TlsSession): JsonObject {
  const { certificate, verification } = tls;
  return {
    protocol: tls.protocol,
    cipher: tls.cipher,
    keyExchange: tls.keyExchange ?? null,
    servername: tls.servername ?? null,
    handshakeMs: Math.round(tls.handshakeMs * 10) / 10,
    certificate: certificate ? certificateJson(certificate) : null,
    chain: tls.chain.map(chainCertificateJson),
    sent: {
      unreadable: tls.sent.unreadable ?? null,
      total: tls.sent.certificates?.length ?? 0,
      certificates: (tls.sent.certificates ?? []).slice(0, MAX_LISTED).map((sent) => ({
        subject: sent.subject,
        fingerprint256: sent.fingerprint256,
        chainIndex: sent.chainIndex ?? null,
      })),
    },
    chainNotes: [...tls.chainNotes],
    ocsp: ocspJson(tls.ocsp),
    settings: settingsJson(tls.settings),
    verification: {
      trusted: verification.trusted,
      chainProblem: verification.chainProblem ?? null,
      chainErrorCode: verification.chainErrorCode ?? null,
      checkedName: verification.checkedName,
      nameMatches: verification.nameMatches,
      certificateNames: [...verification.certificateNames],
      trustStore: verification.trustStore,
    },
  };
}

function certificateJson(certificate: CertificateSummary): JsonObject {
  return {
    subject: certificate.subject,
    issuer: certificate.issuer,
    subjectAltNames: [...certificate.subjectAltNames],
    validFrom: certificate.validFrom,
    validTo: certificate.validTo,
    daysLeft: certificate.daysLeft ?? null,
    publicKey: certificate.publicKey,
    fingerprint256: certificate.fingerprint256,
  };
}

function chainCertificateJson(certificate: ChainCertificate): JsonObject {
  return {
    ...certificateJson(certificate),
    signatureAlgorithm: certificate.signatureAlgorithm,
    isCa: certificate.isCa,
    selfIssued: certificate.selfIssued,
    inTrustStore: certificate.inTrustStore,
  };
}

function ocspJson(ocsp: OcspStaple): JsonObject {
  return {
    stapled: ocsp.stapled,
    bytes: ocsp.bytes,
    status: ocsp.status ?? null,
    thisUpdate: ocsp.thisUpdate ?? null,
    nextUpdate: ocsp.nextUpdate ?? null,
  };
}

// The client certificate's file is named; its key never is.
function settingsJson(settings: TlsSettings): JsonObject {
  return {
    sni: settings.sendSni,
    minVersion: settings.minVersion ?? null,
    maxVersion: settings.maxVersion ?? null,
    ciphers: settings.ciphers ?? null,
    ciphersuites: settings.ciphersuites ?? null,
    clientCertificate: settings.clientCertificate?.file ?? null,
  };
}
