/**
 * The TLS options: versions, ciphers, SNI, client certificate. Each is
 * checked before any connection is made, with OpenSSL itself, so that a
 * cipher list it cannot use or a key that does not fit the certificate is
 * a usage error rather than a failed handshake.
 */
import { closeSync, fstatSync, openSync, readSync, statSync } from 'node:fs';
import { createSecureContext, getCiphers } from 'node:tls';
import { UsageError } from '../errors.js';
import {
  TLS_VERSIONS,
  type ClientCertificate,
  type TlsSettings,
  type TlsVersion,
} from '../transport/tls-settings.js';
import { describeFileError } from './file-error.js';

/** The TLS options as commander hands them over. */
export interface RawTlsOptions {
  /** A name, or false with --no-sni. */
  sni?: string | false;
  tlsMin?: TlsVersion;
  tlsMax?: TlsVersion;
  ciphers?: string;
  ciphersuites?: string;
  clientCert?: string;
  clientKey?: string;
}

// A certificate with a few intermediates is under 10 KiB; a key under 4 KiB.
const MAX_CERTIFICATE_FILE = 256 * 1024;
const MAX_KEY_FILE = 64 * 1024;

/** Checks the TLS options and turns them into settings. */
export function toTlsSettings(raw: RawTlsOptions): TlsSettings {
  const { tlsMin, tlsMax } = raw;
  if (tlsMin && tlsMax && TLS_VERSIONS.indexOf(tlsMin) > TLS_VERSIONS.indexOf(tlsMax)) {
    throw new UsageError(`--tls-min ${tlsMin} is above --tls-max ${tlsMax}`);
  }
  checkCiphers(raw.ciphers);
  checkCipherSuites(raw.ciphersuites);

  return {
    sendSni: raw.sni !== false,
    minVersion: tlsMin,
    maxVersion: tlsMax,
    ciphers: raw.ciphers,
    ciphersuites: raw.ciphersuites,
    clientCertificate: readClientCertificate(raw.clientCert, raw.clientKey),
  };
}

function checkCiphers(ciphers: string | undefined): void {
  if (ciphers === undefined) return;
  try {
    createSecureContext({ ciphers });
  } catch {
    throw new UsageError(
      `invalid --ciphers "${ciphers}": OpenSSL matches no cipher in it`,
      'see `openssl ciphers -v` for the names this OpenSSL knows',
    );
  }
}

// OpenSSL takes an unknown TLS 1.3 suite name here without complaint and
// fails only in the handshake: each name is checked against its list.
function checkCipherSuites(suites: string | undefined): void {
  if (suites === undefined) return;
  const known = new Set(getCiphers().filter((name) => name.startsWith('tls_')));
  const unknown = suites.split(':').filter((name) => !known.has(name.toLowerCase()));
  if (unknown.length === 0) return;

  const names = [...known].map((name) => name.toUpperCase()).join(', ');
  throw new UsageError(`unknown TLS 1.3 cipher suite ${unknown.join(', ')}: expected ${names}`);
}

function readClientCertificate(
  certFile: string | undefined,
  keyFile: string | undefined,
): ClientCertificate | undefined {
  if (certFile === undefined && keyFile === undefined) return undefined;
  if (certFile === undefined || keyFile === undefined) {
    throw new UsageError('--client-cert and --client-key go together: give both');
  }

  const cert = readPem(certFile, '--client-cert', MAX_CERTIFICATE_FILE, 'CERTIFICATE');
  const key = readPem(keyFile, '--client-key', MAX_KEY_FILE, 'PRIVATE KEY');
  try {
    createSecureContext({ cert, key });
  } catch {
    // OpenSSL's message is not repeated: nothing of the key reaches any output.
    throw new UsageError(`the --client-key does not fit the certificate in ${certFile}`);
  }
  return { cert, key, file: certFile };
}

// Only a regular file and only its first bytes: a FIFO would block and a
// device could feed the read for ever. The key file is read the same way
// and its contents never appear in a message.
function readPem(path: string, option: string, limit: number, label: string): string {
  let text: string;
  try {
    // Checked before open() too: opening a FIFO would wait for a writer.
    if (!statSync(path).isFile()) throw Object.assign(new Error(), { code: 'ENOTFILE' });
    const fd = openSync(path, 'r');
    try {
      if (!fstatSync(fd).isFile()) throw Object.assign(new Error(), { code: 'ENOTFILE' });
      const buffer = Buffer.alloc(limit + 1);
      const length = readSync(fd, buffer, 0, buffer.length, 0);
      if (length > limit) throw new UsageError(`${option} ${path} is over ${limit / 1024} KiB`);
      text = buffer.subarray(0, length).toString('utf8');
    } finally {
      closeSync(fd);
    }
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(`cannot read ${option} ${path}: ${describeFileError(error)}`);
  }

  if (!new RegExp(`-----BEGIN [A-Z ]*${label}-----`).test(text)) {
    throw new UsageError(`${option} ${path} holds no PEM ${label.toLowerCase()}`);
  }
  return text;
}
