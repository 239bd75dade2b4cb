#!/usr/bin/env node
// The executable: hands the arguments to the CLI and sets the exit status.
// process.exit is avoided so that buffered output reaches a pipe intact.
import { main } from '../src/cli/main.js';

// Ctrl-C, and the SIGTERM that timeout(1) and monitoring agents send, end
// the probe like a failure: the transcript so far and the verdict are kept.
// A second signal means "now": the process exits at once.
const interrupt = new AbortController();
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (interrupt.signal.aborted) process.exit(signal === 'SIGINT' ? 130 : 143);
    interrupt.abort(signal);
  });
}

// A reader that goes away (smtp-probe … | head -1), or a full disk behind
// stdout, is not a crash: what is left to print is dropped and the exit
// status stays the probe's own.
const dropOutput = (): void => undefined;
process.stdout.on('error', dropOutput);
process.stderr.on('error', dropOutput);

process.exitCode = await main(
  process.argv.slice(2),
  { stdout: process.stdout, stderr: process.stderr, env: process.env, stdin: () => process.stdin },
  interrupt.signal,
);
