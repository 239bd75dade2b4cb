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
  | {
      /** The first MAX_SENT of them; `total` says how many there were. */
      readonly certificates: readonly SentCertificate[];
      readonly total: number;
      readonly unreadable?: undefined;
    }
  | {
      readonly certificates?: undefined;
      readonly total?: undefined;
      readonly unreadable: string;
    };

/** Real servers send 1–4; a hostile one could send thousands, each a line. */
const MAX_SENT = 20;

/** Places each certificate sent in the linked chain. */
export function placeSentCertificates(
  sent: SentCertificates,
  chain: readonly ChainCertificate[],
): SentChain {
  if (sent.certificates === undefined) return { unreadable: sent.unreadable };

  const certificates = sent.certificates.slice(0, MAX_SENT).map((der) => {
    const fingerprint256 = fingerprint(der);
    const found = chain.findIndex((linked) => linked.fingerprint256 === fingerprint256);
    const chainIndex = found === -1 ? undefined : found;
    const subject = chainIndex === undefined ? subjectOf(der) : chain[chainIndex]!.subject;
    return { subject, fingerprint256, chainIndex };
  });
  return { certificates, total: sent.certificates.length };
}

/** What is wrong with what was sent, in plain words; empty when nothing is. */
export function describeSentChain(sent: SentChain, chain: readonly ChainCertificate[]): string[] {
  if (sent.certificates === undefined) return [];
  const problems: string[] = [];

  const placed = sent.certificates.flatMap((each) => each.chainIndex ?? []);
  if (placed.some((index, at) => at > 0 && index < placed[at - 1]!)) {
    const order = sent.certificates.map((each) => `"${each.subject}"`).join(', ');
    problems.push(`sent out of issuing order (${order}): each should certify the one before it`);
  }

  for (const stray of sent.certificates.filter((each) => each.chainIndex === undefined)) {
    problems.push(
      `"${stray.subject}" was sent but is not in the chain of the server's certificate`,
    );
  }
  if (sent.total > sent.certificates.length) {
    problems.push(`the server sent ${sent.total} certificates; the first ${MAX_SENT} are shown`);
  }

  // An intermediate the server left out, found in our trust store: this
  // run verifies, but a client without that certificate cannot.
  chain.forEach((certificate, index) => {
    const wasSent = placed.includes(index);
    if (index > 0 && !wasSent && !certificate.selfIssued) {
      problems.push(
        `"${certificate.subject}" was not sent: it came from the trust store here, ` +
          'and clients without it cannot complete the chain',
      );
    }
  });
  return problems;
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
