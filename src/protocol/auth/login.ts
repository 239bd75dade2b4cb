/**
 * LOGIN (draft-murchison-sasl-login): the server asks twice, the client
 * answers with the user name, then the password, each in base64.
 */
import { secretLine, toBase64, type AuthOptions, type Credentials } from './dialogue.js';
import type { MechanismScript } from './dialogue.js';

/**
 * Scripts LOGIN, answering by step and never by prompt text: servers send
 * "Username:", "username:", "User Name\0" or nothing at all, and the draft
 * (§2.1) tells clients to ignore the challenges' contents. A third challenge
 * is cancelled.
 *
 * LOGIN never sends the user name as an initial response: the mechanism was
 * designed with the server speaking first (draft §2), and servers that
 * accept `AUTH LOGIN <user>` may still ask for the user name again, which a
 * client answering by step would then answer with the password. Waiting for
 * the first challenge costs one round trip and removes that ambiguity.
 */
export function loginScript(credentials: Credentials, options: AuthOptions): MechanismScript {
  const { user, secret } = credentials;

  return {
    answers: [
      () => secretLine(toBase64(user), `<user name "${user}", base64>`, options),
      () => secretLine(toBase64(secret), '<password hidden>', options),
    ],
  };
}
