/**
 * Explanations attached to 4xx and 5xx replies as they arrive, so that the
 * transcript, the summary, JSON and the Nagios line all say the same. The
 * explanation code and its data (the IANA registry, the table of known
 * causes) load with the first such reply: a session that gets none never
 * pays for them.
 */
import type { Reply } from '../protocol/reply.js';
import type { Stage } from './stage.js';

/** Explains one session's refusals, with what the session knows besides the reply. */
export class RefusalExplainer {
  private readonly enabled: boolean;
  private tlsProtocol: string | undefined;
  private afterHelo = false;

  /** Off with --no-explain: replies pass through untouched. */
  constructor(enabled: boolean) {
    this.enabled = enabled;
  }

  /** Notes the TLS version negotiated: a refusal of old TLS versions says which was used. */
  tlsStarted(protocol: string): void {
    this.tlsProtocol = protocol;
  }

  /** Notes whether the session greeted with HELO after EHLO was refused. */
  greeted(verb: string, reply: Reply): void {
    this.afterHelo = verb === 'HELO' && reply.code === 250;
  }

  /** The reply with its explanation, or the reply itself when it is no refusal. */
  async explain(reply: Reply, stage: Stage): Promise<Reply> {
    if (!this.enabled || reply.code < 400) return reply;
    const { explainSmtpReply } = await import('../explain/index.js');
    const context = { stage, tlsProtocol: this.tlsProtocol, afterHelo: this.afterHelo };
    return { ...reply, explanation: explainSmtpReply(reply, context) };
  }

  /** Several replies that came together (unasked ones), each explained. */
  explainAll(replies: readonly Reply[], stage: Stage): Promise<Reply[]> {
    return Promise.all(replies.map((reply) => this.explain(reply, stage)));
  }
}
