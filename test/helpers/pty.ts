/**
 * Runs the built CLI in a real pseudo-terminal (node-pty), as a person at
 * a terminal runs it: keys typed in, the screen's bytes read back. Every
 * run has a time limit and is killed when a test ends, passed or not.
 */
import { spawn, type IPty } from 'node-pty';
import { afterEach } from 'vitest';
import { BUILT_CLI } from './spawn-cli.js';

/** A CLI run in a pseudo-terminal. */
export interface PtyRun {
  /** Everything written to the terminal so far, escape sequences included. */
  readonly output: () => string;
  /** The output with escape sequences and CRs removed: what a person reads. */
  readonly screen: () => string;
  /** Types text (use \r for Enter, \x03 for Ctrl-C, \x04 for Ctrl-D). */
  readonly type: (text: string) => void;
  /** Resolves once the output matches, counted from `from` characters into the screen. */
  readonly waitFor: (pattern: RegExp, from?: number) => Promise<void>;
  /** Sends a signal to the process, as kill(1) would. */
  readonly signal: (name: NodeJS.Signals) => void;
  /** Resolves with the exit status. */
  readonly exited: Promise<number>;
}

const running = new Set<IPty>();

/** Kills every pty run still alive after each test. */
export function killPtysAfterEach(): void {
  afterEach(() => {
    for (const pty of running) pty.kill('SIGKILL');
    running.clear();
  });
}

/** Starts dist/smtp-probe.js with these arguments in an 100×40 terminal, colour off. */
export function startPty(args: string[], env: NodeJS.ProcessEnv = {}, limitMs = 15_000): PtyRun {
  const pty = spawn(process.execPath, [BUILT_CLI, ...args], {
    cols: 100,
    rows: 40,
    env: { PATH: process.env['PATH'], TERM: 'xterm', NO_COLOR: '1', ...env },
  });
  running.add(pty);
  let output = '';
  const listeners = new Set<() => void>();
  pty.onData((data) => {
    output += data;
    for (const listener of listeners) listener();
  });
  const limit = setTimeout(() => pty.kill('SIGKILL'), limitMs);
  const exited = new Promise<number>((resolve) => {
    pty.onExit(({ exitCode }) => {
      clearTimeout(limit);
      running.delete(pty);
      resolve(exitCode);
    });
  });

  const screen = (): string => output.split('\n').map(renderRow).join('\n');
  const waitFor = (pattern: RegExp, from = 0): Promise<void> =>
    new Promise((resolve, reject) => {
      const check = (): void => {
        if (!pattern.test(screen().slice(from))) return;
        cleanUp();
        resolve();
      };
      const timer = setTimeout(() => {
        cleanUp();
        reject(new Error(`timed out waiting for ${pattern}; the screen:\n${screen()}`));
      }, 5_000);
      const cleanUp = (): void => {
        clearTimeout(timer);
        listeners.delete(check);
      };
      listeners.add(check);
      check();
    });

  return {
    output: () => output,
    screen,
    type: (text) => pty.write(text),
    waitFor,
    signal: (name) => pty.kill(name),
    exited,
  };
}

// Enough of a terminal for one row: CR, cursor to a column, erase to the
// end, and printable text written over what was there. readline redraws
// its prompt with these; without them the screen would show every redraw.
function renderRow(bytes: string): string {
  let row: string[] = [];
  let column = 0;
  const pieces = bytes.match(/\x1b\[[0-9;?]*[A-Za-z]|\r|[^\x1b\r]/g) ?? [];
  for (const piece of pieces) {
    if (piece === '\r') column = 0;
    else if (/^\x1b\[\d*G$/.test(piece)) column = Math.max(0, Number(piece.slice(2, -1) || 1) - 1);
    else if (/^\x1b\[0?[JK]$/.test(piece)) row = row.slice(0, column);
    else if (!piece.startsWith('\x1b')) {
      while (row.length < column) row.push(' ');
      row[column] = piece;
      column += 1;
    }
  }
  return row.join('');
}
