/**
 * An explanation in the JSON report, `explanation` on each reply and on the
 * verdict of a refused stage; shaped by docs/schema/report.schema.json
 * ($defs/explanation). Every field is present, null where nothing is known.
 */
import type { EnhancedCodeMeaning, Explanation } from '../explain/explanation.js';
import type { JsonObject } from './json.js';

/** The explanation as JSON, or null for a reply that has none. */
export function explanationJson(explanation: Explanation | undefined): JsonObject | null {
  if (!explanation) return null;
  const { replyCode, enhancedStatus, cause } = explanation;
  return {
    summary: explanation.summary,
    replyCode: {
      code: replyCode.code,
      meaning: replyCode.meaning,
      source: replyCode.source ?? null,
    },
    enhancedStatus: enhancedStatusJson(enhancedStatus),
    notes: [...explanation.notes],
    cause: cause
      ? {
          id: cause.id,
          title: cause.title,
          cause: cause.cause,
          action: cause.action,
          source: cause.source,
        }
      : null,
  };
}

/** An enhanced status code in the registry's words, or null. */
export function enhancedStatusJson(meaning: EnhancedCodeMeaning | undefined): JsonObject | null {
  if (!meaning) return null;
  return {
    code: meaning.code,
    class: meaning.class,
    subject: meaning.subject,
    detail: meaning.detail ?? null,
    reference: meaning.reference ?? null,
    usualReplyCodes: meaning.usualReplyCodes ?? null,
  };
}
