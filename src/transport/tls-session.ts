/**
 * What a TLS handshake produced, summarised for the transcript: protocol,
 * cipher, the chain of certificates, a stapled OCSP response, and whether
 * the certificate verifies, with the reason in plain words when it does not.
 */
import { checkServerIdentity, type TLSSocket } from 'node:tls';
import {
  describeChainShape,
  isChainCut,
  readChain,
  readChainDer,
  trustAnchors,
} from './certificate-chain.js';
import {
  certificateNames,
  summariseCertificate,
  type CertificateSummary,
  type ChainCertificate,
} from './certificate-summary.js';
import { explainChainError } from './chain-verdict.js';
import { readSentCertificates } from './certificate-message.js';
import { readStaple, type OcspStaple } from './ocsp.js';
import { describeSentChain, placeSentCertificates, type SentChain } from './sent-chain.js';
import type { TlsSettings } from './tls-settings.js';

export type { CertificateSummary, ChainCertificate } from './certificate-summary.js';
export type { SentChain } from './sent-chain.js';

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
  /** The names the certificate is for (SAN DNS names and addresses, else its CN). */
  readonly certificateNames: readonly string[];
  readonly trustStore: string;
}

/** A negotiated TLS session as smtp-probe reports it. */
export interface TlsSession {
  readonly protocol: string;
  readonly cipher: string;
  /** The ephemeral key exchange: `X25519`, `ECDH P-256`, `DH 2048`. */
  readonly keyExchange: string | undefined;
  /** The SNI name sent, if any (none for an IP address target or with --no-sni). */
  readonly servername: string | undefined;
  readonly handshakeMs: number;
  /** The server's own certificate. */
  readonly certificate: CertificateSummary | undefined;
  /** The server's certificate and its issuers, as linked (see certificate-chain.ts). */
  readonly chain: readonly ChainCertificate[];
  /** The same chain as DER bytes, in the same order; never in a report. */
  readonly chainDer: readonly Buffer[];
  /** The certificates as the server sent them, placed in the chain. */
  readonly sent: SentChain;
  /** The same as DER bytes; undefined when they could not be read. Never in a report. */
  readonly sentDer: readonly Buffer[] | undefined;
  /** What is wrong with the chain's shape, in words; empty when nothing is. */
  readonly chainNotes: readonly string[];
  readonly ocsp: OcspStaple;
  readonly settings: TlsSettings;
  readonly verification: TlsVerification;
}

/** What describeTlsSession needs besides the socket. */
export interface TlsSessionDetails {
  readonly checkedName: string;
  readonly servername: string | undefined;
  readonly handshakeMs: number;
  readonly trustStore: string;
  readonly ca: string | undefined;
  readonly settings: TlsSettings;
  /** The 'OCSPResponse' event's buffer; null when the server stapled nothing. */
  readonly staple: Buffer | null | undefined;
  /** What the server sent during the handshake, and the TLS 1.3 secret to read it. */
  readonly handshake: {
    readonly bytes: Buffer;
    readonly serverHandshakeSecret?: Buffer | undefined;
  };
}

/** Summarises a TLS socket right after its handshake. */
export function describeTlsSession(socket: TLSSocket, details: TlsSessionDetails): TlsSession {
  const peer = socket.getPeerCertificate();
  const present = peer !== undefined && Object.keys(peer).length > 0;
  const chain = present ? readChain(socket, trustAnchors(details.ca)) : [];
  const chainErrorCode = socket.authorized ? undefined : errorCode(socket.authorizationError);
  const nameMatches = present && checkServerIdentity(details.checkedName, peer) === undefined;
  const protocol = socket.getProtocol() ?? 'unknown';
  const cipher = socket.getCipher()?.standardName ?? socket.getCipher()?.name ?? 'unknown';
  const sentDer = readSentCertificates({ ...details.handshake, protocol, cipher });
  const sent = placeSentCertificates(sentDer, chain);
  const cut = present && isChainCut(socket);

  return {
    protocol,
    cipher,
    keyExchange: describeKeyExchange(socket.getEphemeralKeyInfo()),
    servername: details.servername,
    handshakeMs: details.handshakeMs,
    certificate: present ? summariseCertificate(peer) : undefined,
    chain,
    chainDer: present ? readChainDer(socket) : [],
    sent,
    sentDer: sentDer.certificates,
    chainNotes: [...describeChainShape(chain, cut), ...describeSentChain(sent, chain, cut)],
    ocsp: readStaple(details.staple),
    settings: details.settings,
    verification: {
      trusted: socket.authorized && nameMatches,
      chainProblem: chainErrorCode && explainChainError(chainErrorCode, chain),
      chainErrorCode,
      checkedName: details.checkedName,
      nameMatches,
      certificateNames: present ? certificateNames(peer) : [],
      trustStore: details.trustStore,
    },
  };
}

function describeKeyExchange(info: object | null): string | undefined {
  const { type, name, size } = (info ?? {}) as { type?: string; name?: string; size?: number };
  if (type === undefined) return undefined;
  if (type === 'DH') return `DH ${size}`;
  return name === 'X25519' || name === 'X448' ? name : `${type} ${name ?? ''}`.trim();
}

function errorCode(error: Error | string | undefined | null): string | undefined {
  if (error === undefined || error === null) return undefined;
  if (typeof error === 'string') return error;
  return (error as NodeJS.ErrnoException).code ?? error.message;
}
