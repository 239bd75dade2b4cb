/**
 * The history file of interactive sessions: the SMTP commands typed at the
 * prompt, kept between runs for the arrow keys. It lives in the user's
 * state folder (XDG Base Directory), is created readable by its owner
 * alone, holds a bounded number of lines, and never holds credentials nor
 * message text: AUTH lines, SASL responses, the answers to smtp-probe's
 * own questions and every line typed inside DATA stay out of it.
 */
import { chmodSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import type { InputMode } from './typed-line.js';

/** Lines kept in the file and offered by the arrow keys. */
export const HISTORY_LINES = 500;

/** More than this is not a history file smtp-probe wrote: only its end is read. */
const MAX_HISTORY_BYTES = 256 * 1024;

/** The history file for this user: $XDG_STATE_HOME/smtp-probe/history, else ~/.local/state. */
export function defaultHistoryPath(env: NodeJS.ProcessEnv): string {
  // The XDG spec says a relative value is to be ignored.
  const state = env['XDG_STATE_HOME'];
  const base = state?.startsWith('/') ? state : join(env['HOME'] ?? homedir(), '.local', 'state');
  return join(base, 'smtp-probe', 'history');
}

/** Tells whether a line typed in this mode may be remembered. */
export function mayRemember(line: string, mode: InputMode): boolean {
  if (mode !== 'command' || line.trim() === '') return false;
  // Any AUTH line: with its argument it is a credential, and one recalled
  // by mistake would be sent as a credential again.
  return !/^\s*\/*auth\b/i.test(line);
}

/**
 * Reads the history, newest line first as node:readline keeps it. A file
 * that is missing or unreadable is an empty history: the session matters
 * more than its recall.
 */
export function loadHistory(path: string): string[] {
  let text: string;
  try {
    const bytes = readFileSync(path);
    text = bytes.subarray(Math.max(0, bytes.length - MAX_HISTORY_BYTES)).toString('utf8');
  } catch {
    return [];
  }
  const lines = text.split('\n').filter((line) => mayRemember(line, 'command'));
  return lines.slice(-HISTORY_LINES).reverse();
}

/**
 * Writes the history, newest line first as given, oldest first in the
 * file. The folder is made private (0700) and the file written beside its
 * place, 0600, then renamed over it, so a crash never leaves half a file.
 * Returns the problem in words when it could not be written.
 */
export function saveHistory(path: string, newestFirst: readonly string[]): string | undefined {
  const lines = newestFirst.filter((line) => mayRemember(line, 'command')).slice(0, HISTORY_LINES);
  const text = lines.reverse().join('\n') + (lines.length > 0 ? '\n' : '');
  const temporary = `${path}.${process.pid}.tmp`;
  try {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    writeFileSync(temporary, text, { mode: 0o600 });
    // The mode given at creation is narrowed by the umask, never widened; say it outright.
    chmodSync(temporary, 0o600);
    renameSync(temporary, path);
    return undefined;
  } catch (error) {
    // A temporary file left behind would pile up, one per failed run.
    removeQuietly(temporary);
    return error instanceof Error ? error.message : String(error);
  }
}

function removeQuietly(path: string): void {
  try {
    rmSync(path, { force: true });
  } catch {
    // Nothing more to do: the save has failed and says so already.
  }
}
