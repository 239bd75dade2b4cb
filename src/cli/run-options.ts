/**
 * The options of `smtp-probe run FILE [TARGET]`. The scenario is loaded in
 * run-request.ts, only when `run` runs.
 */
import type { Command } from 'commander';

/** A scenario is written by hand: a bigger file is a mistake (a mail file, a log). */
export const MAX_SCENARIO_BYTES = 1024 * 1024;

/** The run options as commander hands them over. */
export interface RawRunOptions {
  authPasswordFile?: string;
  authInsecure?: boolean;
  expect: string[];
}

/** Adds the options of `run` alone; the shared ones come from connection-options.ts. */
export function addRunOptions(command: Command): Command {
  return command
    .option(
      '--auth-password-file <file>',
      'password or token for auth steps without password-env= (else $SMTP_PROBE_AUTH_PASSWORD)',
    )
    .option('--auth-insecure', 'allow auth steps without TLS or over untrusted TLS');
}
