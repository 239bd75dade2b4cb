/**
 * Explains one 4xx or 5xx reply: its reply code through RFC 5321 and the
 * extensions, its enhanced status code through the IANA registry, and the
 * well-known cause its code and text point to, if any.
 */
import type { EnhancedStatusCode } from '../protocol/reply.js';
import { KNOWN_CAUSES } from './causes/index.js';
import { codeNotes } from './code-notes.js';
import { CLASSES, REGISTERED_CODES, SUBJECTS } from './enhanced-status-codes.js';
import type { EnhancedCodeMeaning, ExplainContext, Explanation } from './explanation.js';
import { findCause, type ReplyWords } from './known-cause.js';
import { describeReplyCode } from './reply-codes.js';

/** Everything smtp-probe can say about the reply. */
export function explainReply(words: ReplyWords, context: ExplainContext = {}): Explanation {
  const replyCode = describeReplyCode(words.code, context.stage);
  const status = words.enhancedStatus;
  const enhancedStatus = status ? describeEnhancedStatus(status) : undefined;
  const notes = status ? codeNotes(words.code, status) : [];

  const codePart = `${words.code}: ${replyCode.meaning}`;
  const parts = enhancedStatus ? [codePart, summariseEnhanced(enhancedStatus)] : [codePart];
  return {
    replyCode,
    enhancedStatus,
    notes,
    cause: findCause(KNOWN_CAUSES, words, context),
    summary: [...parts, ...notes].join(' · '),
  };
}

/** An enhanced status code in the registry's words; unregistered parts are said so. */
export function describeEnhancedStatus(status: EnhancedStatusCode): EnhancedCodeMeaning {
  const registered = REGISTERED_CODES.get(`${status.subject}.${status.detail}`);
  return {
    code: `${status.class}.${status.subject}.${status.detail}`,
    class: CLASSES[status.class] ?? `class ${status.class}`,
    subject: SUBJECTS[status.subject] ?? `subject ${status.subject}, not in the IANA registry`,
    detail: registered?.name,
    reference: registered?.reference,
    usualReplyCodes: registered?.replyCodes,
  };
}

/** An enhanced status code's meaning in one phrase: `code: class / subject / detail`. */
export function summariseEnhanced(meaning: EnhancedCodeMeaning): string {
  const detail = meaning.detail
    ? lowerFirst(meaning.detail)
    : `detail ${meaning.code.split('.')[2]} not in the IANA registry`;
  const parts = [lowerWords(meaning.class), lowerWords(meaning.subject), detail];
  return `${meaning.code}: ${parts.join(' / ')}`;
}

// "Security or Policy Status" mid-sentence, but "IANA" stays as written.
function lowerWords(text: string): string {
  return text.replace(/\b[A-Z][a-z]+\b/g, (word) => word.toLowerCase());
}

// "Multiple authentication checks failed" reads better mid-sentence in
// lower case, but "SPF validation failed" and "UTF-8 …" must keep theirs.
function lowerFirst(text: string): string {
  const [first = '', second = ''] = text;
  return second === second.toLowerCase() && second !== second.toUpperCase()
    ? first.toLowerCase() + text.slice(1)
    : text;
}
