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
  /** The stage's name in the timings line: `helo` when the ehlo stage fell back. */
  readonly label: string;
  readonly ms: number;
  readonly secure: boolean;
}

/** A connection with its observer and the timings gathered so far. */
export class Session {
  readonly connection: SmtpConnection;
  readonly timings: StageTiming[] = [];
  private readonly observe: SessionObserver;
  private greetingClockStart: number;

  constructor(connection: SmtpConnection, observe: SessionObserver, connectedAt: number) {
    this.connection = connection;
    this.observe = observe;
    this.greetingClockStart = connectedAt;
  }

  /**
   * With implicit TLS the server can only greet once the handshake is done,
   * so the greeting's latency counts from there, not from the TCP connect.
   */
  startGreetingClock(): void {
    this.greetingClockStart = performance.now();
  }

  /** Reports an event to the observer. */
  emit: SessionObserver = (event) => this.observe(event);

  /** Records how long a stage took. */
  record(stage: Stage, ms: number, label: string = stage): void {
    this.timings.push({ stage, label, ms, secure: this.connection.secure });
  }

  /** Waits for the greeting; its latency counts from the connect. */
  async readGreeting(timeoutMs: number): Promise<Reply> {
    this.waiting('greeting');
    const reply = await this.connection.readReply('greeting', timeoutMs);
    this.report('greeting', reply, reply.completedAt - this.greetingClockStart);
    return reply;
  }

  /** Sends a command and reads its reply; the latency counts from the command's last byte. */
  async exchange(stage: Stage, command: Command, timeoutMs: number): Promise<Reply> {
    this.reportUnsolicited(stage);

    const sentAt = this.connection.send(stage, command);
    this.emit({ type: 'command', stage, command, secure: this.connection.secure });
    this.waiting(stage);

    const reply = await this.connection.readReply(stage, timeoutMs);
    // HELO is the ehlo stage's fallback; its time is labelled as what it was.
    const label = stage === 'ehlo' ? command.verb.toLowerCase() : stage;
    this.report(stage, reply, reply.completedAt - sentAt, label);
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

  private report(stage: Stage, reply: Reply, latencyMs: number, label: string = stage): void {
    this.record(stage, latencyMs, label);
    const secure = this.connection.secure;
    this.emit({ type: 'reply', stage, reply, latencyMs, secure, unsolicited: false });
  }

  // A reply that arrives before its command was sent belongs to no command.
  // Shown apart, it cannot shift every later reply onto the wrong command;
  // a flood of them is summed up rather than printed.
  private unsolicited = 0;

  private reportUnsolicited(stage: Stage): void {
    const replies = this.connection.takeUnsolicited();
    if (replies.length === 0) return;

    if (this.unsolicited === 0) {
      const message = 'server sent a reply nobody asked for';
      this.emit({ type: 'warning', warning: { code: 'unsolicited-reply', message } });
    }
    const secure = this.connection.secure;
    const shown = replies.slice(0, Math.max(0, SHOWN_UNSOLICITED - this.unsolicited));
    for (const reply of shown) {
      this.emit({ type: 'reply', stage, reply, latencyMs: 0, secure, unsolicited: true });
    }

    this.unsolicited += replies.length;
    const hidden = replies.length - shown.length;
    if (hidden > 0)
      this.emit({ type: 'note', text: `${hidden} more unsolicited replies not shown` });
  }
}

const SHOWN_UNSOLICITED = 5;
