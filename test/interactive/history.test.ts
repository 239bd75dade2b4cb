import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  defaultHistoryPath,
  HISTORY_LINES,
  loadHistory,
  saveHistory,
} from '../../src/interactive/history.js';

let folder: string | undefined;
afterEach(() => {
  if (folder) rmSync(folder, { recursive: true, force: true });
  folder = undefined;
});

function newFolder(): string {
  folder = mkdtempSync(join(tmpdir(), 'smtp-probe-history-'));
  return folder;
}

describe('the history file', () => {
  it('when XDG_STATE_HOME is absolute then it is used, else ~/.local/state', () => {
    expect(defaultHistoryPath({ XDG_STATE_HOME: '/s', HOME: '/h' })).toBe('/s/smtp-probe/history');
    expect(defaultHistoryPath({ XDG_STATE_HOME: 'rel', HOME: '/h' })).toBe(
      '/h/.local/state/smtp-probe/history',
    );
  });

  it('when saved then its folder is made, it is 0600, oldest first, without AUTH lines', () => {
    const path = join(newFolder(), 'state', 'smtp-probe', 'history');
    expect(saveHistory(path, ['QUIT', 'AUTH PLAIN AGJvYgBwdw==', 'auth login', 'EHLO a'])).toBe(
      undefined,
    );
    expect(readFileSync(path, 'utf8')).toBe('EHLO a\nQUIT\n');
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(loadHistory(path)).toEqual(['QUIT', 'EHLO a']);
  });

  it('when more lines than kept are given then only the newest are kept', () => {
    const path = join(newFolder(), 'history');
    const lines = Array.from({ length: HISTORY_LINES + 50 }, (_, index) => `NOOP ${index}`);
    saveHistory(path, lines);
    const kept = loadHistory(path);
    expect(kept).toHaveLength(HISTORY_LINES);
    expect(kept[0]).toBe('NOOP 0');
  });

  it('when the file holds AUTH lines written by hand then they are not loaded', () => {
    const path = join(newFolder(), 'history');
    writeFileSync(path, 'EHLO a\nAUTH PLAIN AGJvYgBwdw==\n');
    expect(loadHistory(path)).toEqual(['EHLO a']);
    expect(loadHistory(join(newFolder(), 'missing'))).toEqual([]);
  });
});

describe('a history that cannot be saved', () => {
  it('when the rename fails then the problem is returned and no temporary file is left', () => {
    const dir = newFolder();
    const path = join(dir, 'history');
    // A folder in the file's place: the temporary file is written, the rename fails.
    mkdirSync(join(path, 'inside'), { recursive: true });

    expect(saveHistory(path, ['NOOP'])).toMatch(/EISDIR|ENOTEMPTY|directory/i);
    expect(readdirSync(dir)).toEqual(['history']);
  });
});
