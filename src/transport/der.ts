/**
 * Just enough DER (ITU-T X.690) to read a field or two that Node.js 20 does
 * not expose: the certificate's signature algorithm and a stapled OCSP
 * status. Every read is bounds-checked; a malformed input gives undefined,
 * never an exception and never a read past the buffer.
 */

/** One tag-length-value: where its content starts and ends in the buffer. */
export interface Tlv {
  readonly tag: number;
  readonly start: number;
  readonly end: number;
}

/** Reads the TLV at offset; undefined when it is malformed or overruns the buffer. */
export function readTlv(der: Uint8Array, offset: number, limit = der.length): Tlv | undefined {
  const tag = der[offset];
  const first = der[offset + 1];
  if (tag === undefined || first === undefined || (tag & 0x1f) === 0x1f) return undefined;

  let length = first;
  let start = offset + 2;
  if (first & 0x80) {
    const octets = first & 0x7f;
    // Four length octets already allow 4 GiB: more is no certificate.
    if (octets === 0 || octets > 4) return undefined;
    length = 0;
    for (let i = 0; i < octets; i++) length = length * 256 + (der[start + i] ?? NaN);
    start += octets;
  }

  const end = start + length;
  return Number.isNaN(end) || end > limit ? undefined : { tag, start, end };
}

/** The TLVs directly inside a constructed TLV, in order; undefined if any is malformed. */
export function readChildren(der: Uint8Array, parent: Tlv): Tlv[] | undefined {
  const children: Tlv[] = [];
  for (let offset = parent.start; offset < parent.end;) {
    const child = readTlv(der, offset, parent.end);
    if (child === undefined) return undefined;
    children.push(child);
    offset = child.end;
  }
  return children;
}

/** Decodes an OBJECT IDENTIFIER's content to its dotted form, e.g. 1.2.840.10045.4.3.2. */
export function decodeOid(der: Uint8Array, tlv: Tlv): string | undefined {
  if (tlv.tag !== 0x06 || tlv.end <= tlv.start) return undefined;

  const arcs: number[] = [];
  let value = 0;
  for (let i = tlv.start; i < tlv.end; i++) {
    const byte = der[i]!;
    value = value * 128 + (byte & 0x7f);
    if (byte & 0x80) continue;
    arcs.push(value);
    value = 0;
  }
  const [first] = arcs;
  if (first === undefined) return undefined;
  // The first two arcs share one number: 40 × X + Y (X.690 §8.19.4).
  const head = first < 80 ? [Math.floor(first / 40), first % 40] : [2, first - 80];
  return [...head, ...arcs.slice(1)].join('.');
}
