/**
 * An explanation as lines of text: what the codes mean, then the likely
 * cause and what to try when the reply matched a well-known rejection. The
 * transcript shows them as notes under the reply; `smtp-probe explain` adds
 * the source. Renders only: the explanation was made where the reply came in.
 */
import type { Explanation } from '../explain/explanation.js';

/** The lines that explain a reply, without markers or style. */
export function explanationLines(
  explanation: Explanation,
  { withSource = false }: { withSource?: boolean } = {},
): string[] {
  const { summary, cause } = explanation;
  if (!cause) return [summary];
  const source = withSource ? [`source: ${cause.source}`] : [];
  return [summary, `cause: ${cause.cause}`, `try: ${cause.action}`, ...source];
}
