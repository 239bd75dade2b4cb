#!/usr/bin/env node
// The executable: hands the arguments to the CLI and sets the exit status.
// process.exit is avoided so that buffered output reaches a pipe intact.
import { main } from '../src/cli/main.js';

const interrupt = new AbortController();
process.once('SIGINT', () => interrupt.abort());

process.exitCode = await main(
  process.argv.slice(2),
  { stdout: process.stdout, stderr: process.stderr, env: process.env },
  interrupt.signal,
);
