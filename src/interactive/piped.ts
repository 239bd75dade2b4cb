/**
 * Piped input: a safe scripted telnet. Each line is read only once the
 * reply to the line before has arrived, and the first only after the
 * greeting, so nothing is ever sent before the server has answered. A line
 * smtp-probe refuses ends the session (exit 2): a script must not go on
 * after a line that was not sent as written.
 */
import { UsageError } from '../errors.js';
import type { Conversation } from './conversation.js';
import { OverlongLineError, type LineSource } from './line-source.js';

/** Plays the input's lines until it ends (then QUIT) or the session does. */
export async function runPiped(conversation: Conversation, source: LineSource): Promise<void> {
  const ended = new Promise<undefined>(
    (resolve) => (conversation.onEnd = () => resolve(undefined)),
  );
  while (!conversation.over) {
    const line = await Promise.race([source.next(), ended]).catch((error: unknown) => {
      if (error instanceof OverlongLineError) return new UsageError(error.message);
      const problem = error instanceof Error ? error.message : String(error);
      return new UsageError(`cannot read the input: ${problem}`);
    });
    if (conversation.over) break;
    // The server has done nothing wrong: it is owed a QUIT, as after a refused line.
    if (line instanceof UsageError) return conversation.fail(line, true);
    if (line === undefined) return conversation.finish('end of input');

    const accepted = await conversation.handle(line.text, line.raw);
    if (!accepted && !conversation.over) {
      await conversation.fail(
        new UsageError('a line of the input was refused, nothing sent'),
        true,
      );
    }
  }
}
