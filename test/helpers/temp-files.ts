/** Temporary files for a test run, removed afterwards. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Writes text to a new file in a fresh temporary folder; returns its path. */
export function writeTempFile(name: string, text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'smtp-probe-test-'));
  made.push(dir);
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

const made: string[] = [];

/** Removes every folder writeTempFile made. */
export function removeTempFiles(): void {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
}
