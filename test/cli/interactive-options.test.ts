import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

describe('the options of -i', () => {
  it.each([
    [['-i', '127.0.0.1:1', '--banner'], '--banner has no place in an interactive session'],
    [['-i', '127.0.0.1:1', '--json'], '--format and --json has no place'],
    [['-i', '127.0.0.1:1', '--expect', 'rcpt=550'], '--expect has no place'],
    [['-i', '127.0.0.1:1', '127.0.0.1:2'], '-i takes one target'],
    [['127.0.0.1:1', '--history-file', 'h'], '--history-file goes with -i'],
    [['127.0.0.1:1', '--auth-insecure'], '--auth-insecure goes with -i'],
    [['-i', '127.0.0.1:1', '--deadline', '1m'], '--deadline has no place'],
    [['-i', '127.0.0.1:1', '--no-history', '--history-file', 'h'], 'contradict each other'],
  ])('when %j is given then it is a usage error before any connection', async (args, said) => {
    const run = await runCli(args);
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain(said);
    expect(run.stdout).toBe('');
  });

  it('when --help is asked then the piped example shows its \\n as typed', async () => {
    const run = await runCli(['--help']);

    expect(run.stdout).toContain("printf 'EHLO x.example.test\\nQUIT\\n' | smtp-probe -i");
  });
});
