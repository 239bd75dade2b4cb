/**
 * The client's side of an SMTP AUTH exchange (RFC 4954 §4): the AUTH
 * command, then one line for each 334 challenge. Every line has a wire form
 * and a display form. Base64 is an encoding, not a disguise, so the display
 * form hides the base64 of a secret as carefully as the secret itself.
 */

/** A SASL mechanism smtp-probe can authenticate with, named as on the wire. */
export type AuthMechanism = 'PLAIN' | 'LOGIN' | 'CRAM-MD5' | 'XOAUTH2';

/** Who to authenticate as. */
export interface Credentials {
  readonly user: string;
  /** The password, or the OAuth 2.0 access token for XOAUTH2. */
  readonly secret: string;
}

/** A line the client sends during AUTH: wire form, and the display form with secrets redacted. */
export interface AuthLine {
  readonly wire: string;
  readonly display: string;
}

/** Drives one AUTH exchange from the client's side, a line at a time. */
export interface AuthDialogue {
  /** The AUTH command itself, with an initial response where the mechanism has one. */
  readonly command: AuthLine;
  /** The client's answer to a 334 challenge (its text as sent by the server, base64). */
  answer(challenge: string): AuthLine;
}

/** Choices for how AUTH lines are displayed. */
export interface AuthOptions {
  /** Display lines exactly as sent, secrets included (for debugging one's own account). */
  readonly revealSecrets?: boolean;
}

/**
 * Lists what a mechanism sends, before the RFC 4954 framing decides whether
 * its first message can travel on the AUTH command line.
 */
export interface MechanismScript {
  /** The first message of a client-first mechanism (RFC 4422 §5). */
  readonly initialResponse?: AuthLine;
  /** Answers to the challenges that follow, in order; a challenge past the last is cancelled. */
  readonly answers: readonly ((challenge: string) => AuthLine)[];
}

/**
 * Cancels the exchange: RFC 4954 §4 lets the client answer any challenge
 * with `*`, and the server then fails AUTH with 501.
 */
export const CANCEL_LINE: AuthLine = { wire: '*', display: '*' };

/** Encodes text as base64 of its UTF-8 bytes, the form of every SASL message (RFC 4954 §4). */
export function toBase64(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64');
}

/** Makes a line that carries a secret: displayed as `hidden` unless secrets are revealed. */
export function secretLine(wire: string, hidden: string, options: AuthOptions): AuthLine {
  return { wire, display: options.revealSecrets === true ? wire : hidden };
}
