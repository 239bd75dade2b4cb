/**
 * The TLS client smtp-probe runs over an SMTP connection: it reports
 * rather than refuses (verification is judged later), asks for a stapled
 * OCSP response, and keeps what the certificates sent need to be read
 * (the handshake bytes, and in TLS 1.3 the server's handshake secret).
 */
import type * as NodeTls from 'node:tls';
import type { TLSSocket } from 'node:tls';
import { serverHandshakeSecret } from './certificate-message.js';
import type { HandshakeTap } from './handshake-tap.js';
import { secureContextOptions, type TlsSettings } from './tls-settings.js';

/** What the TLS handshake needs to know. */
export interface TlsUpgrade {
  readonly stage: 'tls';
  /** SNI name; undefined for an IP address target (RFC 6066 §3 forbids them). */
  readonly servername: string | undefined;
  /** The name or address the certificate must match. */
  readonly checkedName: string;
  readonly ca: string | undefined;
  readonly trustStore: string;
  /** Versions, ciphers, client certificate; SNI is decided in servername already. */
  readonly settings: TlsSettings;
  readonly timeoutMs: number;
  /** Said after a failure: what to try instead. */
  readonly hintOnPlaintext: string;
}

/** What the handshake left besides the socket. */
export interface HandshakeLeftovers {
  /** The 'OCSPResponse' event's buffer; null when nothing was stapled. */
  readonly staple: Buffer | null | undefined;
  readonly handshake: { readonly bytes: Buffer; readonly serverHandshakeSecret?: Buffer };
}

/** A TLS client whose handshake is under way. */
export interface TlsClient {
  readonly socket: TLSSocket;
  /** When the ClientHello went out (performance.now()). */
  readonly startedAt: number;
  /** Once the handshake is done: stops listening and gives what it left. */
  finish(): HandshakeLeftovers;
}

/** Starts the handshake over the tap; node:tls is passed in, loaded lazily by the caller. */
export function openTlsClient(
  tls: typeof NodeTls,
  tap: HandshakeTap,
  upgrade: TlsUpgrade,
): TlsClient {
  // Parsing a system CA bundle takes ~20 ms: done before the clock starts,
  // so that the handshake time reported is the server's, not ours.
  const options = secureContextOptions(upgrade.settings, upgrade.ca, tls.DEFAULT_CIPHERS);
  const secureContext = tls.createSecureContext(options);
  const startedAt = performance.now();
  const socket = tls.connect({
    socket: tap,
    servername: upgrade.servername,
    secureContext,
    // Verification is reported, not enforced here; --tls-verify decides later.
    rejectUnauthorized: false,
    checkServerIdentity: () => undefined,
    // tls.connect hands requestOCSP to the TLSSocket, though @types/node
    // leaves it out: a staple is read if sent; none is ever fetched.
    ...{ requestOCSP: true },
  });

  let staple: Buffer | null | undefined;
  socket.once('OCSPResponse', (response: Buffer | null) => (staple = response));
  // TLS 1.3 encrypts the certificates sent: their key comes from the key
  // log. Every other secret it carries (those of the SMTP session) is let go.
  let secret: Buffer | undefined;
  const keylog = (line: Buffer): void => {
    secret ??= serverHandshakeSecret(line);
  };
  socket.on('keylog', keylog);

  const finish = (): HandshakeLeftovers => {
    socket.off('keylog', keylog);
    const bytes = tap.stopRecording();
    return { staple, handshake: secret ? { bytes, serverHandshakeSecret: secret } : { bytes } };
  };
  return { socket, startedAt, finish };
}
