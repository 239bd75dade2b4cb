/**
 * The transcript's lines for a TLS session: the protocol, each certificate
 * of the chain in a short block, the chain's shape, the OCSP staple, and
 * the verdict in plain words.
 */
import { formatDuration } from './duration.js';
import { untrustedReason } from '../session/starttls.js';
import type { ChainCertificate, TlsSession } from '../transport/tls-session.js';
import type { OcspStaple } from '../transport/ocsp.js';
import type { TlsSettings } from '../transport/tls-settings.js';

/** Makes note and warning lines: the transcript's, so that markers and escaping stay one. */
export interface LineMaker {
  note(text: string): string;
  warning(text: string): string;
}

/** Renders a TLS session as transcript lines. */
export function renderTlsSession(tls: TlsSession, lines: LineMaker): string[] {
  const exchange = tls.keyExchange ? `, ${tls.keyExchange}` : '';
  const handshake = `handshake ${formatDuration(tls.handshakeMs)}`;
  const { verification } = tls;

  return [
    lines.note(`TLS ${tls.protocol}, ${tls.cipher}${exchange}, ${handshake}`),
    ...describeSettings(tls).map((text) => lines.note(`  ${text}`)),
    ...tls.chain.flatMap((certificate, index) => renderCertificate(tls, index, lines)),
    ...(tls.sent.unreadable ? [lines.note(unreadableSent(tls.sent.unreadable))] : []),
    ...tls.chainNotes.map((text) => lines.warning(`chain: ${text}`)),
    lines.note(`OCSP: ${describeStaple(tls.ocsp)}`),
    verification.trusted
      ? lines.note('certificate verified')
      : lines.warning(`certificate not trusted: ${untrustedReason(tls)}`),
    lines.note(`  checked: name ${verification.checkedName}, ${verification.trustStore}`),
  ];
}

function unreadableSent(reason: string): string {
  return `the certificates as sent could not be read (${reason}): their order is not checked`;
}

// The first certificate is the server's own; the others are numbered in
// issuing order, each said to be a CA, a root, in the trust store, or one
// the server did not send.
function renderCertificate(tls: TlsSession, index: number, lines: LineMaker): string[] {
  const c: ChainCertificate = tls.chain[index]!;
  const notSent = tls.sent.certificates?.every((sent) => sent.chainIndex !== index);
  const where = notSent ? (c.inTrustStore ? 'from the trust store' : 'not sent') : undefined;
  const tags = [
    c.isCa && 'CA',
    c.selfIssued && 'self-signed',
    where ?? (c.inTrustStore && 'in trust store'),
  ];
  const said = tags.filter(Boolean).join(', ');
  const head = index === 0 ? 'certificate' : `issuer ${index}`;
  const names = c.subjectAltNames;

  return [
    lines.note(`${head}: ${c.subject}${said ? ` (${said})` : ''}`),
    ...(c.selfIssued ? [] : [lines.note(`  issuer: ${c.issuer}`)]),
    ...(names.length > 0 ? [lines.note(`  names: ${names.join(', ')}`)] : []),
    lines.note(`  key: ${c.publicKey}, signed with ${c.signatureAlgorithm}`),
    lines.note(`  valid: ${day(c.validFrom)} to ${day(c.validTo)} (${describeDaysLeft(c)})`),
    lines.note(`  sha256: ${c.fingerprint256}`),
  ];
}

function describeDaysLeft({ daysLeft, validFrom, validTo }: ChainCertificate): string {
  if (daysLeft === undefined) return 'dates unreadable';
  if (Date.parse(validFrom) > Date.now()) return 'not yet valid';
  if (daysLeft >= 0) return `${daysLeft} days left`;

  // daysLeft rounds down: once negative it counts one day too many.
  const ago = Math.floor((Date.now() - Date.parse(validTo)) / (24 * 60 * 60 * 1000));
  return `expired ${ago} ${ago === 1 ? 'day' : 'days'} ago`;
}

/** Says what the server stapled; nothing is ever fetched. */
export function describeStaple(ocsp: OcspStaple): string {
  if (!ocsp.stapled) return 'no response stapled';
  if (ocsp.status === undefined) return `stapled (${ocsp.bytes} bytes), not parsed`;

  const next = ocsp.nextUpdate ? `, next update ${day(ocsp.nextUpdate)}` : '';
  return `stapled, ${ocsp.status}${next} (signature not checked)`;
}

// Only what differs from Node.js's defaults is said.
function describeSettings({ settings }: TlsSession): string[] {
  const said: string[] = [];
  if (!settings.sendSni) said.push('no SNI sent (--no-sni)');
  const versions = versionRange(settings);
  if (versions) said.push(`versions: ${versions}`);
  if (settings.ciphers) said.push(`ciphers: ${settings.ciphers}`);
  if (settings.ciphersuites) said.push(`TLS 1.3 cipher suites: ${settings.ciphersuites}`);
  if (settings.clientCertificate) {
    said.push(`client certificate offered from ${settings.clientCertificate.file}`);
  }
  return said;
}

function versionRange({ minVersion, maxVersion }: TlsSettings): string | undefined {
  if (minVersion === undefined && maxVersion === undefined) return undefined;
  return `${minVersion ?? 'default'} to ${maxVersion ?? 'default'}`;
}

function day(date: string): string {
  return /^\d{4}-\d\d-\d\dT/.test(date) ? date.slice(0, 10) : date;
}
