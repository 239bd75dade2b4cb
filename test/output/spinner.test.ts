import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { WaitSpinner } from '../../src/output/spinner.js';

/** A stream that says it is a terminal, and keeps what was written to it. */
function fakeTerminal(): PassThrough & { isTTY: boolean; columns: number; text: () => string } {
  const stream = new PassThrough() as PassThrough & {
    isTTY: boolean;
    columns: number;
    text: () => string;
  };
  let written = '';
  stream.on('data', (chunk: Buffer) => (written += chunk.toString()));
  // ora moves the cursor with the tty.WriteStream methods.
  const moved = () => true;
  Object.assign(stream, {
    isTTY: true,
    columns: 80,
    cursorTo: moved,
    clearLine: moved,
    moveCursor: moved,
    text: () => written,
  });
  return stream;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('WaitSpinner', () => {
  it('when a wait lasts a while on a terminal then the spinner shows its text', async () => {
    const terminal = fakeTerminal();
    const spinner = new WaitSpinner(terminal);

    spinner.start('waiting for the greeting from mx.probe.test');
    await sleep(400);
    spinner.stop();

    expect(terminal.text()).toContain('waiting for the greeting from mx.probe.test');
  });

  it('when the wait ends quickly then nothing is written', async () => {
    const terminal = fakeTerminal();
    const spinner = new WaitSpinner(terminal);

    spinner.start('waiting for the reply to EHLO');
    await sleep(20);
    spinner.stop();
    await sleep(300);

    expect(terminal.text()).toBe('');
  });

  it('when the terminal reports zero columns then no spinner is drawn', async () => {
    const terminal = fakeTerminal();
    terminal.columns = 0;
    const spinner = new WaitSpinner(terminal);

    spinner.start('waiting for the greeting');
    await sleep(400);
    spinner.stop();

    expect(terminal.text()).toBe('');
  });

  it('when there is no terminal then starting and stopping do nothing', async () => {
    const spinner = new WaitSpinner(undefined);
    spinner.start('waiting');
    await sleep(200);
    spinner.stop();
  });

  it('when the spinner shows then it installs no signal or exit hooks of its own', async () => {
    const before = ['SIGINT', 'SIGTERM', 'exit'].map((event) => process.listenerCount(event));
    const spinner = new WaitSpinner(fakeTerminal());

    spinner.start('waiting for the greeting');
    await sleep(400);
    const during = ['SIGINT', 'SIGTERM', 'exit'].map((event) => process.listenerCount(event));
    spinner.stop();

    expect(during).toEqual(before);
  });

  it(
    'when the terminal is resized to no width ' + 'mid-wait then the spinner stops for good',
    async () => {
      const terminal = fakeTerminal();
      const spinner = new WaitSpinner(terminal);

      spinner.start('waiting for the greeting');
      await sleep(300);
      terminal.columns = 0;
      terminal.emit('resize');
      const written = terminal.text().length;
      await sleep(300);
      spinner.start('waiting for the reply to EHLO');
      await sleep(300);

      expect(terminal.text().length).toBe(written);
    },
  );
});
