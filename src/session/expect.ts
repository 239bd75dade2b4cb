/**
 * What reply each step needs. A reply of the right class but the wrong code
 * (220 to EHLO, 250 to STARTTLS, 354 as a greeting) is not success: it means
 * replies are out of step with commands, and carrying on would pair every
 * later reply with the wrong command.
 */
import { ProtocolError, ReplyError } from '../errors.js';
import type { Reply } from '../protocol/reply.js';
import { describeStage, type Stage } from './stage.js';

/** Throws unless the reply carries the expected code: ReplyError for 4xx/5xx. */
export function requireCode(
  stage: Stage,
  reply: Reply,
  expected: number,
  command: string | undefined,
  hint?: string,
): void {
  if (reply.code === expected) return;
  if (reply.code >= 400) throw new ReplyError(stage, reply, command, hint);

  const what = stage === 'greeting' ? 'the greeting' : describeStage(stage);
  throw new ProtocolError(
    `${what} answered with ${reply.code} where ${expected} belongs; replies are out of step`,
    { stage, hint: 'the server does not follow RFC 5321 here' },
  );
}
