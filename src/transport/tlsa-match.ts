/**
 * One TLSA record (RFC 6698 §2.1) matched against the chain the server
 * presented, as SMTP uses them (RFC 7672 §3.1): DANE-EE (3) names the
 * server's own certificate or key, DANE-TA (2) a CA certificate of its
 * chain. PKIX-TA (0) and PKIX-EE (1) are not for SMTP (RFC 7672 §3.1.3).
 */
import { createHash, createPublicKey, X509Certificate } from 'node:crypto';

/** A TLSA record's fields, as dns-packet decodes them. */
export interface TlsaRecord {
  readonly usage: number;
  readonly selector: number;
  readonly matchingType: number;
  /** The certificate association data. */
  readonly data: Buffer;
}

/** The certificates to match a record against. */
export interface PresentedChain {
  /** The chain as linked (TlsSession.chainDer), the server's certificate first. */
  readonly linked: readonly Buffer[];
  /** The certificates as the server sent them; undefined when unreadable. */
  readonly sent: readonly Buffer[] | undefined;
}

/** How one record fared against the chain. */
export interface TlsaMatch {
  readonly record: TlsaRecord;
  /** Why a DANE sender ignores this record; undefined when it is usable. */
  readonly unusable: string | undefined;
  /**
   * The index in the chain of the certificate it matched (0: the server's
   * own); undefined when none did, or when a DANE-TA record holds the whole
   * CA certificate and the server left it out (anchorInRecord).
   */
  readonly matchedIndex: number | undefined;
  /** A "2 0 0" record whose certificate the server did not send stood in as the anchor. */
  readonly anchorInRecord: boolean;
  /** Why a DANE-TA record that named a CA of the chain still fails. */
  readonly problem: string | undefined;
  /** It matched, and nothing else stands in the way: a DANE sender would deliver. */
  readonly matches: boolean;
}

const DANE_TA = 2;
const DANE_EE = 3;
const HASHES: Record<number, string | null> = { 0: null, 1: 'sha256', 2: 'sha512' };
const DIGEST_BYTES: Record<number, number> = { 1: 32, 2: 64 };

/** "3 1 1", the way TLSA records are written in zone files. */
export function formatTlsaParameters(record: TlsaRecord): string {
  return `${record.usage} ${record.selector} ${record.matchingType}`;
}

/**
 * Matches a record against the chain. hostNames are the names a DANE-TA
 * chain's certificate must carry (RFC 7672 §3.2.2); DANE-EE checks neither
 * names nor dates (§3.1.1).
 */
export function matchTlsa(
  record: TlsaRecord,
  chain: PresentedChain,
  hostNames: readonly string[],
): TlsaMatch {
  const unusable = whyUnusable(record);
  const none = {
    record,
    unusable,
    matchedIndex: undefined,
    anchorInRecord: false,
    problem: undefined,
    matches: false,
  };
  if (unusable) return none;

  if (record.usage === DANE_EE) {
    const leaf = chain.linked[0];
    if (leaf === undefined || !associates(record, leaf)) return none;
    return { ...none, matchedIndex: 0, matches: true };
  }

  const found = chain.linked.findIndex((der, index) => index > 0 && associates(record, der));
  if (found !== -1) return matchLinkedAnchor(none, chain, found, hostNames);
  const leaf = chain.linked[0];
  if (leaf !== undefined && associates(record, leaf)) {
    const problem = "it names the server's own certificate, not a CA: that is usage 3 (DANE-EE)";
    return { ...none, matchedIndex: 0, problem };
  }
  return matchAnchorInRecord(none, chain, hostNames);
}

type Unmatched = TlsaMatch & { readonly matchedIndex: undefined };

// The anchor must be one the server sent (RFC 7671 §5.2.2), and so must
// every certificate below it: a chain completed from our own trust store
// is one a DANE sender elsewhere cannot build. Only a "2 0 0" record,
// which carries the whole CA certificate, lets the server leave it out.
function matchLinkedAnchor(
  none: Unmatched,
  chain: PresentedChain,
  anchorIndex: number,
  hostNames: readonly string[],
): TlsaMatch {
  const wasSent = (der: Buffer): boolean =>
    chain.sent === undefined || chain.sent.some((sent) => sent.equals(der));
  const path = chain.linked.slice(0, anchorIndex + 1);
  const missing = path.findIndex((der, index) => {
    const omissible = index === anchorIndex && isWholeCertificate(none.record);
    return !omissible && !wasSent(der);
  });

  const problem =
    missing === -1
      ? checkTrustAnchorPath(path, hostNames)
      : `"${subjectOf(path[missing]!)}" was not sent by the server (it came from the trust ` +
        'store here), and a DANE-TA chain must be sent whole (RFC 7671 §5.2.2)';
  return { ...none, matchedIndex: anchorIndex, problem, matches: problem === undefined };
}

// A "2 0 0" record holds the CA certificate itself: the chain the server
// sent must lead up to it even though the server did not send it.
function matchAnchorInRecord(
  none: Unmatched,
  chain: PresentedChain,
  hostNames: readonly string[],
): TlsaMatch {
  if (!isWholeCertificate(none.record) || parse(none.record.data) === undefined) return none;
  const sent = chain.sent ?? chain.linked;
  const path = chain.linked.filter((der) => sent.some((each) => each.equals(der)));
  if (path.length === 0) return none;

  const problem = checkTrustAnchorPath([...path, none.record.data], hostNames);
  // A CA that signed nothing sent is not this chain's anchor at all.
  if (problem?.endsWith(NOT_SIGNED)) return none;
  return { ...none, anchorInRecord: true, problem, matches: problem === undefined };
}

function isWholeCertificate(record: TlsaRecord): boolean {
  return record.usage === DANE_TA && record.selector === 0 && record.matchingType === 0;
}

function whyUnusable(record: TlsaRecord): string | undefined {
  if (record.usage === 0 || record.usage === 1) {
    const pkix = record.usage === 0 ? 'TA' : 'EE';
    return `usage ${record.usage} (PKIX-${pkix}) is not for SMTP (RFC 7672 §3.1.3)`;
  }
  if (record.usage !== DANE_TA && record.usage !== DANE_EE) return `unknown usage ${record.usage}`;
  if (record.selector !== 0 && record.selector !== 1) {
    return `unknown selector ${record.selector}`;
  }
  if (!(record.matchingType in HASHES)) return `unknown matching type ${record.matchingType}`;
  // A digest of the wrong length can match nothing: the record is broken,
  // which is worth saying rather than "no match".
  const length = DIGEST_BYTES[record.matchingType];
  if (length !== undefined && record.data.length !== length) {
    const needs = `matching type ${record.matchingType} needs ${length} bytes of data`;
    return `malformed: ${needs}, not ${record.data.length}`;
  }
  if (record.data.length === 0) return 'malformed: no certificate association data';
  if (record.matchingType === 0) return whyNotWhole(record);
  return undefined;
}

// Matching type 0 holds the thing itself: a certificate, or a public key.
function whyNotWhole(record: TlsaRecord): string | undefined {
  if (record.selector === 0) {
    return parse(record.data) ? undefined : 'malformed: the data is not a certificate';
  }
  try {
    createPublicKey({ key: record.data, format: 'der', type: 'spki' });
    return undefined;
  } catch {
    return 'malformed: the data is not a public key';
  }
}

// Selector 0 is the whole certificate, 1 its SubjectPublicKeyInfo (RFC 6698 §2.1.2).
function associates(record: TlsaRecord, der: Buffer): boolean {
  const selected = record.selector === 0 ? der : publicKeyInfo(der);
  if (selected === undefined) return false;
  const hash = HASHES[record.matchingType];
  const digest = hash ? createHash(hash).update(selected).digest() : selected;
  return digest.equals(record.data);
}

function publicKeyInfo(der: Buffer): Buffer | undefined {
  const certificate = parse(der);
  return certificate?.publicKey.export({ type: 'spki', format: 'der' });
}

const NOT_SIGNED = 'is not signed by the CA the record names';

// With DANE-TA the CA named stands in for a root: the certificates below it
// (the path ends with it) must each be signed by the next, be within their
// dates, and the server's must carry the host's name (RFC 7672 §3.1.2, §3.2.2).
function checkTrustAnchorPath(
  pathDer: readonly Buffer[],
  hostNames: readonly string[],
): string | undefined {
  const path = pathDer.map(parse);
  if (path.some((certificate) => certificate === undefined)) return 'a certificate is unreadable';
  const certificates = path as X509Certificate[];

  for (let index = 0; index + 1 < certificates.length; index += 1) {
    const [child, issuer] = [certificates[index]!, certificates[index + 1]!];
    if (!child.checkIssued(issuer) || !child.verify(issuer.publicKey)) {
      return `"${oneLine(child.subject)}" ${NOT_SIGNED}`;
    }
  }
  const now = Date.now();
  const expired = certificates.find(
    (c) => Date.parse(c.validTo) < now || Date.parse(c.validFrom) > now,
  );
  if (expired) return `"${oneLine(expired.subject)}" is outside its validity dates`;

  const leaf = certificates[0]!;
  if (!hostNames.some((name) => leaf.checkHost(name) !== undefined)) {
    return `the certificate does not name ${hostNames.join(' or ')}`;
  }
  return undefined;
}

function subjectOf(der: Buffer): string {
  const certificate = parse(der);
  return certificate ? oneLine(certificate.subject) : 'an unreadable certificate';
}

// X509Certificate writes a name one attribute a line.
function oneLine(name: string): string {
  return name.split('\n').join(', ');
}

function parse(der: Buffer): X509Certificate | undefined {
  try {
    return new X509Certificate(der);
  } catch {
    return undefined;
  }
}
