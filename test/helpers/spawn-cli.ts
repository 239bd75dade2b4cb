/**
 * Runs the built executable, dist/smtp-probe.js, as a child process: the
 * program a user runs, with its real stdout, stderr and exit status.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { CliRun } from './cli.js';

export const BUILT_CLI = fileURLToPath(new URL('../../dist/smtp-probe.js', import.meta.url));

/** Runs dist/smtp-probe.js; kills it if it outlives timeoutMs. */
export function spawnCli(
  args: string[],
  env: NodeJS.ProcessEnv = {},
  timeoutMs = 20_000,
): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BUILT_CLI, ...args], {
      env: { PATH: process.env['PATH'], ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));

    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ stdout, stderr, exitCode: code ?? (signal ? 128 : 1) });
    });
  });
}
