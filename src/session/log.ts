/**
 * The session log: the events of a run paired into exchanges — a command
 * (or message content) and the reply it drew — each stamped with when it
 * happened. Expectations are judged on it and machine formats print it;
 * the transcript needs none of this, it renders events as they come.
 */
import type { ProtocolWarning, Reply } from '../protocol/reply.js';
import type { SessionEvent, SessionObserver } from './events.js';
import type { TlsSession } from '../transport/tls-session.js';
import type { Stage } from './stage.js';

/** One step of the dialogue: what was sent (nothing, for the greeting) and the answer. */
export interface Exchange {
  readonly stage: Stage;
  /** The command as displayed: AUTH secrets are already hidden here. */
  readonly command: string | undefined;
  /** For message content: a description, never the content itself. */
  readonly content: string | undefined;
  /** Milliseconds from the start of the run; undefined for the greeting. */
  readonly sentAtMs: number | undefined;
  readonly secure: boolean;
  /** Undefined when the run ended before the reply came. */
  readonly reply: Reply | undefined;
  readonly receivedAtMs: number | undefined;
  readonly latencyMs: number | undefined;
  /** A reply that came when nothing had been asked. */
  readonly unsolicited: boolean;
}

/** A warning with the moment it was given. */
export interface LoggedWarning extends ProtocolWarning {
  readonly atMs: number;
}

interface Pending {
  stage: Stage;
  command: string | undefined;
  content: string | undefined;
  sentAtMs: number;
  secure: boolean;
}

/** Collects exchanges, warnings and notes from the events of one run. */
export class SessionLog {
  readonly exchanges: Exchange[] = [];
  readonly warnings: LoggedWarning[] = [];
  readonly notes: string[] = [];
  /** The addresses the target's name resolved to, when it was a name. */
  resolved: { host: string; addresses: string[]; ms: number } | undefined;
  /** This side's address of the connection. */
  localAddress: string | undefined;
  /**
   * The last TLS session set up, even one a policy then rejected
   * (--tls-verify): its certificate is what the user needs to see.
   */
  tls: TlsSession | undefined;
  /** performance.now() when the run began: every time in the log counts from here. */
  readonly startedAt: number;
  /** Commands sent whose replies have not come yet, oldest first (PIPELINING). */
  private readonly pending: Pending[] = [];
  private lastEvent: SessionEvent['type'] | undefined;

  constructor(startedAt: number = performance.now()) {
    this.startedAt = startedAt;
  }

  /** Milliseconds since the run began. */
  elapsed(at: number = performance.now()): number {
    return at - this.startedAt;
  }

  /** An observer that logs each event, then hands it on. */
  observer(next: SessionObserver): SessionObserver {
    return (event) => {
      this.add(event);
      next(event);
    };
  }

  /** Logs one event. */
  add(event: SessionEvent): void {
    switch (event.type) {
      case 'resolved':
        this.resolved = { host: event.host, addresses: event.addresses, ms: event.ms };
        break;
      case 'connected':
        this.localAddress = event.localAddress;
        break;
      case 'tls':
        this.tls = event.session;
        break;
      case 'command':
        this.pending.push({
          stage: event.stage,
          command: event.command.display,
          content: undefined,
          sentAtMs: this.elapsed(),
          secure: event.secure,
        });
        break;
      case 'content':
        this.addContent(event.stage, event.summary, event.secure);
        break;
      case 'reply':
        this.addReply(event.stage, event.reply, event.latencyMs, event.secure, event.unsolicited);
        break;
      case 'warning':
        this.warnings.push({ ...event.warning, atMs: this.elapsed() });
        break;
      case 'note':
        this.notes.push(event.text);
        break;
      case 'failed':
        this.closePending();
        break;
      default:
        break;
    }
    this.lastEvent = event.type;
  }

  /** The replies that answered a stage's commands, in order; unasked ones left out. */
  repliesTo(stage: Stage): Reply[] {
    return this.exchanges
      .filter((exchange) => exchange.stage === stage && !exchange.unsolicited)
      .flatMap((exchange) => (exchange.reply ? [exchange.reply] : []));
  }

  /** True when a command of the stage was sent (or, for the greeting, awaited and answered). */
  reached(stage: Stage): boolean {
    return this.exchanges.some((exchange) => exchange.stage === stage && !exchange.unsolicited);
  }

  // A BDAT chunk is a command followed by its content: one exchange. Content
  // after DATA's 354 stands alone.
  private addContent(stage: Stage, summary: string, secure: boolean): void {
    const last = this.pending.at(-1);
    if (this.lastEvent === 'command' && last && last.content === undefined) {
      last.content = summary;
      return;
    }
    this.pending.push({
      stage,
      command: undefined,
      content: summary,
      sentAtMs: this.elapsed(),
      secure,
    });
  }

  private addReply(
    stage: Stage,
    reply: Reply,
    latencyMs: number,
    secure: boolean,
    unsolicited: boolean,
  ): void {
    const sent = unsolicited ? undefined : this.pending.shift();
    const receivedAtMs = this.elapsed(reply.completedAt);
    // A reply's own faults (bare LF, a code mismatch) are warnings of the run too.
    for (const warning of reply.warnings) this.warnings.push({ ...warning, atMs: receivedAtMs });

    this.exchanges.push({
      stage: sent?.stage ?? stage,
      command: sent?.command,
      content: sent?.content,
      sentAtMs: sent?.sentAtMs,
      secure: sent?.secure ?? secure,
      reply,
      receivedAtMs,
      latencyMs: unsolicited ? undefined : latencyMs,
      unsolicited,
    });
  }

  /** Ends the log: what was sent but never answered stays in it, without a reply. */
  closePending(): void {
    for (const sent of this.pending.splice(0)) {
      this.exchanges.push({
        ...sent,
        reply: undefined,
        receivedAtMs: undefined,
        latencyMs: undefined,
        unsolicited: false,
      });
    }
  }
}
