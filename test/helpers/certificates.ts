/**
 * TLS certificates made during the test run (nothing is committed): a
 * self-signed server certificate, or a private CA, the intermediates it
 * issues, and the leaves they issue.
 */
import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

const ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
const DAY_MS = 24 * 60 * 60 * 1000;

/** A certificate and its private key, both PEM. */
export interface CertificatePair {
  readonly cert: string;
  readonly key: string;
}

/** Options for a server certificate. */
export interface CertificateOptions {
  /** DNS names in the subjectAltName; the first is also the CN. */
  readonly names?: readonly string[];
  readonly ips?: readonly string[];
  /** Validity relative to now, in days; negative notAfter makes it expired. */
  readonly notBeforeDays?: number;
  readonly notAfterDays?: number;
  /** A client certificate (extendedKeyUsage clientAuth) rather than a server's. */
  readonly client?: boolean;
}

/** Makes a self-signed server certificate (default: mx.probe.test and 127.0.0.1). */
export async function makeSelfSigned(options: CertificateOptions = {}): Promise<CertificatePair> {
  const keys = await generateKeys();
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial(),
    name: `CN=${(options.names ?? ['mx.probe.test'])[0]}`,
    ...validity(options),
    signingAlgorithm: ALGORITHM,
    keys,
    extensions: serverExtensions(options),
  });
  return { cert: cert.toString('pem'), key: await exportKey(keys.privateKey) };
}

/** A private CA that can issue server certificates and intermediate CAs. */
export interface CertificateAuthority extends CertificatePair {
  issue(options?: CertificateOptions): Promise<CertificatePair>;
  /** An intermediate CA under this one; its `cert` is the intermediate alone. */
  intermediate(name: string, options?: { notCa?: boolean }): Promise<CertificateAuthority>;
}

/** Makes a private CA, for tests of --ca and of successful verification. */
export async function makeCertificateAuthority(
  name = 'smtp-probe test CA',
): Promise<CertificateAuthority> {
  const keys = await generateKeys();
  const caCert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial(),
    name: `CN=${name}`,
    ...validity({}),
    signingAlgorithm: ALGORITHM,
    keys,
    extensions: caExtensions(),
  });
  return authority(caCert, keys);
}

async function authority(
  caCert: x509.X509Certificate,
  keys: KeyPair,
): Promise<CertificateAuthority> {
  const issue = async (options: CertificateOptions = {}): Promise<CertificatePair> => {
    const leafKeys = await generateKeys();
    const leaf = await x509.X509CertificateGenerator.create({
      serialNumber: serial(),
      subject: `CN=${(options.names ?? ['mx.probe.test'])[0]}`,
      issuer: caCert.subject,
      ...validity(options),
      signingAlgorithm: ALGORITHM,
      publicKey: leafKeys.publicKey,
      signingKey: keys.privateKey,
      extensions: serverExtensions(options),
    });
    return { cert: leaf.toString('pem'), key: await exportKey(leafKeys.privateKey) };
  };

  // `notCa` makes a broken intermediate: it signs, but its basicConstraints say it may not.
  const intermediate = async (
    name: string,
    { notCa = false }: { notCa?: boolean } = {},
  ): Promise<CertificateAuthority> => {
    const subKeys = await generateKeys();
    const subCert = await x509.X509CertificateGenerator.create({
      serialNumber: serial(),
      subject: `CN=${name}`,
      issuer: caCert.subject,
      ...validity({}),
      signingAlgorithm: ALGORITHM,
      publicKey: subKeys.publicKey,
      signingKey: keys.privateKey,
      extensions: notCa ? [new x509.BasicConstraintsExtension(false)] : caExtensions(),
    });
    return authority(subCert, subKeys);
  };

  return {
    cert: caCert.toString('pem'),
    key: await exportKey(keys.privateKey),
    issue,
    intermediate,
  };
}

function caExtensions(): x509.Extension[] {
  return [
    new x509.BasicConstraintsExtension(true, undefined, true),
    new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
  ];
}

function serverExtensions(options: CertificateOptions): x509.Extension[] {
  const names = (options.names ?? ['mx.probe.test']).map((value) => ({
    type: 'dns' as const,
    value,
  }));
  const ips = (options.ips ?? ['127.0.0.1']).map((value) => ({ type: 'ip' as const, value }));
  return [
    new x509.BasicConstraintsExtension(false),
    new x509.ExtendedKeyUsageExtension([
      options.client ? x509.ExtendedKeyUsage.clientAuth : x509.ExtendedKeyUsage.serverAuth,
    ]),
    new x509.SubjectAlternativeNameExtension([...names, ...ips]),
  ];
}

function validity(options: CertificateOptions): { notBefore: Date; notAfter: Date } {
  const now = Date.now();
  return {
    notBefore: new Date(now + (options.notBeforeDays ?? -1) * DAY_MS),
    notAfter: new Date(now + (options.notAfterDays ?? 30) * DAY_MS),
  };
}

type KeyPair = webcrypto.CryptoKeyPair;

function generateKeys(): Promise<KeyPair> {
  return webcrypto.subtle.generateKey(ALGORITHM, true, ['sign', 'verify']) as Promise<KeyPair>;
}

async function exportKey(key: webcrypto.CryptoKey): Promise<string> {
  const der = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', key));
  const lines = der.toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN PRIVATE KEY-----\n${lines.join('\n')}\n-----END PRIVATE KEY-----\n`;
}

function serial(): string {
  return Buffer.from(webcrypto.getRandomValues(new Uint8Array(8)))
    .toString('hex')
    .replace(/^[89a-f]/, '1');
}
