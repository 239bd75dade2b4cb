/**
 * One SMTP connection: it writes commands, reads replies through the reply
 * reader, bounds every wait, and upgrades to TLS in place. It decides
 * nothing about the session; it says precisely what happened on the wire.
 */
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { TLSSocket } from 'node:tls';
import type { ProbeError } from '../errors.js';
import { ConnectionLostError, ProtocolError, TimeoutError, TlsError } from '../errors.js';
import { encodeCommand, type Command } from '../protocol/command.js';
import type { Reply } from '../protocol/reply.js';
import { ReplyReader } from '../protocol/reply-reader.js';
import { describeStage, type Stage } from '../session/stage.js';
import { describeRate, formatDuration } from '../output/duration.js';
import {
  brokenConnection,
  handshakeFailure,
  handshakeTimeout,
  placeFault,
  SILENT_GREETING_HINT,
  waitingFor,
} from './connection-errors.js';
import { HandshakeTap } from './handshake-tap.js';
import { openTlsClient, type TlsUpgrade } from './tls-client.js';
import { describeTlsSession, type TlsSession } from './tls-session.js';

export type { TlsUpgrade } from './tls-client.js';

interface Waiter {
  readonly stage: Stage;
  readonly resolve: (reply: Reply) => void;
  readonly reject: (error: ProbeError) => void;
}

type Ending =
  | { kind: 'closed' | 'reset'; at: number }
  | { kind: 'failed'; error: ProbeError }
  /** A socket or TLS error: its wording depends on the stage it hit. */
  | { kind: 'broken'; error: NodeJS.ErrnoException };

const now = (): number => performance.now();

/** Replies that may wait unasked-for before the flood counts as an attack. */
const MAX_QUEUED_REPLIES = 100;

/** An open connection to an SMTP server. */
export class SmtpConnection {
  readonly remoteAddress: string;
  readonly remotePort: number;
  readonly localAddress: string;
  private readonly raw: Socket;
  private stream: Duplex;
  private reader = new ReplyReader();
  private readonly replies: Reply[] = [];
  private waiter: Waiter | undefined;
  private ending: Ending | undefined;
  private readonly connectedAt: number;
  private lastSentAt: number | undefined;
  private secureSince: number | undefined;
  private bytesReceived = 0;
  /** Replies a pipelined batch is still to read: expected, not unsolicited. */
  private awaitedReplies = 0;
  private lastByteAt = 0;
  /** Ends a handshake or a drain under way; set only while one is. */
  private failWait: ((error: ProbeError) => void) | undefined;
  private handshaking = false;
  private drainStage: Stage | undefined;
  /** Told when a reply or the end arrives while nothing waits (interactive sessions). */
  private idleListener: (() => void) | undefined;

  constructor(raw: Socket) {
    this.raw = raw;
    this.stream = raw;
    this.remoteAddress = raw.remoteAddress ?? '';
    this.remotePort = raw.remotePort ?? 0;
    this.localAddress = raw.localAddress ?? '';
    this.connectedAt = now();
    this.listen(raw);
  }

  /** True once TLS is up, by STARTTLS or implicitly. */
  get secure(): boolean {
    return this.secureSince !== undefined;
  }

  /**
   * Sends a command; returns the time its bytes were handed to the socket.
   * That moment, not the write callback, is when the command left: over TLS
   * the callback can fire after the reply has already arrived.
   */
  send(stage: Stage, command: Command): number {
    return this.sendBytes(stage, encodeCommand(command));
  }

  /**
   * Sends bytes as they are: a pipelined batch of commands in one write, or
   * message content after DATA or BDAT. Returns when they were handed over.
   */
  sendBytes(stage: Stage, bytes: Buffer): number {
    if (this.ending) throw this.endingError(stage, true);

    this.stream.write(bytes);
    this.lastSentAt = now();
    return this.lastSentAt;
  }

  /**
   * Resolves once everything written so far has left for the kernel, at
   * most timeoutMs: a server that stops reading a message would otherwise
   * hold the write for ever. Ends early if the connection does.
   */
  drained(stage: Stage, timeoutMs: number): Promise<void> {
    if (!this.stream.writableNeedDrain) return Promise.resolve();
    if (this.ending) return Promise.reject(this.endingError(stage));

    return new Promise((resolve, reject) => {
      const settle = (): void => {
        clearTimeout(timer);
        this.stream.off('drain', onDrain);
        this.failWait = undefined;
      };
      const onDrain = (): void => (settle(), resolve());
      this.failWait = (error) => (settle(), reject(error));
      this.drainStage = stage;

      const timer = setTimeout(() => {
        const left = this.stream.writableLength;
        const waited = formatDuration(timeoutMs);
        const message = `the server stopped reading: ${left} bytes not taken after ${waited}`;
        this.abort(new TimeoutError(message, timeoutMs, { stage }));
      }, timeoutMs);
      this.stream.on('drain', onDrain);
    });
  }

  /** Announces that the next n replies are awaited (a pipelined batch). */
  expectReplies(n: number): void {
    this.awaitedReplies = n;
  }

  /** Waits for the next reply, at most timeoutMs. */
  readReply(stage: Stage, timeoutMs: number): Promise<Reply> {
    if (this.awaitedReplies > 0) this.awaitedReplies -= 1;
    const queued = this.replies.shift();
    if (queued) return Promise.resolve(queued);
    if (this.ending) return Promise.reject(this.endingError(stage));

    // Bytes that came during this wait and made no line: empty lines, say.
    const bytesBefore = this.bytesReceived;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiter = undefined;
        reject(this.timeoutError(stage, timeoutMs, this.bytesReceived - bytesBefore));
      }, timeoutMs);

      const settle = (): void => {
        clearTimeout(timer);
        this.waiter = undefined;
      };
      this.waiter = {
        stage,
        resolve: (reply) => (settle(), resolve(reply)),
        reject: (error) => (settle(), reject(error)),
      };
    });
  }

  /**
   * Stops the wait under way without closing the connection, failing it
   * with the given error; false when nothing was waited for. A reply that
   * comes later is then queued as unsolicited, as any unasked reply is.
   */
  cancelWait(error: ProbeError): boolean {
    if (!this.waiter) return false;
    this.waiter.reject(error);
    return true;
  }

  /**
   * Calls the listener whenever a reply, or the connection's end, arrives
   * while no wait is under way: a person at a prompt sees it at once
   * instead of before their next command. Undefined stops the calls.
   */
  watchIdle(listener: (() => void) | undefined): void {
    this.idleListener = listener;
  }

  /** True once the server has closed or reset the connection, or a fault ended it. */
  get ended(): boolean {
    return this.ending !== undefined;
  }

  /** Takes the replies that arrived while no command was waiting for one. */
  takeUnsolicited(): Reply[] {
    return this.replies.splice(0);
  }

  /** Starts TLS on this connection: right after connect, or after STARTTLS's 220. */
  async upgradeToTls(upgrade: TlsUpgrade): Promise<TlsSession> {
    this.refuseInjectedBytes();
    this.unlisten(this.raw);

    const tap = new HandshakeTap(this.raw);
    const tls = await import('node:tls');
    // An abort while the module loaded has already closed the socket.
    if (this.ending) throw this.endingError('tls');
    const client = openTlsClient(tls, tap, upgrade);

    await this.awaitHandshake(client.socket, tap, upgrade);
    const handshakeMs = now() - client.startedAt;
    const { staple, handshake } = client.finish();

    this.stream = client.socket;
    this.reader = new ReplyReader();
    this.secureSince = now();
    this.listen(client.socket);
    return describeTlsSession(client.socket, { ...upgrade, handshakeMs, staple, handshake });
  }

  /** Ends the connection at once; safe to call more than once. */
  close(): void {
    this.stream.destroy();
    this.raw.destroy();
  }

  /**
   * A protocol, limit or TLS fault that has already ended the connection,
   * though no command has asked for a reply since; undefined otherwise.
   */
  pendingFault(): ProbeError | undefined {
    const ending = this.ending;
    if (ending?.kind === 'failed') return ending.error;
    if (ending?.kind === 'broken' && this.secure) return this.endingError('quit');
    return undefined;
  }

  /** What has arrived of a reply not yet complete: kept when a wait is cut short. */
  unfinishedReply(): Buffer[] {
    return this.reader.pendingLines();
  }

  /** The stage whose reply is awaited right now, if any. */
  get waitingStage(): Stage | undefined {
    if (this.handshaking) return 'tls';
    return this.waiter?.stage ?? (this.failWait ? this.drainStage : undefined);
  }

  /** Fails any pending wait with the given error and closes the connection. */
  abort(error: ProbeError): void {
    this.ending ??= { kind: 'failed', error };
    this.waiter?.reject(error);
    this.failWait?.(error);
    this.close();
  }

  private listen(stream: Duplex): void {
    stream.on('data', this.onData);
    stream.on('end', this.onEnd);
    stream.on('error', this.onError);
  }

  private unlisten(stream: Duplex): void {
    stream.off('data', this.onData);
    stream.off('end', this.onEnd);
    stream.off('error', this.onError);
    // Errors still come after a handover; they reach the new owner, never the process.
    stream.on('error', () => undefined);
  }

  private readonly onData = (chunk: Buffer): void => {
    this.bytesReceived += chunk.length;
    this.lastByteAt = now();
    const { replies, error } = this.reader.push(chunk, now());
    const waiting = this.waiter?.stage;
    this.replies.push(...replies);

    if (error) {
      // Replies completed before the fault still count; the fault comes after them.
      this.ending ??= { kind: 'failed', error: placeFault(error, waiting, replies.length > 0) };
    } else if (this.replies.length > MAX_QUEUED_REPLIES + this.awaitedReplies) {
      const flood = new ProtocolError(
        `the server sent more than ${MAX_QUEUED_REPLIES} replies nobody asked for, reading aborted`,
        { stage: waiting },
      );
      this.replies.splice(MAX_QUEUED_REPLIES);
      this.ending ??= { kind: 'failed', error: flood };
    }

    this.deliver();
    if (this.ending?.kind === 'failed') this.close();
  };

  private readonly onEnd = (): void => {
    const { replies, error } = this.reader.finish(now());
    this.replies.push(...replies);
    if (error)
      this.ending ??= { kind: 'failed', error: placeFault(error, this.waiter?.stage, false) };
    this.ending ??= { kind: 'closed', at: now() };
    this.deliver();
  };

  private readonly onError = (error: NodeJS.ErrnoException): void => {
    const reset = error.code === 'ECONNRESET' || error.code === 'EPIPE';
    this.ending ??= reset ? { kind: 'reset', at: now() } : { kind: 'broken', error };
    this.deliver();
  };

  private deliver(): void {
    if (this.ending && this.failWait && !this.handshaking) {
      this.failWait(this.endingError(this.drainStage ?? 'message'));
    }
    if (!this.waiter) {
      if (this.replies.length > 0 || this.ending) this.idleListener?.();
      return;
    }
    const reply = this.replies.shift();
    if (reply) this.waiter.resolve(reply);
    else if (this.ending) this.waiter.reject(this.endingError(this.waiter.stage));
  }

  // RFC 3207 §5: bytes that came before the handshake must not be taken for
  // replies inside TLS. A server (or a man in the middle) that sends them is
  // either broken or injecting commands' answers (the CVE-2011-0411 class).
  private refuseInjectedBytes(): void {
    if (!this.reader.hasPartialReply && this.replies.length === 0) return;

    const received = [
      ...this.replies.flatMap((reply) => reply.lines.map((line) => line.raw)),
      ...this.reader.pendingLines(),
    ];
    const error = new TlsError(
      'the server sent data after its STARTTLS reply, before the TLS handshake ' +
        '(STARTTLS response injection or a broken server); not continuing',
      { stage: 'starttls', received },
    );
    this.abort(error);
    throw error;
  }

  private awaitHandshake(socket: TLSSocket, tap: HandshakeTap, upgrade: TlsUpgrade): Promise<void> {
    return new Promise((resolve, reject) => {
      const settle = (): void => {
        clearTimeout(timer);
        this.failWait = undefined;
        this.handshaking = false;
      };
      const fail = (error: ProbeError): void => {
        settle();
        socket.destroy();
        reject(error);
        this.abort(error);
      };
      this.failWait = fail;
      this.handshaking = true;

      const timer = setTimeout(
        () => fail(handshakeTimeout(tap, upgrade.timeoutMs)),
        upgrade.timeoutMs,
      );

      socket.once('secureConnect', () => {
        settle();
        socket.removeAllListeners('error');
        resolve();
      });
      socket.once('error', (error) => fail(handshakeFailure(error, tap, upgrade)));
    });
  }

  private timeoutError(stage: Stage, timeoutMs: number, bytesDuringWait: number): TimeoutError {
    const received = this.reader.pendingLines();
    const waited = formatDuration(timeoutMs);
    const what = stage === 'greeting' ? 'greeting' : `reply to ${describeStage(stage)}`;

    let message = `no ${what} after ${waited}`;
    let hint: string | undefined;
    if (received.length > 0) {
      const unterminated = received[received.length - 1]!.at(-1) !== 0x0a;
      const missing = unterminated ? 'its last line never ended' : 'its final line never came';
      message = `${what} incomplete after ${waited}: ${missing}${this.arrivalRate()}`;
    } else if (bytesDuringWait > 0) {
      message += ' (what the server sent held no reply line)';
    } else if (stage === 'greeting') {
      message += ' (the TCP connection was accepted)';
      hint = SILENT_GREETING_HINT;
    }

    return new TimeoutError(message, timeoutMs, { stage, received, hint });
  }

  // How fast the unfinished reply was arriving, when that looks like a tarpit.
  private arrivalRate(): string {
    const since = this.reader.pendingSince;
    if (since === undefined) return '';
    // Measured to the last byte, not to now: bytes that all came at once and
    // then stopped are a stall, not a trickle.
    const spreadMs = this.lastByteAt - since;
    const bytes = this.reader.pendingLines().reduce((sum, line) => sum + line.length, 0);
    if (spreadMs < 1_000) return '';
    return ` (arriving at ${describeRate(bytes, spreadMs)}: a tarpit?)`;
  }

  private endingError(stage: Stage, beforeSending = false): ProbeError {
    const ending = this.ending!;
    if (ending.kind === 'failed') return placeFault(ending.error, stage, false);
    if (ending.kind === 'broken') return brokenConnection(ending.error, stage, this.secure);

    const what =
      ending.kind === 'reset' ? 'connection reset by the server' : 'server closed the connection';
    if (beforeSending) {
      return new ConnectionLostError(`${what} before ${describeStage(stage)} could be sent`, {
        stage,
      });
    }

    const received = this.reader.pendingLines();
    const since =
      this.lastSentAt !== undefined && stage !== 'greeting'
        ? `${formatDuration(ending.at - this.lastSentAt)} after the command`
        : `${formatDuration(ending.at - this.connectedAt)} after connect`;

    return new ConnectionLostError(`${what} ${waitingFor(stage, received.length > 0)} (${since})`, {
      stage,
      received,
    });
  }
}
