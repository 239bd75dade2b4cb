/**
 * What smtp-probe says about a 4xx or 5xx reply: the meaning of its reply
 * code and enhanced status code, and, when its code and text together match
 * a well-known rejection, the likely cause and what to try. Types only: the
 * code and data that fill them are loaded on the first refusal (index.ts).
 */
import type { Stage } from '../session/stage.js';

/** The reply code, read through RFC 5321 and the extensions that add codes. */
export interface ReplyCodeMeaning {
  readonly code: number;
  readonly meaning: string;
  /** Where the meaning comes from: `RFC 5321 §4.2.3`; undefined for an undefined code. */
  readonly source: string | undefined;
}

/** The enhanced status code, decoded through the IANA registry. */
export interface EnhancedCodeMeaning {
  /** As the server wrote it: `5.7.26`. */
  readonly code: string;
  readonly class: string;
  readonly subject: string;
  /** The registry's name for the detail, or undefined when it has none. */
  readonly detail: string | undefined;
  /** The registry's reference for the detail (`RFC 7372`). */
  readonly reference: string | undefined;
  /** The reply codes the registry associates with the detail, as it writes them. */
  readonly usualReplyCodes: string | undefined;
}

/** A well-known rejection recognised in the reply, filled in from its text. */
export interface Cause {
  /** Stable identifier, listed in docs/explanations.md: `greylisting`. */
  readonly id: string;
  /** A few words, for one-line outputs (the Nagios status line). */
  readonly title: string;
  /** The likely cause, in one sentence. */
  readonly cause: string;
  /** What to try. */
  readonly action: string;
  /** The public page or RFC the entry rests on. */
  readonly source: string;
}

/** Everything said about one reply. */
export interface Explanation {
  readonly replyCode: ReplyCodeMeaning;
  readonly enhancedStatus: EnhancedCodeMeaning | undefined;
  /** Remarks on the codes themselves: an undefined code, classes that disagree. */
  readonly notes: readonly string[];
  readonly cause: Cause | undefined;
  /** The codes' meanings in one line, as the transcript shows them. */
  readonly summary: string;
}

/** What the explainer knows about the reply besides its lines. */
export interface ExplainContext {
  /** The stage whose command drew the reply; unknown for a pasted reply. */
  readonly stage?: Stage | undefined;
  /** The TLS version of the session the reply came over (`TLSv1.2`). */
  readonly tlsProtocol?: string | undefined;
  /** The session fell back to HELO after EHLO was refused. */
  readonly afterHelo?: boolean | undefined;
}
