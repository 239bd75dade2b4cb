/**
 * AUTH (RFC 4954): pick a mechanism the server offers, run its challenges,
 * and never let a credential reach any output. Credentials go only over
 * TLS unless the user explicitly allows otherwise.
 */
import { CannotSendError, ProtocolError, TlsPolicyError } from '../errors.js';
import type { Command } from '../protocol/command.js';
import type { ExtensionSet } from '../protocol/extensions.js';
import { replyText, type Reply } from '../protocol/reply.js';
import type { SecretMask } from '../output/secret-mask.js';
import {
  chooseMechanism,
  decodeChallenge,
  startAuth,
  type AuthLine,
  type AuthMechanism,
} from '../protocol/auth/index.js';
import { requireCode } from './expect.js';
import type { AuthRequest } from './options.js';
import type { Session } from './session.js';

// A well-behaved exchange takes two challenges at most; a server that keeps
// asking is stopped, not fed credentials for ever.
const MAX_CHALLENGES = 4;

/** What a refused AUTH most likely means, by reply code (RFC 4954 §6). */
const HINTS: Record<number, string> = {
  432: 'a password transition is needed: log in once by other means',
  454:
    'temporary: the server could not check the credentials; ' +
    'do not change the password, retry later',
  530: 'the server requires STARTTLS before AUTH',
  534: 'the server wants a stronger mechanism than the one used',
  535: 'the credentials were rejected: check the user name and the password',
  538: 'the server requires encryption for this mechanism',
};

const TOKEN_HINT = 'the token was rejected: it may have expired, or lack the mail scope';

/** Authenticates; returns the mechanism used. */
export async function authenticate(
  session: Session,
  request: AuthRequest,
  extensions: ExtensionSet,
  timeoutMs: number,
  mask: SecretMask | undefined,
  tlsTrusted: boolean,
): Promise<AuthMechanism> {
  const mechanism = pickMechanism(request, extensions);
  guardTransport(session, request, tlsTrusted);
  await runAuthDialogue(session, mechanism, request, timeoutMs, mask);
  return mechanism;
}

/**
 * Runs one AUTH exchange with a mechanism already chosen and the transport
 * already judged (pickMechanism, guardTransport): the AUTH command, an
 * answer to each 334 challenge, and 235 required at the end.
 */
export async function runAuthDialogue(
  session: Session,
  mechanism: AuthMechanism,
  request: AuthRequest,
  timeoutMs: number,
  mask: SecretMask | undefined,
): Promise<void> {
  const dialogue = startAuth(mechanism, request, { revealSecrets: request.revealSecrets });

  // Every line that carries credentials is also hidden wherever a server
  // might echo it, decoded challenges included.
  let credentialsSent = false;
  const send = (line: AuthLine): Promise<Reply> => {
    if (line.display !== line.wire) {
      credentialsSent = true;
      mask?.addWireLine(line.wire);
    }
    return session.exchange('auth', asCommand(line), timeoutMs);
  };

  let reply = await send(dialogue.command);
  for (let round = 1; reply.code === 334; round += 1) {
    if (round > MAX_CHALLENGES) throw tooManyChallenges();
    const challenge = replyText(reply);
    const text = describeChallenge(challenge, credentialsSent, mask !== undefined);
    session.emit({ type: 'note', text });
    reply = await send(dialogue.answer(challenge));
  }

  const hint = mechanism === 'XOAUTH2' && reply.code === 535 ? TOKEN_HINT : HINTS[reply.code];
  requireCode('auth', reply, 235, dialogue.command.display, hint);
}

/**
 * A 334 challenge as the transcript shows it: decoded. Once credentials
 * have gone a server may echo them in one, and decoded they would read
 * plainly; the secret mask hides them there as in every other form, so a
 * challenge after credentials is decoded only when a mask (`masked`)
 * stands between it and the output.
 */
export function describeChallenge(
  challenge: string,
  credentialsSent: boolean,
  masked: boolean,
): string {
  if (credentialsSent && !masked) return 'challenge not decoded: credentials were already sent';
  return `challenge: "${decodeChallenge(challenge)}"`;
}

/**
 * Refuses to send credentials except over TLS whose certificate is
 * trusted, unless the user allowed it (then warns): over untrusted TLS a
 * man in the middle reads them as easily as plaintext.
 */
export function guardTransport(
  session: Session,
  request: Pick<AuthRequest, 'allowInsecure'>,
  trusted: boolean,
): void {
  const secure = session.connection.secure;
  if (secure && trusted) return;

  const what = secure ? 'over TLS with an untrusted certificate' : 'without TLS';
  if (!request.allowInsecure) {
    const hint = secure
      ? 'use --ca FILE (and --sni NAME) to trust the server; --auth-insecure allows it anyway'
      : 'use STARTTLS or --tls; --auth-insecure allows it anyway';
    throw new TlsPolicyError(`refusing to send credentials ${what}`, { stage: 'auth', hint });
  }
  const message = `sending credentials ${what} (--auth-insecure): others on the path can read them`;
  session.emit({ type: 'warning', warning: { code: 'auth-insecure', message } });
}

/** Picks the mechanism the request asks for among those the EHLO reply offers, or refuses. */
export function pickMechanism(
  request: Pick<AuthRequest, 'mechanism'>,
  extensions: ExtensionSet,
): AuthMechanism {
  const offered = extensions.params('AUTH');
  if (offered === undefined) {
    throw new CannotSendError('auth-unavailable', 'the server does not offer AUTH', {
      stage: 'auth',
      hint: 'many servers offer AUTH only after STARTTLS, or only on port 587',
    });
  }

  const requested = request.mechanism;
  const mechanism = chooseMechanism(offered, requested, requested === 'XOAUTH2');
  if (mechanism === undefined) {
    const message = `no usable AUTH mechanism: the server offers ${offered.join(' ') || 'none'}`;
    throw new CannotSendError('auth-unavailable', message, { stage: 'auth' });
  }
  return mechanism;
}

function asCommand(line: AuthLine): Command {
  return { verb: 'AUTH', wire: line.wire, display: line.display };
}

function tooManyChallenges(): ProtocolError {
  return new ProtocolError('AUTH: the server kept challenging', { stage: 'auth' });
}
