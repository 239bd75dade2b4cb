/**
 * How an interactive session ends: by the user (Ctrl-D, /quit, the end of
 * piped input), by a failure, by a signal, or by the server closing while
 * the prompt waits. Each says QUIT where the server still expects it, and
 * the session ends once, whoever ends it. conversation.ts adds the lines.
 */
import { abortError, ConnectionLostError, ProtocolError } from '../errors.js';
import { toProbeError, type ProbeError } from '../errors.js';
import { formatReply } from '../protocol/reply.js';
import { abortWait, courtesyQuit, leavesSessionOpen } from '../session/lifetime.js';
import type { ProbeOptions } from '../session/options.js';
import { quit } from '../session/quit.js';
import type { Session } from '../session/session.js';
import type { CredentialPrompt } from './auth-helper.js';
import type { InteractiveOutput } from './output.js';
import type { InputMode } from './typed-line.js';
import { UnsolicitedReplies } from './unsolicited.js';

/** What the conversation needs from its surroundings. */
export interface ConversationSetup {
  readonly session: Session;
  readonly options: ProbeOptions;
  readonly output: InteractiveOutput;
  /** Asks for AUTH credentials; undefined when there is no terminal to ask on. */
  readonly askCredentials: CredentialPrompt | undefined;
  readonly allowInsecureAuth: boolean;
  /** Piped input: a wait that runs out ends the session, as it would a probe. */
  readonly piped: boolean;
  /** True when lines typed or piped ahead wait to be read (always, for piped input). */
  readonly linesWaiting: () => boolean;
  readonly signal: AbortSignal | undefined;
}

/** The state every ending needs, and the endings themselves. */
export abstract class ConversationLifetime {
  mode: InputMode = 'command';
  /** Called once when the session ends, whoever ended it. */
  onEnd: () => void = () => undefined;
  /** True from the moment the session starts to end (its QUIT under way, say): no more prompts. */
  closing = false;
  protected readonly setup: ConversationSetup;
  /** A line is being acted on: what comes meanwhile is its to show. */
  protected busy = false;
  protected readonly unsolicited = new UnsolicitedReplies();
  /** Aborted to take back the question the AUTH helper has put to the user. */
  protected asking: AbortController | undefined;
  private ending: { error: ProbeError | undefined } | undefined;
  private showing: Promise<void> = Promise.resolve();

  constructor(setup: ConversationSetup) {
    this.setup = setup;
    setup.session.connection.watchIdle(() => void this.showIdle());
    setup.signal?.addEventListener('abort', this.onSignal, { once: true });
  }

  /** True once the session has ended. */
  get over(): boolean {
    return this.ending !== undefined;
  }

  /** What ended the session; undefined for an orderly end. */
  get failure(): ProbeError | undefined {
    return this.ending?.error;
  }

  /**
   * Ends the session from the user's side (Ctrl-D, end of input, /quit):
   * QUIT, and a wait for its reply. Inside DATA, QUIT would be message
   * text, so the connection is closed instead and the server drops the
   * message (RFC 5321 §4.1.4 says it must not deliver it).
   */
  async finish(why: string): Promise<void> {
    if (this.over) return;
    this.closing = true;
    if (this.mode === 'data') return this.closeInData(why, undefined);
    this.setup.output.note(`${why}: saying QUIT`);
    this.busy = true;
    try {
      await quit(this.setup.session, this.setup.options.timeouts.quitMs);
      this.end(undefined);
    } catch (error) {
      await this.fail(toProbeError(error));
    } finally {
      this.busy = false;
    }
  }

  /**
   * Ends the session with an error, saying QUIT first when the server
   * still expects it: after a refusal, and after a line smtp-probe refused
   * (`refusedLine`), when the server has done nothing wrong.
   */
  async fail(error: ProbeError, refusedLine = false): Promise<void> {
    if (this.over) return;
    const { session, options, signal } = this.setup;
    this.closing = true;
    session.emit({ type: 'failed', error, secure: session.connection.secure });
    const open = refusedLine || leavesSessionOpen(error);
    if (open && this.mode !== 'data' && !session.connection.ended) {
      await courtesyQuit(session, options, signal);
    }
    this.end(error);
  }

  /**
   * Shows what came while nobody waited; ends the session when the server
   * has. While the AUTH helper asks for the password, it is shown too, and
   * the question taken back: credentials must not follow a 421 or a close.
   */
  showIdle(): Promise<void> {
    this.showing = this.showing.then(() => this.showIdleNow());
    return this.showing;
  }

  // One show at a time: explaining waits for the explanation code, and a
  // close noticed meanwhile must still name the reply before it.
  private async showIdleNow(): Promise<void> {
    if (this.over || (this.busy && !this.asking)) return;
    const { session, output } = this.setup;
    const before = this.unsolicited.last;
    const flood = await this.unsolicited.show(session, output);
    if (this.over) return;
    if (this.busy) {
      const came = flood !== undefined || this.unsolicited.last !== before;
      if (came || session.connection.ended) this.asking?.abort();
      return;
    }
    if (flood) {
      void this.fail(new ProtocolError(flood));
    } else if (session.connection.ended) {
      const last = this.unsolicited.last;
      const said = last ? `, after saying ${formatReply(last)}` : '';
      const closed = new ConnectionLostError(`the server closed the connection${said}`, {});
      void this.fail(session.connection.pendingFault() ?? closed);
    }
  }

  protected end(error: ProbeError | undefined): void {
    if (this.ending) return;
    this.ending = { error };
    this.setup.session.connection.watchIdle(undefined);
    this.setup.signal?.removeEventListener('abort', this.onSignal);
    this.onEnd();
  }

  /**
   * Ends the session for SIGINT or SIGTERM, at once rather than at the next
   * line. A wait under way fails, and the session ends with it, as a
   * probe's does; otherwise QUIT is said first, its reply awaited no
   * longer than for any QUIT, except inside DATA.
   */
  private async interrupt(reason: unknown): Promise<void> {
    const { session, output, options } = this.setup;
    if (this.over) return;
    if (session.connection.waitingStage !== undefined) return abortWait(session, reason);

    this.asking?.abort();
    this.closing = true;
    const error = abortError(reason);
    if (this.mode === 'data') return this.closeInData(String(reason), error);
    output.note(`${String(reason)}: saying QUIT`);
    this.busy = true;
    await courtesyQuit(session, options, undefined);
    this.end(error);
  }

  private readonly onSignal = (): void => void this.interrupt(this.setup.signal!.reason);

  private closeInData(why: string, error: ProbeError | undefined): void {
    this.setup.output.note(`${why} inside DATA: closing without QUIT, nothing is delivered`);
    this.setup.session.connection.close();
    this.end(error);
  }
}
