/**
 * Runs the built executable, dist/smtp-probe.js, as a child process: the
 * program a user runs, with its real stdout, stderr and exit status.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { CliRun } from './cli.js';

export const BUILT_CLI = fileURLToPath(new URL('../../dist/smtp-probe.js', import.meta.url));

/** A run under way: await it for the result, or signal its child. */
export type RunningCli = Promise<CliRun> & { readonly child: ChildProcess };

/**
 * Runs dist/smtp-probe.js with these arguments; kills it if it outlives
 * timeoutMs. With `via: 'bash'`, the arguments go to bash instead, with the
 * CLI's path as $0, for tests that need a shell pipeline.
 */
export function spawnCli(
  args: string[],
  env: NodeJS.ProcessEnv = {},
  timeoutMs = 20_000,
  via?: 'bash',
): RunningCli {
  const [command, argv] =
    via === 'bash'
      ? ['bash', [args[0]!, args[1]!, BUILT_CLI]]
      : [process.execPath, [BUILT_CLI, ...args]];
  const child = spawn(command, argv, {
    env: { PATH: process.env['PATH'], ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });

  return collect(child, timeoutMs);
}

/**
 * Runs dist/smtp-probe.js with `input` piped to its stdin, written all at
 * once: a script that never waits for the server, which the CLI must pace.
 * With `keepOpen` the pipe stays open after it, as a slow script's would.
 */
export function spawnCliWithInput(
  args: string[],
  input: string | Buffer,
  timeoutMs = 15_000,
  { keepOpen = false } = {},
): RunningCli {
  const child = spawn(process.execPath, [BUILT_CLI, ...args], {
    env: { PATH: process.env['PATH'] },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  child.stdin!.on('error', () => undefined);
  if (keepOpen) child.stdin!.write(input);
  else child.stdin!.end(input);

  return collect(child, timeoutMs);
}

// Gathers the child's output until it ends; a child that outlives
// timeoutMs is killed, so that no test waits for ever.
function collect(child: ChildProcess, timeoutMs: number): RunningCli {
  const finished = new Promise<CliRun>((resolve, reject) => {
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ stdout, stderr, exitCode: code ?? (signal ? 128 : 1) });
    });
  });
  return Object.assign(finished, { child });
}
