/**
 * Where an interactive session's transcript goes: rendered by the same
 * transcript renderer as every other run, printed through the front end
 * (which keeps the prompt intact around it), and kept uncoloured in
 * memory for /save.
 */
import { writeFileSync } from 'node:fs';
import { formatDuration } from '../output/duration.js';
import { createStyle, type Style } from '../output/style.js';
import type { SecretMask } from '../output/secret-mask.js';
import { TranscriptRenderer } from '../output/transcript.js';
import type { ProbeError } from '../errors.js';
import type { SessionEvent } from '../session/events.js';
import { describeStage } from '../session/stage.js';
import { notesUnderReply } from './reply-notes.js';

/** Transcript lines kept for /save; older ones are dropped past this. */
const KEPT_LINES = 100_000;

/** Renders session events and smtp-probe's own lines for one interactive session. */
export class InteractiveOutput {
  /** Prints finished lines; the terminal front end replaces it to redraw its prompt. */
  print: (lines: string[]) => void;
  private readonly shown: TranscriptRenderer;
  private readonly plain = new TranscriptRenderer(createStyle(0));
  private readonly style: Style;
  private readonly kept: string[] = [];
  private dropped = 0;
  private readonly warned = new Set<string>();

  constructor(style: Style, print: (lines: string[]) => void) {
    this.style = style;
    this.shown = new TranscriptRenderer(style);
    this.print = print;
  }

  /** Renders one session event, with the notes that go under a reply. */
  readonly event = (event: SessionEvent): void => {
    const notes =
      event.type === 'reply' ? notesUnderReply(event.reply, event.stage, event.unsolicited) : [];
    this.emit(
      [...this.shown.render(event), ...notes.map((text) => this.shown.note(text))],
      [...this.plain.render(event), ...notes.map((text) => this.plain.note(text))],
    );
  };

  /** A note from smtp-probe. */
  note(text: string): void {
    this.emit([this.shown.note(text)], [this.plain.note(text)]);
  }

  /** A warning: something was refused or is worth attention, and nothing was sent. */
  warn(text: string): void {
    this.emit([this.shown.warning(text)], [this.plain.warning(text)]);
  }

  /** A warning said once per session, however often it is due. */
  warnOnce(key: string, text: string): void {
    if (this.warned.has(key)) return;
    this.warned.add(key);
    this.warn(text);
  }

  /** Lines printed as they are (the /help text); kept out of the saved transcript. */
  say(lines: string[]): void {
    this.print(lines);
  }

  /** The last lines: how the session ended, its exit status, and what to try, as a probe says. */
  verdict(error: ProbeError | undefined, totalMs: number): void {
    const took = formatDuration(totalMs);
    const at = error?.stage ? ` at ${describeStage(error.stage)}` : '';
    const line = error
      ? this.style.error(`result: FAILED${at} after ${took} (exit ${error.exitCode})`)
      : this.style.strong(`result: OK, session ended after ${took} (exit 0)`);
    const hint = error?.hint ? [`hint: ${this.plain.escapeText(error.hint)}`] : [];
    this.emit(['', line, ...hint.map((text) => this.style.dim(text))], ['', line, ...hint]);
  }

  /**
   * Writes the transcript so far, uncoloured and with every secret masked,
   * to a new file readable by its owner alone; an existing file is never
   * overwritten. Returns the problem in words, or undefined.
   */
  save(path: string, mask: SecretMask): string | undefined {
    const head = this.dropped > 0 ? [`== ${this.dropped} earlier lines not kept`] : [];
    const text = [...head, ...this.kept].map((line) => `${mask.apply(line)}\n`).join('');
    try {
      writeFileSync(path, text, { mode: 0o600, flag: 'wx' });
      return undefined;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EEXIST') return `${path} exists: not overwritten`;
      return error instanceof Error ? error.message : String(error);
    }
  }

  /** Lines kept for /save. */
  get lineCount(): number {
    return this.kept.length;
  }

  private emit(shown: string[], plain: string[]): void {
    if (shown.length > 0) this.print(shown);
    this.kept.push(...plain);
    const excess = this.kept.length - KEPT_LINES;
    if (excess > 0) {
      this.kept.splice(0, excess);
      this.dropped += excess;
    }
  }
}
