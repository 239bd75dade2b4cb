/**
 * The DNS parts of the JSON report: `mx`, the mail route of --mx with
 * every attempt, and `rdns`, the reverse DNS of the connected address.
 */
import type { MxOutcome } from '../session/mx-probe.js';
import { matchesPtr, type ReverseDns } from '../session/reverse-dns.js';
import { errorJson, type JsonObject } from './json.js';

/** The route and each host and address tried, with its result. */
export function mxJson(outcome: MxOutcome, all: boolean): JsonObject {
  const { route } = outcome;
  return {
    domain: outcome.domain,
    records: (route?.records ?? []).map((record) => ({
      preference: record.preference,
      exchange: record.exchange === '' ? '.' : record.exchange,
    })),
    nullMx: route?.nullMx ?? false,
    implicit: route?.implicit ?? false,
    authenticated: route?.authenticated ?? false,
    all,
    backupOnly: outcome.backupOnly,
    attempts: outcome.attempts.map(({ mx, address, result }) => {
      const greeting = result.timings.find((timing) => timing.stage === 'greeting');
      return {
        preference: mx.preference,
        host: mx.exchange,
        address: address ?? null,
        ok: result.exitCode === 0,
        exitCode: result.exitCode,
        error: result.failure ? errorJson(result.failure) : null,
        greetingMs: greeting ? round(greeting.ms) : null,
        totalMs: round(result.totalMs),
        // Each address may present another certificate and DANE status:
        // with --all the report's own tls and dane are the deciding one's only.
        tlsTrusted: result.tls ? result.tls.verification.trusted : null,
        dane: result.dane?.status ?? null,
      };
    }),
  };
}

/** The PTR names of the address and how they compare with the server's own names. */
export function rdnsJson(rdns: ReverseDns): JsonObject {
  return {
    address: rdns.address,
    ptrNames: [...rdns.ptrNames],
    forwardConfirmed: rdns.confirmedName !== undefined,
    confirmedName: rdns.confirmedName ?? null,
    greetingName: rdns.greetingName ?? null,
    ehloName: rdns.ehloName ?? null,
    matchesGreeting: matchesPtr(rdns, rdns.greetingName) ?? null,
    matchesEhlo: matchesPtr(rdns, rdns.ehloName) ?? null,
    lookupError: rdns.lookupError ?? null,
  };
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}
