/**
 * The running session: the connection plus the record of what happened on
 * it. Every exchange goes through here, so every reply is timed and
 * reported the same way.
 */
import { buildCommand, type Command } from '../protocol/command.js';
import type { Reply } from '../protocol/reply.js';
import type { SmtpConnection } from '../transport/connection.js';
import type { SessionObserver } from './events.js';
import type { Stage } from './stage.js';

/** How long one stage took; a stage may repeat (EHLO before and after TLS). */
export interface StageTiming {
  readonly stage: Stage;
  readonly ms: number;
  readonly secure: boolean;
}

/** A connection with its observer and the timings gathered so far. */
export class Session {
  readonly connection: SmtpConnection;
  readonly timings: StageTiming[] = [];
  private readonly observe: SessionObserver;
  private readonly connectedAt: number;

  constructor(connection: SmtpConnection, observe: SessionObserver, connectedAt: number) {
    this.connection = connection;
    this.observe = observe;
    this.connectedAt = connectedAt;
  }

  /** Reports an event to the observer. */
  emit: SessionObserver = (event) => this.observe(event);

  /** Records how long a stage took. */
  record(stage: Stage, ms: number): void {
    this.timings.push({ stage, ms, secure: this.connection.secure });
  }

  /** Waits for the greeting; its latency counts from the connect. */
  async readGreeting(timeoutMs: number): Promise<Reply> {
    this.waiting('greeting');
    const reply = await this.connection.readReply('greeting', timeoutMs);
    this.report('greeting', reply, reply.completedAt - this.connectedAt);
    return reply;
  }

  /** Sends a command and reads its reply; the latency counts from the command's last byte. */
  async exchange(stage: Stage, command: Command, timeoutMs: number): Promise<Reply> {
    this.reportUnsolicited(stage);

    const sentAt = this.connection.send(stage, command);
    this.emit({ type: 'command', stage, command, secure: this.connection.secure });
    this.waiting(stage);

    const reply = await this.connection.readReply(stage, timeoutMs);
    this.report(stage, reply, reply.completedAt - sentAt);
    return reply;
  }

  /** Builds and sends a command in one step. */
  send(
    stage: Stage,
    verb: string,
    argument: string | undefined,
    timeoutMs: number,
  ): Promise<Reply> {
    return this.exchange(stage, buildCommand(verb, argument), timeoutMs);
  }

  private waiting(stage: Stage): void {
    this.emit({ type: 'waiting', stage, secure: this.connection.secure });
  }

  private report(stage: Stage, reply: Reply, latencyMs: number): void {
    this.record(stage, latencyMs);
    const secure = this.connection.secure;
    this.emit({ type: 'reply', stage, reply, latencyMs, secure, unsolicited: false });
  }

  // A reply that arrives before its command was sent belongs to no command.
  // Shown apart, it cannot shift every later reply onto the wrong command.
  private reportUnsolicited(stage: Stage): void {
    for (const reply of this.connection.takeUnsolicited()) {
      const secure = this.connection.secure;
      this.emit({ type: 'reply', stage, reply, latencyMs: 0, secure, unsolicited: true });
      this.emit({
        type: 'warning',
        warning: { code: 'unsolicited-reply', message: 'server sent a reply nobody asked for' },
      });
    }
  }
}
