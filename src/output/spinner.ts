/**
 * The "waiting for…" spinner on stderr. It appears only on a terminal and
 * only once a wait has lasted a moment, so a fast server never pays for
 * loading ora (a separate chunk of the bundle).
 */
import type { Ora } from 'ora';

const SHOW_AFTER_MS = 150;

/** Shows a spinner during long waits; a no-op when stderr is not a terminal. */
export class WaitSpinner {
  private stream: NodeJS.WritableStream | undefined;
  private timer: NodeJS.Timeout | undefined;
  private spinner: Ora | undefined;
  private generation = 0;

  /**
   * Pass stderr when it is a TTY, undefined to disable. A terminal that
   * reports no width (script(1), some CI runners) gets no spinner: ora
   * divides by the width and would loop for ever.
   */
  constructor(stream: (NodeJS.WritableStream & { columns?: number }) | undefined) {
    this.stream = stream && (stream.columns ?? 0) > 0 ? stream : undefined;
    // A terminal resized to no width mid-wait must not reach ora's next frame.
    stream?.on('resize', () => {
      if ((stream.columns ?? 0) > 0) return;
      this.stop();
      this.stream = undefined;
    });
  }

  /** Starts waiting; the spinner shows if the wait outlasts SHOW_AFTER_MS. */
  start(text: string): void {
    this.stop();
    const stream = this.stream;
    if (!stream) return;

    const generation = ++this.generation;
    this.timer = setTimeout(() => {
      void import('ora').then(({ default: ora }) => {
        if (generation !== this.generation) return;
        // The cursor stays visible: hiding it makes ora install exit and
        // signal hooks that would kill the process before its verdict.
        this.spinner = ora({ stream, text, discardStdin: false, hideCursor: false }).start();
      });
    }, SHOW_AFTER_MS);
    this.timer.unref();
  }

  /** Ends the wait and clears the spinner's line. */
  stop(): void {
    this.generation += 1;
    clearTimeout(this.timer);
    this.spinner?.stop();
    this.spinner = undefined;
  }
}
