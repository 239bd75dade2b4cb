/**
 * OCSP responses built by hand for the tests (RFC 6960 §4.2.1), with only
 * the fields smtp-probe reads filled in properly; the signature is junk,
 * as smtp-probe never checks it.
 */

/** Encodes one DER TLV. */
export function tlv(tag: number, ...content: Buffer[]): Buffer {
  const body = Buffer.concat(content);
  const length =
    body.length < 0x80
      ? Buffer.from([body.length])
      : Buffer.from([0x82, body.length >> 8, body.length & 0xff]);
  return Buffer.concat([Buffer.from([tag]), length, body]);
}

const SEQUENCE = 0x30;
const time = (iso: string): Buffer =>
  tlv(0x18, Buffer.from(iso.replace(/[-:T]/g, '').replace(/\.\d+/, ''), 'latin1'));
// id-pkix-ocsp-basic, 1.3.6.1.5.5.7.48.1.1
const OCSP_BASIC = Buffer.from('06092b0601050507300101', 'hex');
const SHA256_ECDSA = tlv(SEQUENCE, Buffer.from('06082a8648ce3d040302', 'hex'));

/** A successful response for one certificate: `good`, `revoked` or `unknown`. */
export function ocspResponse(
  status: 'good' | 'revoked' | 'unknown',
  dates = { thisUpdate: '2030-01-01T00:00:00Z', nextUpdate: '2030-01-08T00:00:00Z' },
): Buffer {
  const certStatus = {
    good: tlv(0x80),
    revoked: tlv(0xa1, time('2029-12-01T00:00:00Z')),
    unknown: tlv(0x82),
  }[status];
  const single = tlv(
    SEQUENCE,
    tlv(SEQUENCE),
    certStatus,
    time(dates.thisUpdate),
    tlv(0xa0, time(dates.nextUpdate)),
  );
  const data = tlv(SEQUENCE, tlv(0xa2, tlv(0x04)), time(dates.thisUpdate), tlv(SEQUENCE, single));
  const basic = tlv(SEQUENCE, data, SHA256_ECDSA, tlv(0x03, Buffer.from([0, 1, 2])));
  const bytes = tlv(SEQUENCE, OCSP_BASIC, tlv(0x04, basic));
  return tlv(SEQUENCE, tlv(0x0a, Buffer.from([0])), tlv(0xa0, bytes));
}

/** An unsuccessful response: only the status, e.g. 3 for tryLater. */
export function ocspRefusal(code: number): Buffer {
  return tlv(SEQUENCE, tlv(0x0a, Buffer.from([code])));
}
