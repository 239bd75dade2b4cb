/**
 * A stapled OCSP response (RFC 6066 §8, RFC 6960): whether the server sent
 * one with its certificate, and the status it gives. smtp-probe asks for a
 * staple but never fetches OCSP itself, and it does not check the
 * response's signature: the status is reported as the server stapled it.
 */
import { readChildren, readTlv, type Tlv } from './der.js';

/** What the server stapled, if anything. */
export interface OcspStaple {
  readonly stapled: boolean;
  readonly bytes: number;
  /** `good`, `revoked`, `unknown`, or the responder's refusal (`tryLater`…); else undefined. */
  readonly status: string | undefined;
  /** The response's thisUpdate and nextUpdate, ISO; undefined when absent or unparsed. */
  readonly thisUpdate: string | undefined;
  readonly nextUpdate: string | undefined;
}

// OCSPResponseStatus (RFC 6960 §4.2.1); 4 is unused.
const RESPONSE_STATUSES = [
  'successful',
  'malformedRequest',
  'internalError',
  'tryLater',
  '',
  'sigRequired',
  'unauthorized',
];

// CertStatus as context tags: good [0] IMPLICIT NULL, revoked [1] IMPLICIT
// SEQUENCE (constructed), unknown [2] IMPLICIT NULL.
const CERT_STATUSES: Record<number, string> = { 0x80: 'good', 0xa1: 'revoked', 0x82: 'unknown' };

/** Describes what the server stapled; null or empty means nothing was. */
export function readStaple(response: Buffer | null | undefined): OcspStaple {
  if (!response || response.length === 0) {
    return {
      stapled: false,
      bytes: 0,
      status: undefined,
      thisUpdate: undefined,
      nextUpdate: undefined,
    };
  }
  return { stapled: true, bytes: response.length, ...parseResponse(response) };
}

type Parsed = Pick<OcspStaple, 'status' | 'thisUpdate' | 'nextUpdate'>;

const UNPARSED: Parsed = { status: undefined, thisUpdate: undefined, nextUpdate: undefined };

// OCSPResponse ::= SEQUENCE { responseStatus ENUMERATED,
//                             responseBytes [0] EXPLICIT ResponseBytes OPTIONAL }
// ResponseBytes ::= SEQUENCE { responseType OBJECT IDENTIFIER, response OCTET STRING }
function parseResponse(der: Buffer): Parsed {
  const outer = readTlv(der, 0);
  const [status, wrapped] = (outer?.tag === 0x30 && readChildren(der, outer)) || [];
  if (status?.tag !== 0x0a || status.end - status.start !== 1) return UNPARSED;

  const code = der[status.start]!;
  if (code !== 0) return { ...UNPARSED, status: RESPONSE_STATUSES[code] || `status ${code}` };
  if (wrapped?.tag !== 0xa0) return UNPARSED;

  const responseBytes = readTlv(der, wrapped.start, wrapped.end);
  const [, octets] = (responseBytes && readChildren(der, responseBytes)) || [];
  if (octets?.tag !== 0x04) return UNPARSED;
  return parseBasicResponse(der, octets);
}

// BasicOCSPResponse ::= SEQUENCE { tbsResponseData ResponseData, … }
// ResponseData ::= SEQUENCE { version [0] OPTIONAL, responderID, producedAt,
//                             responses SEQUENCE OF SingleResponse, … }
// SingleResponse ::= SEQUENCE { certID, certStatus, thisUpdate,
//                               nextUpdate [0] EXPLICIT OPTIONAL, … }
function parseBasicResponse(der: Buffer, octets: Tlv): Parsed {
  const basic = readTlv(der, octets.start, octets.end);
  const tbs = basic && readTlv(der, basic.start, basic.end);
  const responses = (tbs && readChildren(der, tbs))?.find((child) => child.tag === 0x30);
  const first = responses && readTlv(der, responses.start, responses.end);
  const [, certStatus, thisUpdate, next] = (first && readChildren(der, first)) || [];
  if (certStatus === undefined) return UNPARSED;

  const nextTime = next?.tag === 0xa0 ? readTlv(der, next.start, next.end) : undefined;
  return {
    status: CERT_STATUSES[certStatus.tag],
    thisUpdate: thisUpdate && readTime(der, thisUpdate),
    nextUpdate: nextTime && readTime(der, nextTime),
  };
}

// GeneralizedTime as RFC 5280 §4.1.2.5.2 fixes it: YYYYMMDDHHMMSSZ.
function readTime(der: Buffer, tlv: Tlv): string | undefined {
  const text = der.subarray(tlv.start, tlv.end).toString('latin1');
  const match = /^(\d{4})(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)Z$/.exec(text);
  if (tlv.tag !== 0x18 || !match) return undefined;
  const [, year, month, date, hour, minute, second] = match;
  return `${year}-${month}-${date}T${hour}:${minute}:${second}.000Z`;
}
