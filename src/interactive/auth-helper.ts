/**
 * The AUTH helper: `AUTH PLAIN` (or LOGIN, CRAM-MD5, XOAUTH2) typed alone
 * asks for the user name and the password without echo, then runs the
 * exchange with smtp-probe's own encoders, so that credentials are never
 * typed in base64 by hand nor shown anywhere.
 */
import { CannotSendError, ProtocolError, ReplyError, TlsPolicyError } from '../errors.js';
import type { ProbeError } from '../errors.js';
import type { AuthMechanism, Credentials } from '../protocol/auth/index.js';
import type { ExtensionSet } from '../protocol/extensions.js';
import type { SecretMask } from '../output/secret-mask.js';
import { guardTransport, pickMechanism, runAuthDialogue } from '../session/auth.js';
import type { Session } from '../session/session.js';
import type { InteractiveOutput } from './output.js';

/**
 * Asks for credentials on the terminal; undefined when the user cancelled,
 * or when `cancel` was aborted (a signal, the server closing) meanwhile.
 */
export type CredentialPrompt = (
  mechanism: AuthMechanism,
  cancel: AbortSignal,
) => Promise<Credentials | undefined>;

/** What the helper needs from the session. */
export interface AuthHelperContext {
  readonly session: Session;
  readonly output: InteractiveOutput;
  readonly extensions: ExtensionSet | undefined;
  readonly tlsTrusted: boolean;
  readonly allowInsecure: boolean;
  readonly ask: ((mechanism: AuthMechanism) => Promise<Credentials | undefined>) | undefined;
  readonly mask: SecretMask | undefined;
  readonly timeoutMs: number;
}

/**
 * Runs AUTH with credentials asked for. Everything that can refuse is
 * checked before asking, and nothing is sent when it refuses: no EHLO
 * reply offering the mechanism, no trusted TLS (unless --auth-insecure),
 * no terminal, a cancelled prompt. Returns false in those cases.
 */
export async function helpAuth(
  mechanism: AuthMechanism,
  context: AuthHelperContext,
): Promise<boolean> {
  const { output } = context;
  const problem = checkFirst(mechanism, context);
  if (problem) {
    output.warn(`AUTH ${mechanism} not sent: ${problem}`);
    return false;
  }

  const credentials = await context.ask!(mechanism);
  if (!credentials) {
    output.note(`AUTH ${mechanism} cancelled: nothing sent`);
    return true;
  }
  // Known to the mask before a byte goes: a server may echo it in any form.
  learnSecret(context.mask, credentials.secret, output);

  const request = { mechanism, ...credentials, allowInsecure: true, revealSecrets: false };
  try {
    await runAuthDialogue(context.session, mechanism, request, context.timeoutMs, context.mask);
  } catch (error) {
    // A refusal, or a reply of the wrong kind, has been shown as a reply:
    // it ends the exchange, not the session, while the connection stands.
    if (context.session.connection.ended || !endsExchangeOnly(error)) throw error;
    const { message, hint } = error as ProbeError;
    output.warn(hint ? `${message} (${hint})` : message);
  }
  return true;
}

function endsExchangeOnly(error: unknown): boolean {
  if (error instanceof ReplyError) return error.reply.code !== 421;
  return error instanceof ProtocolError && error.stage === 'auth';
}

function checkFirst(mechanism: AuthMechanism, context: AuthHelperContext): string | undefined {
  if (!context.ask) {
    return 'there is no terminal to ask for the password on (type the AUTH line in full)';
  }
  if (!context.extensions) {
    return 'no EHLO reply since the session (or TLS) began: say EHLO first';
  }
  try {
    pickMechanism({ mechanism }, context.extensions);
    const allowInsecure = context.allowInsecure;
    guardTransport(context.session, { allowInsecure }, context.tlsTrusted);
  } catch (error) {
    if (!(error instanceof CannotSendError || error instanceof TlsPolicyError)) throw error;
    return error.hint ? `${error.message} (${error.hint})` : error.message;
  }
  return undefined;
}

/**
 * Teaches the mask a credential typed in full (AUTH with an initial
 * response, a SASL response): the line as sent, and its decoded last
 * field, the password in PLAIN, since a server may echo either.
 */
export function learnTypedCredentials(
  mask: SecretMask | undefined,
  wire: string,
  output: InteractiveOutput,
): void {
  mask?.addWireLine(wire);
  const blob = wire.trim().split(/\s+/).at(-1) ?? '';
  const decoded = Buffer.from(blob, 'base64').toString('utf8');
  const last = decoded.split('\0').at(-1) ?? '';
  if (last !== '') learnSecret(mask, last, output);
}

/**
 * Below this length a secret is likely to turn up inside unrelated words;
 * it is masked there too (a leak is worse than a garbled word), and the
 * user is told once why <hidden> may appear in odd places.
 */
const SHORT_SECRET = 6;

// The warning goes first, while the mask does not know the secret yet:
// masked, its own words would be the first to show <hidden>.
function learnSecret(
  mask: SecretMask | undefined,
  secret: string,
  output: InteractiveOutput,
): void {
  if (mask && [...secret].length < SHORT_SECRET) {
    output.warnOnce(
      'short-secret',
      `the secret is under ${SHORT_SECRET} characters: wherever it appears in the transcript, ` +
        'even inside other words, it shows as <hidden>',
    );
  }
  mask?.addSecret(secret);
}
