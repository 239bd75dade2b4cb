/**
 * The certificates as the server sent them, set beside the chain as
 * Node.js linked it: which linked certificates the server sent, which it
 * sent for nothing, and whether it sent them in issuing order.
 *
 * A chain that verifies here may still fail elsewhere: an intermediate
 * that only our trust store held is one that other clients lack.
 */
import { createHash, X509Certificate } from 'node:crypto';
import type { ChainCertificate } from './certificate-summary.js';
import type { SentCertificates } from './certificate-message.js';

/** One certificate the server sent, in the order sent. */
export interface SentCertificate {
  readonly subject: string;
  readonly fingerprint256: string;
  /** Its place in the linked chain (0: the server's own); undefined for a stray. */
  readonly chainIndex: number | undefined;
}

/** The server's Certificate message, or why it could not be read. */
export type SentChain =
  | { readonly certificates: readonly SentCertificate[]; readonly unreadable?: undefined }
  | { readonly certificates?: undefined; readonly unreadable: string };

/** Real servers send 1–4: reports list this many, and count the rest. */
export const MAX_LISTED = 20;
/** Stray certificates named one a line, before the rest are counted. */
const MAX_STRAYS_NAMED = 5;

/** Places each certificate sent in the linked chain. */
export function placeSentCertificates(
  sent: SentCertificates,
  chain: readonly ChainCertificate[],
): SentChain {
  if (sent.certificates === undefined) return { unreadable: sent.unreadable };

  const certificates = sent.certificates.map((der) => {
    const fingerprint256 = fingerprint(der);
    const found = chain.findIndex((linked) => linked.fingerprint256 === fingerprint256);
    const chainIndex = found === -1 ? undefined : found;
    const subject = chainIndex === undefined ? subjectOf(der) : chain[chainIndex]!.subject;
    return { subject, fingerprint256, chainIndex };
  });
  return { certificates };
}

/**
 * What is wrong with what was sent, in plain words; empty when nothing is.
 * chainCut: the linked chain stopped at its length limit, so a certificate
 * sent beyond it cannot be told from a stray.
 */
export function describeSentChain(
  sent: SentChain,
  chain: readonly ChainCertificate[],
  chainCut: boolean,
): string[] {
  if (sent.certificates === undefined) return [];
  const { certificates } = sent;
  const problems: string[] = [];

  const placed = certificates.flatMap((each) => each.chainIndex ?? []);
  const firstPlaces = placed.filter((index, at) => placed.indexOf(index) === at);
  if (firstPlaces.some((index, at) => at > 0 && index < firstPlaces[at - 1]!)) {
    const order = certificates.slice(0, MAX_LISTED).map((each) => `"${each.subject}"`);
    const more = certificates.length > MAX_LISTED ? ', …' : '';
    problems.push(
      `sent out of issuing order (${order.join(', ')}${more}): ` +
        'each should certify the one before it',
    );
  }
  problems.push(...describeRepeats(certificates));
  if (!chainCut) problems.push(...describeStrays(certificates));

  // An intermediate the server left out, found in our trust store: this
  // run verifies, but a client without that certificate cannot.
  chain.forEach((certificate, index) => {
    if (index > 0 && !placed.includes(index) && !certificate.selfIssued) {
      problems.push(
        `"${certificate.subject}" was not sent: it came from the trust store here, ` +
          'and clients without it cannot complete the chain',
      );
    }
  });
  return problems;
}

function describeRepeats(certificates: readonly SentCertificate[]): string[] {
  const counts = new Map<string, { subject: string; times: number }>();
  for (const { fingerprint256, subject } of certificates) {
    const seen = counts.get(fingerprint256) ?? { subject, times: 0 };
    counts.set(fingerprint256, { subject, times: seen.times + 1 });
  }
  return [...counts.values()]
    .filter(({ times }) => times > 1)
    .slice(0, MAX_STRAYS_NAMED)
    .map(({ subject, times }) => `"${subject}" was sent ${times} times`);
}

function describeStrays(certificates: readonly SentCertificate[]): string[] {
  const strays = certificates.filter((each) => each.chainIndex === undefined);
  const named = strays
    .slice(0, MAX_STRAYS_NAMED)
    .map(
      (stray) => `"${stray.subject}" was sent but is not in the chain of the server's certificate`,
    );
  const rest = strays.length - named.length;
  if (rest > 0) named.push(`${rest} more certificates sent are not in that chain either`);
  return named;
}

/** SHA-256 written as Node.js writes fingerprint256: `AB:CD:…`. */
function fingerprint(der: Buffer): string {
  const hex = createHash('sha256').update(der).digest('hex').toUpperCase();
  return hex.match(/../g)!.join(':');
}

function subjectOf(der: Buffer): string {
  try {
    // X509Certificate writes a name one attribute a line.
    return new X509Certificate(der).subject.split('\n').join(', ');
  } catch {
    return `unreadable certificate (${der.length} bytes)`;
  }
}
