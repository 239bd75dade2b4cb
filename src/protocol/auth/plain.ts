/**
 * PLAIN (RFC 4616): a single client message carrying the user name and the
 * password, sent as the AUTH command's initial response.
 */
import { secretLine, toBase64, type AuthOptions, type Credentials } from './dialogue.js';
import type { MechanismScript } from './dialogue.js';

/**
 * Scripts PLAIN: `authzid NUL authcid NUL passwd` in base64. The authzid is
 * left empty, which asks to act as the user who authenticates (RFC 4616 §2).
 * PLAIN has nothing more to say, so any challenge after it is cancelled.
 */
export function plainScript(credentials: Credentials, options: AuthOptions): MechanismScript {
  const message = `\0${credentials.user}\0${credentials.secret}`;
  const hidden = `<credentials for "${credentials.user}", hidden>`;

  return { initialResponse: secretLine(toBase64(message), hidden, options), answers: [] };
}
