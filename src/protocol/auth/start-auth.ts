/**
 * Starts an AUTH exchange (RFC 4954 §4): builds the AUTH command and the
 * answers to the server's challenges for one mechanism.
 */
import { UsageError } from '../../errors.js';
import { cramMd5Script } from './cram-md5.js';
import { CANCEL_LINE, type AuthDialogue, type AuthLine, type AuthMechanism } from './dialogue.js';
import type { AuthOptions, Credentials, MechanismScript } from './dialogue.js';
import { loginScript } from './login.js';
import { plainScript } from './plain.js';
import { xoauth2Script } from './xoauth2.js';

type ScriptMaker = (credentials: Credentials, options: AuthOptions) => MechanismScript;

const SCRIPTS: Record<AuthMechanism, ScriptMaker> = {
  PLAIN: plainScript,
  LOGIN: loginScript,
  'CRAM-MD5': cramMd5Script,
  XOAUTH2: xoauth2Script,
};

// RFC 5321 §4.5.3.1.4 allows 512 octets per command line, CRLF included.
// RFC 4954 §4 keeps AUTH within it: an initial response that would not fit
// is left off, and sent instead as the answer to the server's first, empty
// challenge (RFC 4422 §5). Long OAuth tokens take this path.
const MAX_COMMAND_OCTETS = 510;

/**
 * Starts an AUTH exchange: the AUTH command and a dialogue that answers the
 * server's 334 challenges, by position, in the mechanism's order. Once the
 * mechanism has nothing left to send, every further challenge is answered
 * with `*`, which cancels the exchange (RFC 4954 §4).
 */
export function startAuth(
  mechanism: AuthMechanism,
  credentials: Credentials,
  options: AuthOptions = {},
): AuthDialogue {
  checkCredentials(mechanism, credentials);
  const script = SCRIPTS[mechanism](credentials, options);
  const initial = script.initialResponse;

  const command = initial === undefined ? undefined : commandWith(mechanism, initial);
  if (command) return openDialogue(command, script.answers);

  const bare = { wire: `AUTH ${mechanism}`, display: `AUTH ${mechanism}` };
  const pending = initial === undefined ? script.answers : [() => initial, ...script.answers];
  return openDialogue(bare, pending);
}

/** The AUTH command with its initial response, or undefined when it would be too long. */
function commandWith(mechanism: AuthMechanism, initial: AuthLine): AuthLine | undefined {
  const wire = `AUTH ${mechanism} ${initial.wire}`;
  if (Buffer.byteLength(wire) > MAX_COMMAND_OCTETS) return undefined;

  return { wire, display: `AUTH ${mechanism} ${initial.display}` };
}

function openDialogue(
  command: AuthLine,
  pending: readonly ((challenge: string) => AuthLine)[],
): AuthDialogue {
  let step = 0;
  return {
    command,
    answer(challenge: string): AuthLine {
      const next = pending[step];
      step += 1;
      return next ? next(challenge) : CANCEL_LINE;
    },
  };
}

// NUL separates PLAIN's fields (RFC 4616 §2) and ^A XOAUTH2's; one inside a
// value would shift the fields the server reads. No mechanism here can use
// a NUL, so it is refused everywhere rather than sent to fail.
const FORBIDDEN: Record<AuthMechanism, RegExp> = {
  PLAIN: /\0/,
  LOGIN: /\0/,
  'CRAM-MD5': /\0/,
  XOAUTH2: /[\0\x01]/,
};

/** Refuses credentials the mechanism cannot carry; the message never quotes the secret. */
function checkCredentials(mechanism: AuthMechanism, credentials: Credentials): void {
  if (credentials.user === '') {
    throw new UsageError(`refusing AUTH ${mechanism}: the user name is empty`);
  }
  if (FORBIDDEN[mechanism].test(credentials.user)) {
    throw new UsageError(`refusing AUTH ${mechanism}: the user name contains a control character`);
  }
  if (FORBIDDEN[mechanism].test(credentials.secret)) {
    const what = mechanism === 'XOAUTH2' ? 'token' : 'password';
    throw new UsageError(`refusing AUTH ${mechanism}: the ${what} contains a control character`);
  }
}
