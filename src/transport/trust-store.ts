/**
 * Which certificate authorities a server's certificate is checked against.
 * Node.js 20 verifies with its own copy of Mozilla's roots; a mail
 * administrator expects the system's store, which is what the MTAs on the
 * same host use, so the system bundle is read when one is found.
 */
import { readFileSync } from 'node:fs';
import { UsageError } from '../errors.js';

/** CA certificates to verify with, and a few words on where they came from. */
export interface TrustStore {
  /** PEM text; undefined means Node's bundled roots. */
  readonly ca: string | undefined;
  readonly description: string;
}

// Debian/Ubuntu/Arch, Fedora/RHEL, openSUSE, Alpine/macOS/BSD.
const SYSTEM_BUNDLES = [
  '/etc/ssl/certs/ca-certificates.crt',
  '/etc/pki/tls/certs/ca-bundle.crt',
  '/etc/ssl/ca-bundle.pem',
  '/etc/ssl/cert.pem',
];

/** Loads the trust store: --ca if given, else $SSL_CERT_FILE, the system bundle, Node's roots. */
export function loadTrustStore(caFile: string | undefined, env: NodeJS.ProcessEnv): TrustStore {
  if (caFile !== undefined) {
    return { ca: readCaFile(caFile), description: `--ca ${caFile}` };
  }

  for (const path of [env['SSL_CERT_FILE'], ...SYSTEM_BUNDLES]) {
    if (path === undefined || path === '') continue;
    const ca = tryRead(path);
    if (ca !== undefined) return { ca, description: `system store ${path}` };
  }
  return { ca: undefined, description: "Node.js's bundled Mozilla roots" };
}

function readCaFile(path: string): string {
  const ca = tryRead(path);
  if (ca === undefined) throw new UsageError(`cannot read the CA file ${path}`);
  if (!ca.includes('-----BEGIN CERTIFICATE-----')) {
    throw new UsageError(`the CA file ${path} holds no PEM certificate`);
  }
  return ca;
}

function tryRead(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}
