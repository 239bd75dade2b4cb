/**
 * The CLI edge under --format nagios: a monitoring agent reads one line on
 * stdout and the exit status, so a usage error or a bug must also come out
 * as one `SMTP UNKNOWN - …` line and exit 3, with nothing on stderr.
 */
import { CommanderError } from 'commander';
import { ProbeError } from '../errors.js';
import type { OutputStream } from './main.js';

/**
 * True when the arguments ask for --format nagios. Read before commander
 * parses them, since a parse that fails never says which format was asked
 * for; arguments after `--` are operands, not options.
 */
export function asksForNagios(argv: readonly string[]): boolean {
  const end = argv.indexOf('--');
  const options = end === -1 ? argv : argv.slice(0, end);
  return options.some(
    (arg, index) =>
      arg === '--format=nagios' || (arg === '--format' && options[index + 1] === 'nagios'),
  );
}

/**
 * Reports a failure before the run as UNKNOWN. `--help` and `--version`
 * (commander's exit 0) have printed already and end with 0.
 */
export async function reportNagiosFailure(error: unknown, stdout: OutputStream): Promise<number> {
  if (error instanceof CommanderError && error.exitCode === 0) return 0;

  // Loaded here: a run that is not a Nagios check never needs it.
  const { renderNagiosUnknown } = await import('./lazy.js');
  const report = renderNagiosUnknown(describe(error));
  stdout.write(report.line);
  return report.exitCode;
}

function describe(error: unknown): string {
  if (error instanceof CommanderError) return `usage: ${error.message.replace(/^error: /, '')}`;
  if (error instanceof ProbeError) return `${error.code}: ${error.message}`;
  const message = error instanceof Error ? error.message : String(error);
  return `internal error: ${message}`;
}
