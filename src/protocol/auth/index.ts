/**
 * SMTP AUTH (RFC 4954) from the client's side: choosing a mechanism,
 * the lines to send in wire and display forms, and reading challenges.
 */
export { chooseMechanism, parseAuthMechanism, AUTH_MECHANISMS } from './choose-mechanism.js';
export { decodeChallenge } from './challenge.js';
export type {
  AuthDialogue,
  AuthLine,
  AuthMechanism,
  AuthOptions,
  Credentials,
} from './dialogue.js';
export { startAuth } from './start-auth.js';
