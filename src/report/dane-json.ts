/**
 * The `dane` object of the JSON report (docs/json.md, $defs/dane in
 * docs/schema/report.schema.json): the TLSA records of the server and how
 * each fared against the chain it presented.
 */
import type { DaneCheck } from '../session/dane.js';
import type { TlsaMatch } from '../transport/tlsa-match.js';
import type { JsonObject } from './json.js';

/** The DANE check as the report gives it. */
export function daneJson(check: DaneCheck): JsonObject {
  return {
    tlsaName: check.tlsaName,
    status: check.status,
    authenticated: check.authenticated,
    rcode: check.rcode ?? null,
    lookupError: check.lookupError ?? null,
    summary: check.summary,
    records: check.matches.map(tlsaJson),
  };
}

function tlsaJson(match: TlsaMatch): JsonObject {
  const { record } = match;
  return {
    usage: record.usage,
    selector: record.selector,
    matchingType: record.matchingType,
    data: record.data.toString('hex'),
    usable: match.unusable === undefined,
    unusableReason: match.unusable ?? null,
    matches: match.matches,
    matchedCertificate: match.matchedIndex ?? null,
    problem: match.problem ?? null,
  };
}
