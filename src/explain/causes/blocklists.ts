/**
 * Refusals because a DNS block list (DNSBL) names the sending IP or a
 * domain of the mail: whose list, how to check it, and the cases where the
 * list is not at fault at all but the receiver's use of it. The Spamhaus
 * query errors come first, since a receiver that misreads them refuses
 * every sender with words that look like a listing.
 */
import { anyOf, type KnownCause } from '../known-cause.js';
import { POLICY } from './subjects.js';

const SPAMHAUS_CHECK = 'https://check.spamhaus.org/';
const SPAMHAUS_RETURN_CODES =
  'https://www.spamhaus.org/news/article/807/using-our-public-mirrors-check-your-return-codes-now';
const SPAMHAUS_RETURN_CODES_2019 =
  'https://www.spamhaus.org/news/article/788/spamhaus-dnsbl-return-codes-technical-update';

const RECEIVER_MISREADS_SPAMHAUS =
  "nothing to change on the sending side: the receiver's postmaster must query Spamhaus " +
  "through the receiver's own DNS resolver (or Spamhaus's Data Query Service) and treat " +
  'answers in 127.255.255.0/24 as errors, not listings';

const ANY_REFUSAL = ['4xx', '5xx'] as const;

// A list's name alone is a mention ("this server uses Barracuda for
// filtering"). A listing gives the list's DNS zone (zen.spamhaus.org, not
// the www. site), or says listed or blocked in the same clause.
const SAME_CLAUSE = String.raw`(?:[^;.]|\.(?!\s|$))`;

function listingIn(name: string): RegExp {
  return anyOf(
    new RegExp(String.raw`\b(?!www\.)[\w-]+\.(?:${name})\.(?:org|net|com)\b`),
    new RegExp(
      String.raw`\b(?:listed|blocked|rejected|refused)\b${SAME_CLAUSE}{0,40}?\b(?:${name})\b`,
    ),
    new RegExp(
      String.raw`\b(?:${name})\b${SAME_CLAUSE}{0,30}?\b(?:listed|black ?list|block ?list|rbl)`,
    ),
  );
}

export const BLOCKLIST_CAUSES: readonly KnownCause[] = [
  {
    id: 'spamhaus-open-resolver',
    codes: ANY_REFUSAL,
    subjects: POLICY,
    pattern: anyOf(
      /returnc\/pub\b/,
      /open resolver.*\b(?:spamhaus|abuseat)\b/,
      /\b(?:spamhaus|abuseat)\b.*open resolver/,
    ),
    title: "the receiver's DNS is refused by Spamhaus (not a listing)",
    cause:
      'not a listing: the receiving server asks Spamhaus through a public or open DNS ' +
      'resolver, Spamhaus answers such queries with an error code (127.255.255.254), and ' +
      'the receiver takes that answer for a listing of every sender',
    action: RECEIVER_MISREADS_SPAMHAUS,
    source: SPAMHAUS_RETURN_CODES,
  },
  {
    id: 'spamhaus-query-limit',
    codes: ANY_REFUSAL,
    subjects: POLICY,
    pattern: /returnc\/vol\b|excessive number of queries.*\bspamhaus\b/i,
    title: 'receiver over its Spamhaus query limit (not a listing)',
    cause:
      'not a listing: the receiving server sent Spamhaus more queries than the free service ' +
      'allows, Spamhaus answered with an error code (127.255.255.255), and the receiver ' +
      'took that answer for a listing',
    action: RECEIVER_MISREADS_SPAMHAUS,
    source: SPAMHAUS_RETURN_CODES_2019,
  },
  {
    id: 'spamhaus-dbl',
    codes: ANY_REFUSAL,
    subjects: POLICY,
    pattern: anyOf(
      /\bdbl\.spamhaus\.org\b/,
      /spamhaus\.org\/(?:query\/)?dbl\b/,
      /domain is listed in spamhaus/,
    ),
    title: 'a domain of the mail is on the Spamhaus DBL',
    cause:
      'a domain of this mail (the sender, the EHLO name, or a link in the message) is on ' +
      'the Spamhaus Domain Block List; the sending IP may be clean',
    action:
      `look the domains up at ${SPAMHAUS_CHECK} to find which one, and follow its ` +
      'removal steps',
    source: SPAMHAUS_CHECK,
  },
  {
    id: 'spamhaus-pbl',
    codes: ANY_REFUSAL,
    subjects: POLICY,
    pattern: /\bpbl\.spamhaus\.org\b|spamhaus\.org\/pbl\b|\/pbl\/query\/|\bPBL\d{3,}/i,
    title: 'the sending IP is in the Spamhaus PBL',
    cause:
      'the sending IP address is in the Spamhaus Policy Block List: a range whose owner (or ' +
      'Spamhaus) says it should not hand mail straight to other servers, such as dynamic or ' +
      'residential addresses; it is not an accusation of spam',
    action:
      "send through your provider's mail server, or another relay you log in to; a server " +
      `with a static address of its own can be taken out of the PBL at ${SPAMHAUS_CHECK}`,
    source: SPAMHAUS_CHECK,
  },
  {
    id: 'spamhaus-listed',
    codes: ANY_REFUSAL,
    subjects: POLICY,
    pattern: listingIn('spamhaus'),
    title: 'the sending IP is on a Spamhaus list',
    cause:
      'a Spamhaus block list names the sending IP address (ZEN combines SBL, known spam ' +
      'sources; XBL and CSS, hijacked or infected machines and low-reputation senders; and ' +
      'PBL, addresses not meant to send directly)',
    action: `look the address up at ${SPAMHAUS_CHECK}: it says which list and how to get off it`,
    source: SPAMHAUS_CHECK,
  },
  {
    id: 'spamcop-listed',
    codes: ANY_REFUSAL,
    subjects: POLICY,
    pattern: listingIn('spamcop'),
    title: 'the sending IP is on the SpamCop list',
    cause:
      'the sending IP address is on the SpamCop Blocking List, which is built from spam reports',
    action:
      'look it up at https://www.spamcop.net/bl.shtml; a listing lapses by itself once the ' +
      'reports stop, so find and stop what sent the reported mail',
    source: 'https://www.spamcop.net/bl.shtml',
  },
  {
    id: 'barracuda-listed',
    codes: ANY_REFUSAL,
    subjects: POLICY,
    pattern: listingIn('barracuda(?:central)?'),
    title: 'the sending IP is on the Barracuda list',
    cause: 'the sending IP address is on the Barracuda Reputation Block List (BRBL)',
    action:
      'look the address up, and ask for its removal, at Barracuda Central ' +
      '(https://www.barracudacentral.org/lookups)',
    source: 'https://www.barracudacentral.org/lookups',
  },
  {
    id: 'uceprotect-network',
    codes: ANY_REFUSAL,
    subjects: POLICY,
    pattern: /dnsbl-[23]\.uceprotect\.net|uceprotect[- ]?(?:level|l)[- ]?[23]\b/i,
    title: "the sender's network is on UCEPROTECT level 2 or 3",
    cause:
      'UCEPROTECT lists a whole range (level 2) or the whole network of the provider (level ' +
      '3) that the sending IP belongs to, for abuse by other addresses in it',
    action:
      'see https://www.uceprotect.net/en/rblcheck.php; such a listing clears when the ' +
      "provider's network does, so ask the provider, or the receiver, who blocks innocent " +
      'senders by using these levels',
    source: 'https://www.uceprotect.net/en/rblcheck.php',
  },
  {
    id: 'uceprotect-listed',
    codes: ANY_REFUSAL,
    subjects: POLICY,
    pattern: listingIn('uceprotect'),
    title: 'the sending IP is on UCEPROTECT',
    cause: 'the sending IP address is on a UCEPROTECT list (level 1 names single addresses)',
    action:
      'look it up at https://www.uceprotect.net/en/rblcheck.php; level 1 listings expire ' +
      'by themselves some days after the last spam',
    source: 'https://www.uceprotect.net/en/rblcheck.php',
  },
  {
    id: 'sorbs-listed',
    codes: ANY_REFUSAL,
    subjects: POLICY,
    pattern: listingIn('sorbs'),
    title: 'the refusal names SORBS, shut down in 2024',
    cause:
      'the refusal names SORBS, a block list its owner shut down on 5 June 2024: a refusal ' +
      'after that date comes from a receiver still set up to consult it',
    action:
      "if the refusal is recent, ask the receiver's postmaster to remove SORBS from their " +
      'configuration; an older bounce was a real SORBS listing at the time',
    source:
      'https://heise.de/en/news/Blocked-out-Antispam-blocklist-SORBS-is-switched-off-9752522.html',
  },
  {
    id: 'dnsbl-named',
    codes: ANY_REFUSAL,
    subjects: POLICY,
    pattern: anyOf(
      /(?:blocked using|listed (?:in|on|at|by)) (?:the )?(?<list>[\w-]+(?:\.[\w-]+)+)/,
    ),
    title: 'the sending IP is on a block list',
    cause:
      'a DNS block list the receiver uses, {list}, names this mail: usually its sending IP ' +
      'address, sometimes a domain in it',
    action:
      "look the address up on {list}'s own site and follow its removal steps; if it is not " +
      "listed there, the receiver's lookups are at fault: tell its postmaster",
    source: 'https://www.rfc-editor.org/rfc/rfc5782',
  },
  {
    id: 'blocklist',
    codes: ANY_REFUSAL,
    subjects: POLICY,
    pattern: /\b(?:dnsbl|rbl)\b|black ?list(?:ed)?\b|block ?list(?:ed)?\b/i,
    title: 'refused by a block list',
    cause:
      'the receiver refused because one of its block lists names something about this mail: ' +
      "the sending IP address, the sender's address or domain, or a domain in the message",
    action:
      'find the list the text names and look the address or domain up on its own site; if ' +
      "nothing is listed there, the receiver's own list or its lookups are at fault: ask " +
      'its postmaster',
    source: 'https://www.rfc-editor.org/rfc/rfc5782',
  },
];
