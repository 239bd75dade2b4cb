/**
 * The TLS choices a user can make on the command line: versions, ciphers,
 * SNI, and a client certificate. They go into every handshake, implicit TLS
 * and STARTTLS alike, and are reported with the session.
 */

/** A TLS protocol version as Node.js and OpenSSL name it. */
export type TlsVersion = 'TLSv1' | 'TLSv1.1' | 'TLSv1.2' | 'TLSv1.3';

export const TLS_VERSIONS: readonly TlsVersion[] = ['TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3'];

/** A client certificate and its key, PEM; the certificate file may hold its chain after it. */
export interface ClientCertificate {
  readonly cert: string;
  readonly key: string;
  /** The certificate file's path, for the transcript; the key's path is never shown. */
  readonly file: string;
}

/** TLS settings beyond the defaults; undefined fields leave Node.js's defaults. */
export interface TlsSettings {
  /** False with --no-sni: no server_name extension at all. */
  readonly sendSni: boolean;
  readonly minVersion: TlsVersion | undefined;
  readonly maxVersion: TlsVersion | undefined;
  /** OpenSSL cipher list for TLS 1.2 and below. */
  readonly ciphers: string | undefined;
  /** TLS 1.3 cipher suites, colon-separated. */
  readonly ciphersuites: string | undefined;
  readonly clientCertificate: ClientCertificate | undefined;
}

/** No choices made: Node.js's defaults, SNI sent. */
export const DEFAULT_TLS_SETTINGS: TlsSettings = {
  sendSni: true,
  minVersion: undefined,
  maxVersion: undefined,
  ciphers: undefined,
  ciphersuites: undefined,
  clientCertificate: undefined,
};

/**
 * The settings as tls.createSecureContext takes them. Node has no option
 * of its own for TLS 1.3 suites: OpenSSL reads them from the cipher list,
 * beside the TLS 1.2 ciphers (the given ones, or Node's default ones).
 */
export function secureContextOptions(
  settings: TlsSettings,
  ca: string | undefined,
  defaultCiphers: string,
) {
  const { ciphers, ciphersuites } = settings;
  const older =
    ciphers ??
    defaultCiphers
      .split(':')
      .filter((c) => !c.startsWith('TLS_'))
      .join(':');
  return {
    ca,
    minVersion: settings.minVersion,
    maxVersion: settings.maxVersion,
    ciphers: ciphersuites === undefined ? ciphers : `${ciphersuites}:${older}`,
    cert: settings.clientCertificate?.cert,
    key: settings.clientCertificate?.key,
  };
}
