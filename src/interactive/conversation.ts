/**
 * An interactive SMTP session after the greeting: each typed line read
 * (typed-line.ts) and acted on — sent as typed, STARTTLS upgraded in place,
 * AUTH credentials asked for and encoded, message text dot-stuffed — with
 * every reply timed and classified through the session like any other run.
 */
import { InterruptedError, TimeoutError, toProbeError } from '../errors.js';
import type { AuthMechanism, Credentials } from '../protocol/auth/index.js';
import { ExtensionSet, parseExtensions } from '../protocol/extensions.js';
import type { Command } from '../protocol/command.js';
import { replyText, type Reply } from '../protocol/reply.js';
import { describeChallenge } from '../session/auth.js';
import { abortWait } from '../session/lifetime.js';
import { describeStage, type Stage } from '../session/stage.js';
import { requireTrusted, upgrade } from '../session/starttls.js';
import { helpAuth, learnTypedCredentials, type CredentialPrompt } from './auth-helper.js';
import { ConversationLifetime, type ConversationSetup } from './conversation-lifetime.js';
import { mayRemember } from './history.js';
import { MessageDraft } from './message-draft.js';
import { RefusedMessage } from './refused-message.js';
import { displayOf, readTypedLine, stageOf, type TypedLine } from './typed-line.js';
import { runToolCommand, type ToolContext } from './tool-commands.js';

/** One interactive session, line by line; ends once, with or without an error. */
export class Conversation extends ConversationLifetime {
  /** The last EHLO reply's extensions; forgotten at STARTTLS (RFC 3207 §4.2). */
  extensions: ExtensionSet | undefined;
  private tlsTrusted = false;
  private cancelled = false;
  private credentialsSent = false;
  private draft = new MessageDraft();
  private readonly refusedMessage = new RefusedMessage();

  constructor(setup: ConversationSetup, tlsTrusted: boolean) {
    super(setup);
    this.tlsTrusted = tlsTrusted;
  }

  /** The prompt for the current state: TLS and DATA are visible in it. */
  get prompt(): string {
    const tls = this.setup.session.connection.secure ? ' (TLS)' : '';
    if (this.mode === 'data') return `data${tls}> `;
    if (this.mode === 'auth-response') return `AUTH response, hidden${tls}> `;
    return `smtp-probe${tls}> `;
  }

  /**
   * Acts on one typed line. Returns false when smtp-probe refused it and
   * sent nothing (an unknown / command, a line with CR or LF inside).
   */
  async handle(text: string, raw?: Buffer): Promise<boolean> {
    if (this.over) return false;
    if (this.refusedMessage.skip(text, this.setup.output)) return true;
    const line = readTypedLine(text, this.mode);
    this.busy = true;
    try {
      return await this.act(line, raw);
    } catch (error) {
      await this.fail(toProbeError(error));
      return true;
    } finally {
      this.busy = false;
      await this.showIdle();
    }
  }

  /** Tells whether this line, about to be handled, may enter the history once sent. */
  mayRemember(line: string): boolean {
    return !this.skipping && mayRemember(line, this.mode);
  }

  /** True while the lines that come are skipped, as the message of a DATA that got no 354. */
  get skipping(): boolean {
    return this.refusedMessage.active;
  }

  /** No more lines are waiting: what follows is typed after the refusal was seen. */
  stopSkipping(): void {
    this.refusedMessage.stop(this.setup.output);
  }

  /**
   * Ends the session from the user's side. In the middle of an AUTH
   * exchange the next line would be read as a SASL response, QUIT too:
   * the exchange is cancelled with "*" first (RFC 4954 §4), its reply awaited.
   */
  override async finish(why: string): Promise<void> {
    this.stopSkipping();
    if (this.mode === 'auth-response' && !this.over) {
      this.setup.output.note(`${why} inside AUTH: cancelling the exchange with *`);
      await this.handle('*');
    }
    return super.finish(why);
  }

  /**
   * Stops waiting for the reply under way (Ctrl-C): the session goes on,
   * and a reply that comes later shows as unsolicited. A TLS handshake
   * stopped halfway leaves nothing to go on with: the session ends, exit
   * 130. False when nothing was awaited.
   */
  cancelWait(): boolean {
    const { session, output } = this.setup;
    const stage = session.connection.waitingStage;
    if (stage === undefined) return false;
    this.cancelled = true;
    if (session.connection.cancelWait(new InterruptedError('SIGINT', stage, 'the reply'))) {
      return true;
    }
    this.cancelled = false;
    this.closing = true;
    output.note('Ctrl-C during the TLS handshake: the connection cannot go on, ending the session');
    abortWait(session, 'SIGINT');
    return true;
  }

  // `raw`: the line's bytes when they are not UTF-8 (piped), sent as they are.
  private async act(line: TypedLine, raw: Buffer | undefined): Promise<boolean> {
    const { output } = this.setup;
    switch (line.kind) {
      case 'empty':
        return true;
      case 'refused':
        output.warn(`not sent: ${line.reason}`);
        return false;
      case 'unknown-tool':
        output.warn(`unknown command ${line.name}: nothing sent (/help lists them; // sends /)`);
        return false;
      case 'tool':
        return runToolCommand(line.name, line.argument, this.toolContext());
      case 'auth-helper':
        return helpAuth(line.mechanism, this.authContext());
      case 'message-line':
        this.draft.add(this.setup.session.connection, line.wire, line.stuffed, raw);
        return true;
      case 'end-of-message':
        await this.endMessage();
        return true;
      case 'command':
        await this.send(line, raw);
        return true;
    }
  }

  private async send(line: TypedLine & { kind: 'command' }, raw?: Buffer): Promise<void> {
    // Shown with U+FFFD where a byte is not UTF-8; sent as given.
    const display = raw && !line.secret ? raw.toString('utf8') : displayOf(line);
    const command: Command = { verb: line.verb, wire: line.wire, display, raw };
    if (raw)
      this.setup.output.warnOnce('raw', 'a line of the input is not UTF-8: sent byte for byte');
    const inExchange = this.mode === 'auth-response';
    const { secretMask } = this.setup.options;
    if (line.secret) learnTypedCredentials(secretMask, line.wire, this.setup.output);
    if (!inExchange) this.credentialsSent = line.secret;
    else this.credentialsSent ||= line.secret;
    this.mode = 'command';

    const stage = inExchange ? 'auth' : stageOf(line.verb);
    const reply = await this.exchange(stage, command);
    const refusedData = line.verb === 'DATA' && reply?.code !== 354;
    if (refusedData && this.setup.linesWaiting()) this.refusedMessage.start();
    if (reply) await this.follow(stage, line.verb, reply);
  }

  // What a reply changes: the extensions known, TLS, the input mode.
  private async follow(stage: Stage, verb: string, reply: Reply): Promise<void> {
    if (stage === 'ehlo' && reply.code === 250) {
      this.extensions = verb === 'HELO' ? new ExtensionSet([]) : parseExtensions(reply);
    } else if (stage === 'starttls' && reply.code === 220) {
      await this.startTls();
    } else if (stage === 'data' && verb === 'DATA' && reply.code === 354) {
      this.mode = 'data';
      this.draft = new MessageDraft();
    } else if (stage === 'auth' && reply.code === 334) {
      this.mode = 'auth-response';
      const masked = this.setup.options.secretMask !== undefined;
      this.setup.output.note(describeChallenge(replyText(reply), this.credentialsSent, masked));
    } else if (stage === 'quit') {
      this.end(undefined);
    }
  }

  private async startTls(): Promise<void> {
    const { session, options } = this.setup;
    const hint = 'the server accepted STARTTLS but its TLS is broken';
    const tls = await upgrade(session, options, hint);
    requireTrusted(options, tls);
    this.tlsTrusted = tls.verification.trusted;
    this.extensions = undefined;
    this.setup.output.note('TLS is up: say EHLO again, nothing said before TLS counts (RFC 3207)');
  }

  private async endMessage(): Promise<void> {
    const { session, options } = this.setup;
    this.mode = 'command';
    const summary = this.draft.describe();
    await this.during('message', () =>
      session.exchangeContent('message', Buffer.from('.\r\n'), summary, options.timeouts.replyMs),
    );
  }

  private exchange(stage: Stage, command: Command): Promise<Reply | undefined> {
    const { session, options } = this.setup;
    this.unsolicited.reset();
    return this.during(stage, () => session.exchange(stage, command, options.timeouts.replyMs));
  }

  // A wait cancelled by Ctrl-C, or that ran out at a terminal, leaves the
  // session open: the user decides what next. Anything else ends it.
  private async during(stage: Stage, wait: () => Promise<Reply>): Promise<Reply | undefined> {
    try {
      return await wait();
    } catch (error) {
      const { output, piped, session } = this.setup;
      const cancelled = this.cancelled && error instanceof InterruptedError;
      this.cancelled = false;
      const ranOut = error instanceof TimeoutError && !piped && !session.connection.ended;
      if (!cancelled && !ranOut) throw error;

      const why = cancelled ? 'stopped waiting (Ctrl-C)' : (error as TimeoutError).message;
      output.note(`${why}: a late reply to ${describeStage(stage)} will show as unsolicited`);
      return undefined;
    }
  }

  // While the question is up, a signal or what the server says unasked takes it back.
  private async ask(
    prompt: CredentialPrompt,
    mechanism: AuthMechanism,
  ): Promise<Credentials | undefined> {
    const asking = new AbortController();
    this.asking = asking;
    try {
      return await prompt(mechanism, asking.signal);
    } finally {
      this.asking = undefined;
    }
  }

  private toolContext(): ToolContext {
    return {
      output: this.setup.output,
      mask: this.setup.options.secretMask,
      quit: () => this.finish('/quit'),
    };
  }

  private authContext(): Parameters<typeof helpAuth>[1] {
    const { session, options, output, askCredentials, allowInsecureAuth } = this.setup;
    return {
      session,
      output,
      extensions: this.extensions,
      tlsTrusted: this.tlsTrusted,
      allowInsecure: allowInsecureAuth,
      ask: askCredentials && ((mechanism) => this.ask(askCredentials, mechanism)),
      mask: options.secretMask,
      timeoutMs: options.timeouts.replyMs,
    };
  }
}
