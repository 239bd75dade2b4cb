/**
 * The explanations chunk: what the session loads on its first 4xx or 5xx
 * reply, and what `smtp-probe explain` loads for a pasted reply. Nothing
 * here is imported statically by the common run (see esbuild.config.mjs),
 * and it imports nothing of the rest at run time, so that it stays one
 * file that start-up never opens.
 */
import type { Reply } from '../protocol/reply.js';
import { explainReply } from './explain.js';
import type { ExplainContext, Explanation } from './explanation.js';

export { describeEnhancedStatus, explainReply, summariseEnhanced } from './explain.js';

/** Explains a reply as the reply reader made it. */
export function explainSmtpReply(reply: Reply, context: ExplainContext): Explanation {
  // Lines that carry another code than the final one (a 220- before a 521)
  // are not part of what the reply says.
  const texts = reply.lines.filter((line) => line.code === reply.code).map((line) => line.text);
  return explainReply({ code: reply.code, enhancedStatus: reply.enhancedStatus, texts }, context);
}
