/**
 * The certificates exactly as the server sent them, read from the TLS
 * handshake itself.
 *
 * Node.js's getPeerCertificate(true) re-links the chain by issuer and
 * completes it from the trust store. That hides what an operator has to
 * fix: the order the server sent, certificates that belong to no path,
 * and whether a root came from the server or from our own trust store
 * (DANE-TA needs it sent, RFC 7671 §5.2.2).
 *
 * Up to TLS 1.2 the Certificate message (RFC 5246 §7.4.2) travels in
 * plaintext. In TLS 1.3 it is encrypted under the server's handshake
 * traffic secret (RFC 8446 §7.1), which Node.js hands out through the
 * socket's 'keylog' event. That secret protects only the handshake, never
 * the SMTP session that follows; it is used here once and then dropped.
 * Compressed certificates (RFC 8879) are not read: Node.js 20's OpenSSL
 * does not offer the extension, so no server may send them.
 */
import { createDecipheriv, createHmac, type DecipherCCM } from 'node:crypto';

/** What the server sent: the certificates in order, or why they could not be read. */
export type SentCertificates =
  | { readonly certificates: readonly Buffer[]; readonly unreadable?: undefined }
  | { readonly certificates?: undefined; readonly unreadable: string };

/** What reading the Certificate message needs from the handshake. */
export interface HandshakeCapture {
  /** Every byte the server sent during the handshake, from its first record. */
  readonly bytes: Buffer;
  /** The negotiated version, as Node.js names it: `TLSv1.3`, `TLSv1.2`. */
  readonly protocol: string;
  /** The negotiated cipher suite's IANA name, e.g. TLS_AES_128_GCM_SHA256. */
  readonly cipher: string;
  /** SERVER_HANDSHAKE_TRAFFIC_SECRET from the key log (TLS 1.3 only). */
  readonly serverHandshakeSecret?: Buffer | undefined;
}

const CHANGE_CIPHER_SPEC = 20;
const HANDSHAKE = 22;
const APPLICATION_DATA = 23;
const CERTIFICATE = 11;
const RECORD_HEADER = 5;

/** Finds the server's Certificate message in the captured handshake. */
export function readSentCertificates(capture: HandshakeCapture): SentCertificates {
  try {
    if (capture.protocol === 'TLSv1.3') return readTls13(capture);
    return readPlaintext(capture.bytes);
  } catch (error) {
    return { unreadable: error instanceof Error ? error.message : String(error) };
  }
}

/** The secret a key log line carries, if it is the server's handshake secret. */
export function serverHandshakeSecret(line: Buffer): Buffer | undefined {
  const [label, , secret] = line.toString('latin1').trim().split(' ');
  if (label !== 'SERVER_HANDSHAKE_TRAFFIC_SECRET' || secret === undefined) return undefined;
  return Buffer.from(secret, 'hex');
}

// TLS 1.2 and older: handshake records are plaintext until the server's
// ChangeCipherSpec; their fragments join into one stream of messages. An
// alert in between is a warning (unrecognized_name is common): a fatal one
// would have failed the handshake.
function readPlaintext(bytes: Buffer): SentCertificates {
  const fragments: Buffer[] = [];
  for (const record of splitRecords(bytes)) {
    if (record.type === CHANGE_CIPHER_SPEC) break;
    if (record.type === HANDSHAKE) fragments.push(record.fragment);
  }
  const body = findMessage(Buffer.concat(fragments), CERTIFICATE);
  if (body === undefined) return { unreadable: 'no Certificate message in the handshake' };
  return { certificates: readCertificateList(body, false) };
}

// TLS 1.3: after the ServerHello (two of them after a HelloRetryRequest)
// every record is application data encrypted under the handshake keys,
// numbered from 0. ChangeCipherSpec records are for middleboxes only.
function readTls13(capture: HandshakeCapture): SentCertificates {
  if (capture.serverHandshakeSecret === undefined) {
    return { unreadable: 'the TLS 1.3 handshake secret was not available' };
  }
  const suite = SUITES[capture.cipher];
  if (suite === undefined) return { unreadable: `cipher suite ${capture.cipher} is not known` };

  const key = expandLabel(suite.hash, capture.serverHandshakeSecret, 'key', suite.keyBytes);
  const iv = expandLabel(suite.hash, capture.serverHandshakeSecret, 'iv', 12);
  const plaintext: Buffer[] = [];
  let sequence = 0n;

  for (const record of splitRecords(capture.bytes)) {
    if (record.type !== APPLICATION_DATA) continue;
    const inner = decryptRecord(suite, key, nonce(iv, sequence), record);
    sequence += 1n;
    if (inner.type !== HANDSHAKE) break;

    plaintext.push(inner.content);
    const body = findMessage(Buffer.concat(plaintext), CERTIFICATE);
    if (body !== undefined) return { certificates: readCertificateList(body, true) };
  }
  return { unreadable: 'no Certificate message in the handshake' };
}

interface CipherSuite {
  readonly algorithm: string;
  readonly keyBytes: number;
  readonly tagBytes: number;
  readonly hash: string;
}

// The TLS 1.3 cipher suites (RFC 8446 §B.4) that OpenSSL offers.
const SUITES: Record<string, CipherSuite> = {
  TLS_AES_128_GCM_SHA256: { algorithm: 'aes-128-gcm', keyBytes: 16, tagBytes: 16, hash: 'sha256' },
  TLS_AES_256_GCM_SHA384: { algorithm: 'aes-256-gcm', keyBytes: 32, tagBytes: 16, hash: 'sha384' },
  TLS_CHACHA20_POLY1305_SHA256: {
    algorithm: 'chacha20-poly1305',
    keyBytes: 32,
    tagBytes: 16,
    hash: 'sha256',
  },
  TLS_AES_128_CCM_SHA256: { algorithm: 'aes-128-ccm', keyBytes: 16, tagBytes: 16, hash: 'sha256' },
  TLS_AES_128_CCM_8_SHA256: { algorithm: 'aes-128-ccm', keyBytes: 16, tagBytes: 8, hash: 'sha256' },
};

interface TlsRecord {
  readonly type: number;
  readonly header: Buffer;
  readonly fragment: Buffer;
}

// A record that the capture cut short ends the list.
function splitRecords(bytes: Buffer): TlsRecord[] {
  const records: TlsRecord[] = [];
  for (let at = 0; at + RECORD_HEADER <= bytes.length;) {
    const length = bytes.readUInt16BE(at + 3);
    const end = at + RECORD_HEADER + length;
    if (end > bytes.length) break;
    records.push({
      type: bytes[at]!,
      header: bytes.subarray(at, at + RECORD_HEADER),
      fragment: bytes.subarray(at + RECORD_HEADER, end),
    });
    at = end;
  }
  return records;
}

// HKDF-Expand-Label (RFC 8446 §7.1) with an empty context. Every length
// asked for here fits in one hash output, so HKDF-Expand is one HMAC.
function expandLabel(hash: string, secret: Buffer, label: string, length: number): Buffer {
  const fullLabel = Buffer.from(`tls13 ${label}`, 'latin1');
  const info = Buffer.concat([
    Buffer.from([length >> 8, length & 0xff, fullLabel.length]),
    fullLabel,
    Buffer.from([0]),
  ]);
  const block = createHmac(hash, secret)
    .update(info)
    .update(Buffer.from([1]))
    .digest();
  return block.subarray(0, length);
}

// The per-record nonce: the sequence number, padded left, XORed into the IV (RFC 8446 §5.3).
function nonce(iv: Buffer, sequence: bigint): Buffer {
  const padded = Buffer.alloc(iv.length);
  padded.writeBigUInt64BE(sequence, iv.length - 8);
  return Buffer.from(padded.map((byte, index) => byte ^ iv[index]!));
}

// The inner plaintext is content, its real type, then zero padding (RFC 8446 §5.2).
function decryptRecord(
  suite: CipherSuite,
  key: Buffer,
  recordNonce: Buffer,
  record: TlsRecord,
): { type: number; content: Buffer } {
  const sealed = record.fragment.subarray(0, record.fragment.length - suite.tagBytes);
  const tag = record.fragment.subarray(sealed.length);
  // GCM and ChaCha20-Poly1305 take the same calls; CCM alone needs the lengths.
  const options = { authTagLength: suite.tagBytes };
  const algorithm = suite.algorithm as 'aes-128-ccm';
  const decipher: DecipherCCM = createDecipheriv(algorithm, key, recordNonce, options);
  decipher.setAuthTag(tag);
  decipher.setAAD(record.header, { plaintextLength: sealed.length });
  let inner: Buffer;
  try {
    inner = Buffer.concat([decipher.update(sealed), decipher.final()]);
  } catch {
    throw new Error('an encrypted handshake record did not decrypt');
  }

  let end = inner.length;
  while (end > 0 && inner[end - 1] === 0) end -= 1;
  if (end === 0) throw new Error('an encrypted handshake record held no content type');
  return { type: inner[end - 1]!, content: inner.subarray(0, end - 1) };
}

// Handshake messages: a type byte and a 24-bit length (RFC 8446 §4).
function findMessage(stream: Buffer, wanted: number): Buffer | undefined {
  for (let at = 0; at + 4 <= stream.length;) {
    const length = stream.readUIntBE(at + 1, 3);
    const end = at + 4 + length;
    if (end > stream.length) return undefined;
    if (stream[at] === wanted) return stream.subarray(at + 4, end);
    at = end;
  }
  return undefined;
}

// TLS 1.3 puts a request context before the list and extensions after
// each certificate (RFC 8446 §4.4.2); TLS 1.2 has neither.
function readCertificateList(body: Buffer, tls13: boolean): Buffer[] {
  let at = 0;
  if (tls13) at += 1 + readLength(body, at, 1);
  const listEnd = at + 3 + readLength(body, at, 3);
  at += 3;
  if (listEnd > body.length) throw new Error('the Certificate message is cut short');

  const certificates: Buffer[] = [];
  while (at < listEnd) {
    const length = readLength(body, at, 3);
    if (at + 3 + length > listEnd) throw new Error('the Certificate message is malformed');
    certificates.push(Buffer.from(body.subarray(at + 3, at + 3 + length)));
    at += 3 + length;
    if (tls13) at += 2 + readLength(body, at, 2);
  }
  if (at !== listEnd) throw new Error('the Certificate message is malformed');
  return certificates;
}

function readLength(body: Buffer, at: number, bytes: number): number {
  if (at + bytes > body.length) throw new Error('the Certificate message is cut short');
  return body.readUIntBE(at, bytes);
}
