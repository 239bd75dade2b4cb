/**
 * Runs the real CLI in-process, with output captured, and tidies its
 * transcript for comparison: times and dates change from run to run.
 */
import { main } from '../../src/cli/main.js';

/** What one run printed and returned. */
export interface CliRun {
  readonly stdout: string;
  readonly stderr: string;
  readonly exitCode: number;
}

class Capture {
  text = '';
  readonly isTTY: boolean;
  constructor(isTTY: boolean) {
    this.isTTY = isTTY;
  }
  write(chunk: string): boolean {
    this.text += chunk;
    return true;
  }
}

/** Runs smtp-probe with these arguments; colour off unless env asks for it. */
export async function runCli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliRun> {
  const stdout = new Capture(false);
  const stderr = new Capture(false);
  const exitCode = await main(args, { stdout, stderr, env });
  return { stdout: stdout.text, stderr: stderr.text, exitCode };
}

/** Replaces durations, dates and ephemeral ports so a transcript can be snapshotted. */
export function normalise(text: string, port?: number): string {
  let result = text
    .replace(/\d{4}-\d\d-\d\dT[\d:.]+Z/g, '<time>')
    .replace(/\d+(\.\d+)? (ms|s)\b/g, '<t>')
    .replace(/ {2,}(<t>|unsolicited)/g, '  $1');
  if (port !== undefined) result = result.replaceAll(String(port), '<port>');
  return result;
}
