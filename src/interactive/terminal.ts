/**
 * The terminal front end: node:readline for editing, history and
 * completion. Lines typed while a reply is awaited are queued and sent one
 * at a time, each after the reply before it, as in piped mode: the prompt
 * never lets the user talk before the server. Output that arrives while
 * the user types is printed above the line being typed.
 */
import type { Interface } from 'node:readline';
import type { Credentials, AuthMechanism } from '../protocol/auth/index.js';
import type { Conversation } from './conversation.js';
import { completeLine } from './completion.js';
import { EchoGate, type TerminalOutput } from './echo-gate.js';
import { HISTORY_LINES, loadHistory, saveHistory } from './history.js';
import type { InteractiveOutput } from './output.js';
import { isSecretInput } from './typed-line.js';
import type { SecretMask } from '../output/secret-mask.js';

/** The terminal: keys in, text out. */
export interface TerminalIo {
  readonly input: NodeJS.ReadableStream;
  /** The screen, for readline: unmasked, since it shows only the prompt and what is typed. */
  readonly output: TerminalOutput;
  /** The screen, for the transcript: every secret masked. */
  readonly writeTranscript: (text: string) => void;
  /** Hides completions that would show a secret; undefined when there is none to hide. */
  readonly mask: SecretMask | undefined;
  /** The history file; undefined keeps no history between runs. */
  readonly historyFile: string | undefined;
  readonly ehloName: string;
}

type Question = (answer: string | undefined) => void;

/** Runs the prompt until the conversation ends. */
export class TerminalFrontEnd {
  private readonly io: TerminalIo;
  private readonly output: InteractiveOutput;
  private conversation: Conversation | undefined;
  private rl: Interface | undefined;
  private gate: EchoGate | undefined;
  /** readline's history, which it changes in place; `sent` says what it should hold. */
  private history: string[] = [];
  /** The lines sent (or run, for / commands) that may be remembered, newest first. */
  private sent: string[] = [];
  private readonly queue: (string | undefined)[] = [];
  private pumping = false;
  private question: Question | undefined;
  private hiddenAnswer = false;
  private closed = false;

  constructor(io: TerminalIo, output: InteractiveOutput) {
    this.io = io;
    this.output = output;
    output.print = (lines) => this.print(lines);
  }

  /** Asks for the user name (echoed) and the secret (not echoed); undefined when cancelled. */
  readonly askCredentials = async (
    mechanism: AuthMechanism,
    cancel: AbortSignal,
  ): Promise<Credentials | undefined> => {
    const user = await this.ask('user name: ', false, cancel);
    if (user === undefined || user === '') return undefined;
    const what = mechanism === 'XOAUTH2' ? 'token' : 'password';
    const secret = await this.ask(`${what} for ${user} (not echoed): `, true, cancel);
    if (secret === undefined || secret === '') return undefined;
    return { user, secret };
  };

  /** True when lines typed ahead wait for their turn. */
  readonly linesWaiting = (): boolean => this.queue.length > 0;

  /** Shows the prompt and plays the lines typed until the conversation ends. */
  async run(conversation: Conversation): Promise<void> {
    this.conversation = conversation;
    // Set before anything is awaited: the server may close in the meantime.
    const ended = new Promise<void>((resolve) => (conversation.onEnd = resolve));
    if (conversation.over) return;
    const readline = await import('node:readline');
    this.gate = new EchoGate(this.io.output, () => this.echoShut());
    this.sent = this.io.historyFile ? loadHistory(this.io.historyFile) : [];
    this.history = [...this.sent];
    const rl = readline.createInterface({
      input: this.io.input,
      output: this.gate,
      terminal: true,
      history: this.history,
      historySize: HISTORY_LINES,
      completer: (line: string) => this.complete(line),
    });
    this.rl = rl;
    // Completion is for commands: inside DATA, and when a secret or an
    // answer is typed, Tab is a character like any other. readline reads
    // this property at each Tab and turns it off itself for pasted text;
    // should it go away, complete() still offers nothing there.
    if ('isCompletionEnabled' in rl) {
      let pasting = false;
      Object.defineProperty(rl, 'isCompletionEnabled', {
        get: () => !pasting && this.completes(),
        set: (enabled: boolean) => (pasting = !enabled),
      });
    }
    // readline adds every line as Enter is pressed; it is taken back here
    // and added once sent: a line typed ahead may be dropped (Ctrl-C),
    // skipped, or read as a SASL response by the time its turn comes.
    rl.on('history', (history: string[]) => history.splice(0, history.length, ...this.sent));
    rl.on('line', (line) => this.take(line));
    rl.on('SIGINT', () => this.interrupt());
    rl.on('close', () => this.onClose());

    this.showPrompt();
    await ended;
    this.close();
    this.saveHistory();
  }

  // Candidates come from the server's EHLO reply: readline prints them
  // unmasked, so any that holds a secret is left out.
  private complete(line: string): [string[], string] {
    if (!this.completes()) return [[], line];
    const { extensions } = this.conversation!;
    const [candidates, typed] = completeLine(line, { extensions, ehloName: this.io.ehloName });
    const mask = this.io.mask;
    return [candidates.filter((candidate) => !mask || mask.apply(candidate) === candidate), typed];
  }

  private completes(): boolean {
    return this.conversation!.mode === 'command' && !this.question;
  }

  private ask(text: string, hidden: boolean, cancel: AbortSignal): Promise<string | undefined> {
    const rl = this.rl;
    if (!rl || this.closed || cancel.aborted) return Promise.resolve(undefined);
    rl.setPrompt(text);
    rl.prompt();
    this.hiddenAnswer = hidden;
    return new Promise((resolve) => {
      const drop = (): void => this.dropQuestion();
      cancel.addEventListener('abort', drop, { once: true });
      this.question = (answer) => {
        cancel.removeEventListener('abort', drop);
        resolve(answer);
      };
    });
  }

  private take(line: string): void {
    const answer = this.question;
    if (answer) {
      this.question = undefined;
      this.endHiddenLine();
      this.hiddenAnswer = false;
      answer(line);
      return;
    }
    this.endHiddenLine();
    this.queue.push(line);
    void this.pump();
  }

  // Lines are handled one at a time, each after the reply to the one before.
  private async pump(): Promise<void> {
    const conversation = this.conversation!;
    if (this.pumping) return;
    this.pumping = true;
    while (this.queue.length > 0 && !conversation.over) {
      const line = this.queue.shift();
      if (line === undefined) {
        await conversation.finish('end of input (Ctrl-D)');
        break;
      }
      // Remembered as it goes, before a QUIT ends the session and the
      // history is saved; taken back if smtp-probe refuses it.
      const remembered = conversation.mayRemember(line) && this.remember(line);
      if (!(await conversation.handle(line)) && remembered) this.forget(line);
    }
    // Lines typed once the refusal of DATA was on the screen are meant as commands.
    conversation.stopSkipping();
    this.pumping = false;
    this.showPrompt();
  }

  private interrupt(): void {
    if (this.question) return this.dropQuestion();
    if (this.conversation!.cancelWait()) {
      const dropped = this.queue.splice(0).length;
      if (dropped > 0) this.output.note(`${dropped} typed-ahead lines dropped, none sent`);
      return;
    }
    this.rl?.write(null, { ctrl: true, name: 'u' });
    this.output.note('Ctrl-C clears the line; Ctrl-D or /quit ends the session');
  }

  // Takes back the question asked, as unanswered.
  private dropQuestion(): void {
    const answer = this.question;
    if (!answer) return;
    this.question = undefined;
    this.endHiddenLine(true);
    this.hiddenAnswer = false;
    // What was typed of the answer must not become the next command.
    if (!this.closed) this.rl?.write(null, { ctrl: true, name: 'u' });
    answer(undefined);
  }

  private onClose(): void {
    this.closed = true;
    const answer = this.question;
    this.question = undefined;
    answer?.(undefined);
    if (this.conversation!.over) return;
    // Ctrl-D leaves the cursor after the prompt; what follows starts below it.
    this.io.output.write('\r\n');
    this.queue.push(undefined);
    void this.pump();
  }

  private showPrompt(): void {
    const conversation = this.conversation!;
    if (this.closed || conversation.over || this.pumping || this.question) return;
    this.rl!.setPrompt(conversation.prompt);
    this.rl!.prompt();
  }

  // While the user types a secret, readline's echo is dropped; the prompt
  // before it was written while the line was still empty.
  private echoShut(): boolean {
    const rl = this.rl;
    if (!rl || rl.line === '') return false;
    if (this.question) return this.hiddenAnswer;
    return isSecretInput(rl.line, this.conversation!.mode);
  }

  // The Enter of a hidden line was not echoed either: end the line by hand.
  private endHiddenLine(always = false): void {
    const gate = this.gate!;
    if (gate.swallowed || (always && this.hiddenAnswer)) this.io.output.write('\r\n');
    gate.swallowed = false;
  }

  private print(lines: string[]): void {
    if (lines.length === 0) return;
    const shown = !this.closed && this.rl !== undefined;
    // Clear the prompt and what is typed after it, print, then draw them
    // again, unless the session is ending: no prompt then, nothing is read.
    if (shown) this.io.output.write('\r\x1b[K');
    this.io.writeTranscript(lines.map((line) => `${line}\n`).join(''));
    const wanted = !this.pumping || this.rl!.line !== '' || this.question;
    if (shown && wanted && !this.conversation?.closing) this.rl!.prompt(true);
  }

  // True when the line was added (it was not the newest already).
  private remember(line: string): boolean {
    if (this.sent[0] === line) return false;
    this.sent.unshift(line);
    this.sent.splice(HISTORY_LINES);
    this.history.splice(0, this.history.length, ...this.sent);
    return true;
  }

  private forget(line: string): void {
    if (this.sent[0] === line) this.sent.shift();
    this.history.splice(0, this.history.length, ...this.sent);
  }

  private close(): void {
    if (this.closed) return;
    this.closed = true;
    this.rl?.close();
  }

  private saveHistory(): void {
    if (!this.io.historyFile) return;
    const problem = saveHistory(this.io.historyFile, this.sent);
    if (problem) this.output.note(`history not saved: ${problem}`);
  }
}
