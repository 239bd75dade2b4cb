/**
 * One HTTPS GET of an MTA-STS policy (RFC 8461 §3.3): to an address our
 * own resolver gave for the policy host, its certificate verified against
 * the trust store in effect, no redirect followed, the size and the time
 * bounded.
 */
import { request } from 'node:https';
import { formatDuration } from '../output/duration.js';

/** Where and how to fetch. */
export interface PolicyRequest {
  /** `mta-sts.example.test`: the SNI name, the Host header, the certificate's name. */
  readonly host: string;
  /** The address to connect to, from smtp-probe's resolver. */
  readonly address: string;
  readonly port: number;
  /** The trust store's PEM; undefined: Node's bundled roots. */
  readonly ca: string | undefined;
  readonly timeoutMs: number;
  readonly maxBytes: number;
  readonly userAgent: string;
}

/** What the server answered. */
export interface PolicyResponse {
  readonly statusCode: number;
  readonly contentType: string | undefined;
  readonly body: string;
}

/** The path RFC 8461 §3.2 fixes. */
export const POLICY_PATH = '/.well-known/mta-sts.txt';

/** A failed fetch, in words; unreachable when no connection was made at all. */
export class PolicyFetchError extends Error {
  constructor(
    message: string,
    readonly unreachable: boolean,
  ) {
    super(message);
  }
}

// The connect errors after which another address of the host may work.
const UNREACHABLE = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'EADDRNOTAVAIL']);

/** Fetches the policy; rejects with a message in words on any failure. */
export function fetchPolicy(wanted: PolicyRequest, signal?: AbortSignal): Promise<PolicyResponse> {
  const hostHeader = wanted.port === 443 ? wanted.host : `${wanted.host}:${wanted.port}`;
  return new Promise((resolve, reject) => {
    // An address that never took the connection may give way to the next.
    let connected = false;
    const fail = (message: string, unreachable = false): void => {
      req.destroy();
      reject(new PolicyFetchError(message, unreachable));
    };
    const timer = setTimeout(() => {
      const waited = formatDuration(wanted.timeoutMs);
      if (connected) fail(`no complete answer within ${waited}`);
      else fail(`no connection to ${wanted.address} within ${waited}`, true);
    }, wanted.timeoutMs);
    const req = request(
      {
        host: wanted.address,
        port: wanted.port,
        path: POLICY_PATH,
        method: 'GET',
        servername: wanted.host,
        headers: { Host: hostHeader, 'User-Agent': wanted.userAgent },
        ca: wanted.ca,
        rejectUnauthorized: true,
        agent: false,
        signal,
      },
      (response) => {
        const chunks: Buffer[] = [];
        let size = 0;
        response.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > wanted.maxBytes) fail(`the policy is larger than ${wanted.maxBytes} bytes`);
          else chunks.push(chunk);
        });
        response.on('end', () => {
          clearTimeout(timer);
          resolve({
            statusCode: response.statusCode ?? 0,
            contentType: response.headers['content-type'],
            body: Buffer.concat(chunks).toString('utf8'),
          });
        });
        response.on('error', (error) => fail(error.message));
      },
    );
    req.on('socket', (socket) => socket.once('connect', () => (connected = true)));
    req.on('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      const unreachable = UNREACHABLE.has(error.code ?? '');
      reject(new PolicyFetchError(describeFetchError(error, wanted.host), unreachable));
    });
    req.end();
  });
}

// Node names certificate failures by OpenSSL's code; the rest by errno.
function describeFetchError(error: NodeJS.ErrnoException, host: string): string {
  const code = error.code ?? '';
  if (/CERT|SELF_SIGNED|ISSUER|VERIFY|ALTNAME/.test(code)) {
    return `the certificate of ${host} is not valid (${code}): ${error.message}`;
  }
  return code ? `${error.message} (${code})` : error.message;
}
