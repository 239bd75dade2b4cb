/**
 * The running session: the connection plus the record of what happened on
 * it. Every exchange goes through here, so every reply is timed and
 * reported the same way.
 */
import { ProtocolError, ReplyError, TimeoutError } from '../errors.js';
import { describeRate, formatDuration } from '../output/duration.js';
import { buildCommand, encodeCommand, type Command } from '../protocol/command.js';
import { replyText, type Reply } from '../protocol/reply.js';
import type { SmtpConnection } from '../transport/connection.js';
import type { SessionObserver } from './events.js';
import { RefusalExplainer } from './explain-step.js';
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
  /** Explains 4xx/5xx replies as they come (off with --no-explain). */
  private readonly explainer: RefusalExplainer;

  constructor(
    connection: SmtpConnection,
    observe: SessionObserver,
    connectedAt: number,
    explaining: boolean,
  ) {
    this.connection = connection;
    this.observe = observe;
    this.greetingClockStart = connectedAt;
    this.explainer = new RefusalExplainer(explaining);
  }

  /**
   * With implicit TLS the server can only greet once the handshake is done,
   * so the greeting's latency counts from there, not from the TCP connect.
   */
  startGreetingClock(): void {
    this.greetingClockStart = performance.now();
  }

  /** Reports an event to the observer. */
  emit: SessionObserver = (event) => {
    if (event.type === 'tls') this.explainer.tlsStarted(event.session.protocol);
    this.observe(event);
  };

  /** Explains replies read outside an exchange (unasked ones), as the session's own are. */
  explainAll(replies: readonly Reply[], stage: Stage): Promise<Reply[]> {
    return this.explainer.explainAll(replies, stage);
  }

  /** Records how long a stage took. */
  record(stage: Stage, ms: number, label: string = stage): void {
    this.timings.push({ stage, label, ms, secure: this.connection.secure });
  }

  /** Waits for the greeting; its latency counts from the connect. */
  async readGreeting(timeoutMs: number): Promise<Reply> {
    this.waiting('greeting');
    const reply = await this.read('greeting', timeoutMs);
    this.report('greeting', reply, reply.completedAt - this.greetingClockStart);
    return reply;
  }

  /** Sends a command and reads its reply; the latency counts from the command's last byte. */
  async exchange(stage: Stage, command: Command, timeoutMs: number): Promise<Reply> {
    // Before QUIT the session is over: unasked replies are surplus, not a verdict.
    await this.showUnsolicited(stage, stage !== 'quit');

    const sentAt = this.connection.send(stage, command);
    this.emit({ type: 'command', stage, command, secure: this.connection.secure });
    this.waiting(stage);

    const reply = await this.read(stage, timeoutMs);
    // HELO is the ehlo stage's fallback; its time is labelled as what it was.
    const label = stage === 'ehlo' ? command.verb.toLowerCase() : stage;
    if (stage === 'ehlo') this.explainer.greeted(command.verb, reply);
    this.report(stage, reply, reply.completedAt - sentAt, label);
    if (reply.code === 421 && stage !== 'quit') throw closing(stage, reply, command);
    return reply;
  }

  /**
   * Sends several commands in one write (PIPELINING, RFC 2920) and reads
   * their replies in order. When the server stops answering part-way, the
   * error says how many were answered, so no reply is paired with the wrong
   * command.
   */
  async exchangeBatch(batch: readonly BatchItem[], timeoutMs: number): Promise<Reply[]> {
    await this.showUnsolicited(batch[0]!.stage, true);

    const bytes = Buffer.concat(batch.map((item) => encodeCommand(item.command)));
    this.connection.expectReplies(batch.length);
    const sentAt = this.connection.sendBytes(batch[0]!.stage, bytes);
    for (const { stage, command } of batch) {
      this.emit({ type: 'command', stage, command, secure: this.connection.secure });
    }

    const replies: Reply[] = [];
    for (const { stage } of batch) {
      this.waiting(stage);
      const reply = await this.read(stage, timeoutMs).catch((error: unknown) => {
        throw stalledBatch(error, replies.length, batch);
      });
      this.report(stage, reply, reply.completedAt - sentAt);
      replies.push(reply);
      if (reply.code === 421) throw closing(stage, reply, batch[replies.length - 1]!.command);
    }
    return replies;
  }

  /**
   * Sends message content (after 354, or a BDAT chunk with its command) and
   * reads the reply. Latency counts from when the last byte left, so a big
   * message's transfer time is not charged to the server.
   */
  async exchangeContent(
    stage: Stage,
    content: Buffer,
    summary: string,
    timeoutMs: number,
    command?: Command,
  ): Promise<Reply> {
    await this.refuseEarlyReplies(stage);
    const secure = this.connection.secure;
    if (command) this.emit({ type: 'command', stage, command, secure });
    this.emit({ type: 'content', stage, summary, secure });

    const head = command ? [encodeCommand(command)] : [];
    this.connection.sendBytes(stage, Buffer.concat([...head, content]));
    await this.connection.drained(stage, timeoutMs);
    const sentAt = performance.now();

    this.waiting(stage);
    const reply = await this.read(stage, timeoutMs);
    this.report(stage, reply, Math.max(0, reply.completedAt - sentAt));
    return reply;
  }

  // A reply that came before the message was sent cannot be the message's:
  // pairing it so would report a message as accepted that was never judged.
  private async refuseEarlyReplies(stage: Stage): Promise<void> {
    const early = await this.explainer.explainAll(this.connection.takeUnsolicited(), stage);
    if (early.length === 0) return;

    const secure = this.connection.secure;
    for (const reply of early) {
      this.emit({ type: 'reply', stage, reply, latencyMs: 0, secure, unsolicited: true });
    }
    throw new ProtocolError(
      'the server replied before the message was sent; replies are out of step',
      {
        stage,
      },
    );
  }

  /**
   * Ends a message nobody wanted with a lone dot (RFC 2920 §3.1): a server
   * that said 354 although the envelope failed must not take what follows
   * for message text.
   */
  async endEmptyMessage(timeoutMs: number): Promise<void> {
    await this.exchangeContent('data', Buffer.from('.\r\n'), '<empty message>, then .', timeoutMs);
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

  // Every reply is read here, so that every refusal is explained the same way.
  private async read(stage: Stage, timeoutMs: number): Promise<Reply> {
    return this.explainer.explain(await this.connection.readReply(stage, timeoutMs), stage);
  }

  private waiting(stage: Stage): void {
    this.emit({ type: 'waiting', stage, secure: this.connection.secure });
  }

  private report(stage: Stage, reply: Reply, latencyMs: number, label: string = stage): void {
    this.record(stage, latencyMs, label);
    this.noticeTarpit(reply);
    const secure = this.connection.secure;
    this.emit({ type: 'reply', stage, reply, latencyMs, secure, unsolicited: false });
  }

  // A reply that arrives before its command was sent belongs to no command.
  // Shown apart, it cannot shift every later reply onto the wrong command;
  // a flood of them is summed up rather than printed.
  private unsolicited = 0;

  // A healthy server writes a reply at once. One whose bytes trickle in
  // over seconds is a tarpit (deliberate slowness against spammers) or a
  // badly congested path; either way the rate is what an admin needs.
  private noticeTarpit(reply: Reply): void {
    const spreadMs = reply.completedAt - reply.firstByteAt;
    if (spreadMs < TARPIT_SPREAD_MS) return;

    const bytes = reply.lines.reduce((sum, line) => sum + line.raw.length, 0);
    const over = `${formatDuration(spreadMs)} (${describeRate(bytes, spreadMs)})`;
    const message = `the reply trickled in over ${over}: a tarpit or a congested path`;
    this.emit({ type: 'warning', warning: { code: 'tarpit', message } });
  }

  /**
   * Shows replies that came when no command was waiting; a flood is summed
   * up. Before a command (`refusing`), an unasked 4xx or 5xx ends the
   * session: RFC 5321 §3.8 lets a server say 421 at any time before it
   * closes, and what it says then is the verdict, not the close after it.
   */
  async showUnsolicited(stage: Stage, refusing = false): Promise<void> {
    const replies = await this.explainer.explainAll(this.connection.takeUnsolicited(), stage);
    if (replies.length === 0) return;

    if (this.unsolicited === 0) {
      const message = 'the server sent a reply nobody asked for';
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

    const ending = replies.find((reply) => reply.code >= 400);
    if (refusing && ending) {
      throw new ReplyError(
        stage,
        ending,
        undefined,
        'the server said this unasked, before the command',
      );
    }
    // Before QUIT the work is done, but a server that refuses or closes
    // unasked is not healthy: a warning, which a monitoring check reports.
    if (ending) {
      const said = `${ending.code} ${replyText(ending)}`.trim();
      const message = `the server said ${said} unasked, before QUIT`;
      this.emit({ type: 'warning', warning: { code: 'refused-before-quit', message } });
    }
  }
}

const SHOWN_UNSOLICITED = 5;

/** A reply whose first and last bytes are this far apart is reported as trickling. */
const TARPIT_SPREAD_MS = 1_000;

// 421 means the server is closing the channel (RFC 5321 §3.8): whatever
// the stage, it is the verdict, and nothing more is said or waited for.
function closing(stage: Stage, reply: Reply, command: Command): ReplyError {
  return new ReplyError(stage, reply, command.display, 'the server is closing the connection');
}

/** One command of a pipelined batch, with the stage its reply belongs to. */
export interface BatchItem {
  readonly stage: Stage;
  readonly command: Command;
}

function stalledBatch(error: unknown, answered: number, batch: readonly BatchItem[]): unknown {
  if (!(error instanceof TimeoutError) || answered === 0) return error;

  const unanswered = batch[answered]!.command.verb;
  return new TimeoutError(
    `the server advertised PIPELINING but answered ${answered} of ${batch.length} ` +
      `pipelined commands; no reply to ${unanswered}`,
    error.waitedMs,
    { stage: error.stage, received: error.received, hint: 'try again with --no-pipelining' },
  );
}
