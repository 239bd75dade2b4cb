/**
 * CRAM-MD5 (RFC 2195): the server sends a one-time challenge and the client
 * proves it knows the password with an HMAC-MD5 (RFC 2104) of it, so the
 * password itself never crosses the wire.
 */
import { createHmac } from 'node:crypto';
import { decodeBase64 } from './challenge.js';
import { CANCEL_LINE, secretLine, toBase64, type AuthLine } from './dialogue.js';
import type { AuthOptions, Credentials, MechanismScript } from './dialogue.js';

/** Scripts CRAM-MD5: one answer, to the server's first challenge; later ones are cancelled. */
export function cramMd5Script(credentials: Credentials, options: AuthOptions): MechanismScript {
  return { answers: [(challenge) => answerCramMd5(credentials, challenge, options)] };
}

/**
 * Answers a CRAM-MD5 challenge with `user SP digest`, the digest in lower-case
 * hex (RFC 2195 §2). The digest is hidden too: with the challenge beside it,
 * it lets anyone who reads the transcript try passwords offline.
 */
function answerCramMd5(
  credentials: Credentials,
  challenge: string,
  options: AuthOptions,
): AuthLine {
  const bytes = decodeBase64(challenge);
  // Without readable challenge bytes there is nothing to prove knowledge
  // against; a digest of garbage would only draw a 535 and count as a failure.
  if (bytes === undefined || bytes.length === 0) return CANCEL_LINE;

  const digest = createHmac('md5', credentials.secret).update(bytes).digest('hex');
  const hidden = `<user name "${credentials.user}" and digest, hidden>`;
  return secretLine(toBase64(`${credentials.user} ${digest}`), hidden, options);
}
