/**
 * XOAUTH2, the OAuth 2.0 bearer-token mechanism of Google and Microsoft
 * (https://developers.google.com/gmail/imap/xoauth2-protocol). It predates
 * OAUTHBEARER (RFC 7628) and is what both providers still offer for SMTP.
 */
import { secretLine, toBase64, type AuthLine } from './dialogue.js';
import type { AuthOptions, Credentials, MechanismScript } from './dialogue.js';

/**
 * The client's acknowledgement of an error challenge. On a refused token
 * the server sends a 334 whose base64 holds a JSON error (status, scope);
 * it waits for an empty line before its final 535.
 */
const ACKNOWLEDGE_ERROR: AuthLine = { wire: '', display: '' };

/**
 * Scripts XOAUTH2: `user=USER ^A auth=Bearer TOKEN ^A ^A` in base64 as the
 * initial response; the first challenge after it can only be the error, and
 * is answered with an empty line; a further one is cancelled.
 */
export function xoauth2Script(credentials: Credentials, options: AuthOptions): MechanismScript {
  const message = `user=${credentials.user}\x01auth=Bearer ${credentials.secret}\x01\x01`;
  const hidden = `<credentials for "${credentials.user}", token hidden>`;

  return {
    initialResponse: secretLine(toBase64(message), hidden, options),
    answers: [() => ACKNOWLEDGE_ERROR],
  };
}
