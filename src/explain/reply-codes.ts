/**
 * What each 4xx and 5xx reply code means: RFC 5321 §4.2.2–4.2.3 for the
 * base protocol, and the extensions that define codes of their own (RFC 3207
 * STARTTLS, RFC 4954 AUTH, RFC 7504 for 521 and 556, RFC 1985 ETRN). A few
 * codes mean different things to different commands; the stage decides.
 */
import type { Stage } from '../session/stage.js';
import type { ReplyCodeMeaning } from './explanation.js';

const RFC5321 = 'RFC 5321 §4.2.3';

interface CodeEntry {
  readonly meaning: string;
  readonly source: string;
  /** Another meaning when the reply answers one of these stages. */
  readonly byStage?: Partial<Record<Stage, readonly [meaning: string, source: string]>>;
}

const TLS_UNAVAILABLE = ['TLS is not available for now', 'RFC 3207 §4'] as const;
const AUTH_TEMPORARY = ['temporary authentication failure', 'RFC 4954 §6'] as const;

const CODES: Readonly<Record<number, CodeEntry>> = {
  421: {
    meaning: 'service not available: the server is closing the connection',
    source: RFC5321,
  },
  432: { meaning: 'a password transition is needed', source: 'RFC 4954 §6' },
  450: {
    meaning: 'mailbox unavailable for now (busy, or refused by policy for the moment)',
    source: RFC5321,
  },
  451: { meaning: 'action aborted: a local error in processing', source: RFC5321 },
  452: {
    meaning: 'insufficient system storage, or too many recipients for now',
    source: 'RFC 5321 §4.2.3, §4.5.3.1.10',
  },
  454: {
    meaning:
      'TLS not available for now (RFC 3207), or a temporary authentication ' +
      'failure (RFC 4954): the command it answers decides',
    source: 'RFC 3207 §4; RFC 4954 §6',
    byStage: { starttls: TLS_UNAVAILABLE, auth: AUTH_TEMPORARY },
  },
  455: { meaning: 'the server cannot accommodate the parameters now', source: RFC5321 },
  458: { meaning: 'unable to queue messages for the node (ETRN)', source: 'RFC 1985' },
  459: { meaning: 'node not allowed (ETRN)', source: 'RFC 1985' },
  500: {
    meaning: 'syntax error: command not recognised, or its line too long',
    source: RFC5321,
    byStage: { auth: ['the authentication exchange line is too long', 'RFC 4954 §6'] },
  },
  501: { meaning: 'syntax error in the parameters or arguments', source: RFC5321 },
  502: { meaning: 'command not implemented', source: RFC5321 },
  503: { meaning: 'bad sequence of commands', source: RFC5321 },
  504: { meaning: 'command parameter not implemented', source: RFC5321 },
  521: { meaning: 'this host does not accept mail', source: 'RFC 7504' },
  530: {
    meaning:
      'the command needs STARTTLS first (RFC 3207) or authentication (RFC 4954): ' +
      'the text says which',
    source: 'RFC 3207 §4; RFC 4954 §6',
  },
  534: { meaning: 'the authentication mechanism is too weak', source: 'RFC 4954 §6' },
  535: { meaning: 'authentication credentials invalid', source: 'RFC 4954 §6' },
  538: {
    meaning: 'the requested authentication mechanism needs an encrypted connection',
    source: 'RFC 4954 §6',
  },
  550: {
    meaning: 'mailbox unavailable (not found, no access), or refused by policy',
    source: RFC5321,
  },
  551: { meaning: 'user not local', source: RFC5321 },
  552: { meaning: 'exceeded storage allocation', source: RFC5321 },
  553: { meaning: 'mailbox name not allowed (bad syntax)', source: RFC5321 },
  554: {
    meaning: 'transaction failed',
    source: RFC5321,
    byStage: { greeting: ['no SMTP service here', 'RFC 5321 §3.1, §4.2.3'] },
  },
  555: {
    meaning: 'MAIL FROM or RCPT TO parameters not recognised or not implemented',
    source: RFC5321,
  },
  556: { meaning: 'the domain does not accept mail', source: 'RFC 7504' },
};

/** The meaning of a reply code, for the stage it answered when that is known. */
export function describeReplyCode(code: number, stage?: Stage): ReplyCodeMeaning {
  const entry = CODES[code];
  if (!entry) return { code, meaning: undefinedCode(code), source: undefined };

  const special = stage === undefined ? undefined : entry.byStage?.[stage];
  const [meaning, source] = special ?? [entry.meaning, entry.source];
  return { code, meaning, source };
}

// Clients read an unknown code by its first digit (RFC 5321 §4.2.1), so
// that is what it means in practice, whatever the server intended.
function undefinedCode(code: number): string {
  const kind = code >= 500 ? 'a permanent failure' : 'a temporary failure';
  return `not a code RFC 5321 or its extensions define; its first digit makes it ${kind}`;
}
