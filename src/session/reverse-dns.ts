/**
 * The reverse DNS of the server's address: its PTR names, whether one of
 * them resolves back to the address (forward-confirmed reverse DNS), and
 * whether the name the server gives in its greeting and EHLO reply is that
 * name. A mail server sends mail too, from the same address as a rule, and
 * many receivers refuse or score down mail from an address without a PTR,
 * or whose PTR does not resolve back (RFC 8499 §6 calls it FCrDNS).
 */
import { lookupAddresses, reverseName, sameAddress } from '../dns/addresses.js';
import { recordText, requireNoError, type Resolver } from '../dns/resolver.js';
import type { ProtocolWarning, Reply } from '../protocol/reply.js';
import type { SessionObserver } from './events.js';
import type { SessionLog } from './log.js';

/** What the reverse DNS check found for one address. */
export interface ReverseDns {
  readonly address: string;
  /** PTR names, without the trailing dot; empty when there is none. */
  readonly ptrNames: readonly string[];
  /** The first PTR name whose A/AAAA records include the address. */
  readonly confirmedName: string | undefined;
  /** The first word after the greeting's code, when it looks like a host name. */
  readonly greetingName: string | undefined;
  /** The first word of the EHLO reply's first line. */
  readonly ehloName: string | undefined;
  /** Why the PTR lookup itself failed (SERVFAIL, no answer). */
  readonly lookupError: string | undefined;
  readonly warnings: readonly ProtocolWarning[];
}

/** The replies whose names are compared with the PTR names. */
export interface ServerNames {
  readonly greeting: Reply | undefined;
  readonly ehlo: Reply | undefined;
}

/** Looks up and judges the reverse DNS of an address; never throws for DNS failures. */
export async function checkReverseDns(
  resolver: Resolver,
  address: string,
  replies: ServerNames,
  signal?: AbortSignal,
): Promise<ReverseDns> {
  const greetingName = firstWord(replies.greeting);
  const ehloName = firstWord(replies.ehlo);
  const found = { address, greetingName, ehloName };

  let ptrNames: string[];
  try {
    const answer = await resolver.query(reverseName(address), 'PTR', signal);
    // NXDOMAIN is no PTR; SERVFAIL and the like say nothing about it.
    if (answer.status !== 'nxdomain') requireNoError(answer);
    // An address has one PTR name, rarely a few: a long list is a broken or
    // hostile zone, and each name would cost a forward lookup.
    const names = answer.records.map((record) => recordText(record).replace(/\.$/, ''));
    ptrNames = names.slice(0, MAX_PTR_NAMES);
  } catch (error) {
    const lookupError = error instanceof Error ? error.message : String(error);
    const warning = {
      code: 'rdns-lookup-failed',
      message: `reverse DNS not checked: ${lookupError}`,
    };
    return { ...found, ptrNames: [], confirmedName: undefined, lookupError, warnings: [warning] };
  }

  const confirmedName = await confirmName(resolver, address, ptrNames, signal);
  const rdns = { ...found, ptrNames, confirmedName, lookupError: undefined };
  return { ...rdns, warnings: judge(rdns) };
}

/** True, false, or undefined when the server gave no name to compare. */
export function matchesPtr(rdns: ReverseDns, name: string | undefined): boolean | undefined {
  if (name === undefined) return undefined;
  return rdns.ptrNames.some((ptr) => ptr.toLowerCase() === name.toLowerCase());
}

const MAX_PTR_NAMES = 5;

// The names are looked up side by side: one slow name must not hold the others.
async function confirmName(
  resolver: Resolver,
  address: string,
  names: readonly string[],
  signal: AbortSignal | undefined,
): Promise<string | undefined> {
  const forwards = await Promise.all(
    names.map((name) => lookupAddresses(resolver, name, undefined, signal).catch(() => undefined)),
  );
  const index = forwards.findIndex((forward) =>
    forward?.addresses.some((each) => sameAddress(each, address)),
  );
  return index < 0 ? undefined : names[index];
}

function judge(rdns: Omit<ReverseDns, 'warnings'>): ProtocolWarning[] {
  const { address, ptrNames } = rdns;
  if (ptrNames.length === 0) {
    const message =
      `${address} has no PTR record: many receivers refuse or distrust mail from an address ` +
      'without reverse DNS, and this server most likely sends its outgoing mail from it';
    return [{ code: 'rdns-missing', message }];
  }

  const warnings: ProtocolWarning[] = [];
  const named = ptrNames.join(', ');
  if (rdns.confirmedName === undefined) {
    const message =
      `the PTR of ${address} (${named}) does not resolve back to it: not forward-confirmed, ` +
      'which receivers checking FCrDNS treat like no reverse DNS at all';
    warnings.push({ code: 'rdns-not-confirmed', message });
  }
  const mismatch = (where: string, name: string | undefined): void => {
    if (matchesPtr(rdns as ReverseDns, name) !== false) return;
    const message =
      `the ${where} names ${name}, but the PTR of ${address} is ${named}: ` +
      'harmless for delivery to it, yet a sign the host name or the PTR is out of date';
    warnings.push({ code: `rdns-${where === 'greeting' ? 'greeting' : 'ehlo'}-mismatch`, message });
  };
  mismatch('greeting', rdns.greetingName);
  mismatch('EHLO reply', rdns.ehloName);
  return warnings;
}

// The greeting is "220 host text" and the EHLO reply "250 host text"
// (RFC 5321 §4.1.1.1, §4.2): the first word, if it looks like a domain.
function firstWord(reply: Reply | undefined): string | undefined {
  const word = reply?.lines[0]?.text.trim().split(/\s+/)[0];
  if (!word || !/^[A-Za-z0-9_.-]+$/.test(word) || !word.includes('.')) return undefined;
  return word.replace(/\.$/, '');
}

/**
 * The check as a step of a probe: looks up the connected address, says
 * what it found as a note and each problem as a warning.
 */
export async function reportReverseDns(
  resolver: Resolver,
  address: string,
  log: SessionLog,
  greeting: Reply | undefined,
  observe: SessionObserver,
  signal?: AbortSignal,
): Promise<ReverseDns> {
  const ehlo = log.exchanges.find(
    (exchange) => exchange.stage === 'ehlo' && exchange.reply?.code === 250,
  );
  const rdns = await checkReverseDns(resolver, address, { greeting, ehlo: ehlo?.reply }, signal);
  if (rdns.lookupError === undefined) observe({ type: 'note', text: describeReverseDns(rdns) });
  for (const warning of rdns.warnings) observe({ type: 'warning', warning });
  return rdns;
}

/** One line: "reverse DNS: 192.0.2.25 is mx.example.test (forward-confirmed)". */
export function describeReverseDns(rdns: ReverseDns): string {
  if (rdns.ptrNames.length === 0) return `reverse DNS: ${rdns.address} has no PTR record`;
  const confirmed = rdns.confirmedName ? 'forward-confirmed' : 'not forward-confirmed';
  return `reverse DNS: ${rdns.address} is ${rdns.ptrNames.join(', ')} (${confirmed})`;
}
