/**
 * One TLSA record (RFC 6698 §2.1) matched against the chain the server
 * presented, as SMTP uses them (RFC 7672 §3.1): DANE-EE (3) names the
 * server's own certificate or key, DANE-TA (2) a CA certificate of its
 * chain. PKIX-TA (0) and PKIX-EE (1) are not for SMTP (RFC 7672 §3.1.3).
 */
import { createHash, X509Certificate } from 'node:crypto';

/** A TLSA record's fields, as dns-packet decodes them. */
export interface TlsaRecord {
  readonly usage: number;
  readonly selector: number;
  readonly matchingType: number;
  /** The certificate association data. */
  readonly data: Buffer;
}

/** How one record fared against the chain. */
export interface TlsaMatch {
  readonly record: TlsaRecord;
  /** Why a DANE sender ignores this record; undefined when it is usable. */
  readonly unusable: string | undefined;
  /** The index in the chain of the certificate it matched (0: the server's own). */
  readonly matchedIndex: number | undefined;
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
 * Matches a record against the chain (DER, the server's certificate first).
 * hostNames are the names a DANE-TA chain's certificate must carry (RFC
 * 7672 §3.2.2); DANE-EE checks neither names nor dates (§3.1.1).
 */
export function matchTlsa(
  record: TlsaRecord,
  chainDer: readonly Buffer[],
  hostNames: readonly string[],
): TlsaMatch {
  const unusable = whyUnusable(record);
  const none = { record, unusable, matchedIndex: undefined, problem: undefined, matches: false };
  if (unusable) return none;

  const candidates = record.usage === DANE_EE ? chainDer.slice(0, 1) : chainDer.slice(1);
  const offset = record.usage === DANE_EE ? 0 : 1;
  const found = candidates.findIndex((der) => associates(record, der));
  if (found === -1) return none;

  const matchedIndex = found + offset;
  const problem =
    record.usage === DANE_TA ? checkTrustAnchorPath(chainDer, matchedIndex, hostNames) : undefined;
  return { record, unusable, matchedIndex, problem, matches: problem === undefined };
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
  return undefined;
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

// With DANE-TA the CA named stands in for a root: the certificates below it
// must each be signed by the next, be within their dates, and the
// server's must carry the host's name (RFC 7672 §3.1.2, §3.2.2).
function checkTrustAnchorPath(
  chainDer: readonly Buffer[],
  anchorIndex: number,
  hostNames: readonly string[],
): string | undefined {
  const chain = chainDer.slice(0, anchorIndex + 1).map(parse);
  if (chain.some((certificate) => certificate === undefined)) return 'a certificate is unreadable';
  const certificates = chain as X509Certificate[];

  for (let index = 0; index < anchorIndex; index += 1) {
    const [child, issuer] = [certificates[index]!, certificates[index + 1]!];
    if (!child.checkIssued(issuer) || !child.verify(issuer.publicKey)) {
      return `"${oneLine(child.subject)}" is not signed by the CA the record names`;
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
