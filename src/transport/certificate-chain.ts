/**
 * The chain of certificates behind the server's own, as Node.js links it
 * after the handshake, and what is wrong with its shape.
 *
 * Node.js (getPeerCertificate(true)) starts from the first certificate the
 * server sent, links each to its issuer among the others sent, then goes on
 * with issuers from the trust store; the last one points to itself. So the
 * chain here is in issuing order: certificates sent out of order or sent
 * without relation to the rest cannot be told apart through this API.
 */
import { X509Certificate } from 'node:crypto';
import { rootCertificates, type DetailedPeerCertificate, type TLSSocket } from 'node:tls';
import { summariseChainCertificate, type ChainCertificate } from './certificate-summary.js';
import { isWeakSignature } from './signature-algorithm.js';

/** More than this is no real chain (OpenSSL's default verify depth is 100, real ones are 2–4). */
export const MAX_CHAIN = 20;

/** The trust store's certificates, parsed once per PEM text. */
export interface TrustAnchors {
  /** Their SHA-256 fingerprints, as Node.js writes them (`AB:CD:…`). */
  readonly fingerprints: ReadonlySet<string>;
}

/** Walks the chain from the server's certificate to the last issuer known, bounded. */
export function readChain(socket: TLSSocket, anchors: TrustAnchors): ChainCertificate[] {
  return walkChain(socket).map((peer) => summariseChainCertificate(peer, anchors.fingerprints));
}

/** The same chain as DER bytes, for matching TLSA records (src/session/dane.ts). */
export function readChainDer(socket: TLSSocket): Buffer[] {
  return walkChain(socket).map((peer) => peer.raw);
}

/** The chain goes on past MAX_CHAIN: what is shown of it is cut short. */
export function isChainCut(socket: TLSSocket): boolean {
  return walkChain(socket, MAX_CHAIN + 1).length > MAX_CHAIN;
}

function walkChain(socket: TLSSocket, limit = MAX_CHAIN): DetailedPeerCertificate[] {
  const chain: DetailedPeerCertificate[] = [];
  const seen = new Set<DetailedPeerCertificate>();
  let peer: DetailedPeerCertificate | undefined = socket.getPeerCertificate(true);

  while (peer?.raw !== undefined && !seen.has(peer) && chain.length < limit) {
    seen.add(peer);
    // The trust store's copy of a root the server also sent comes next: one is enough.
    if (chain.at(-1)?.fingerprint256 !== peer.fingerprint256) chain.push(peer);
    peer = peer.issuerCertificate;
  }
  return chain;
}

/**
 * What is wrong with the chain's shape, in plain words: a CA certificate
 * where the server's own belongs, a certificate after it that may not
 * issue, an expired intermediate, a weak signature. Empty when none.
 */
export function describeChainShape(chain: readonly ChainCertificate[], cut: boolean): string[] {
  const problems: string[] = [];
  if (cut) {
    problems.push(
      `the chain is longer than ${MAX_CHAIN} certificates: only ${MAX_CHAIN} are shown`,
    );
  }
  const [leaf, ...issuers] = chain;
  // A self-signed certificate alone is often marked CA (openssl req -x509
  // does so): the verdict says self-signed, and its place is not the fault.
  if (leaf?.isCa && !(leaf.selfIssued && issuers.length === 0)) {
    problems.push(
      "the first certificate sent is a CA certificate: the server's own should be first",
    );
  }
  for (const certificate of issuers) {
    const who = `"${certificate.subject}"`;
    if (!certificate.isCa) problems.push(`${who} issues a certificate but is not a CA`);
    if ((certificate.daysLeft ?? 0) < 0) problems.push(`${who} has expired`);
  }
  for (const certificate of chain.filter((c) => !c.selfIssued || c === leaf)) {
    if (isWeakSignature(certificate.signatureAlgorithm)) {
      problems.push(`"${certificate.subject}" is signed with ${certificate.signatureAlgorithm}`);
    }
  }
  return problems;
}

const cache = new Map<string | undefined, TrustAnchors>();

/** Parses the trust store's PEM (undefined: Node's bundled roots) into anchors, once. */
export function trustAnchors(ca: string | undefined): TrustAnchors {
  const known = cache.get(ca);
  if (known) return known;

  const certificates = (ca === undefined ? rootCertificates : splitPem(ca)).flatMap(parsePem);
  const anchors = {
    fingerprints: new Set(certificates.map((certificate) => certificate.fingerprint256)),
  };
  cache.set(ca, anchors);
  return anchors;
}

function splitPem(pem: string): string[] {
  return pem.match(/-----BEGIN CERTIFICATE-----[^-]+-----END CERTIFICATE-----/g) ?? [];
}

function parsePem(pem: string): X509Certificate[] {
  try {
    return [new X509Certificate(pem)];
  } catch {
    // A bundle may hold a damaged entry; OpenSSL skips it too.
    return [];
  }
}
