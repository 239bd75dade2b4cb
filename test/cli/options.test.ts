import { describe, expect, it } from 'vitest';
import { parseDuration } from '../../src/cli/duration.js';
import { refusalExitCode } from '../../src/errors.js';
import { defaultEhloName, isValidEhloName } from '../../src/session/hello.js';
import { runCli } from '../helpers/cli.js';

describe('parseDuration', () => {
  it.each([
    ['30', 30_000],
    ['1.5', 1_500],
    ['30s', 30_000],
    ['1500ms', 1_500],
    ['2m', 120_000],
  ])('when given %s then it is %d ms', (text, ms) => {
    expect(parseDuration(text, '--timeout')).toBe(ms);
  });

  it.each(['0', '-1', 'abc', '10h', '2 s', '7200'])('when given %s then it is refused', (text) => {
    expect(() => parseDuration(text, '--timeout')).toThrow('invalid --timeout');
  });
});

describe('EHLO names', () => {
  it('when this host has a fully qualified name then it is the default', () => {
    expect(defaultEhloName('127.0.0.1', 'client.example.test')).toBe('client.example.test');
  });

  it('when this host has a bare name then the address literal of the connection is used', () => {
    expect(defaultEhloName('127.0.0.1', 'runner')).toBe('[127.0.0.1]');
    expect(defaultEhloName('::ffff:127.0.0.1', 'localhost.localdomain')).toBe('[127.0.0.1]');
    expect(defaultEhloName('::1', 'runner')).toBe('[IPv6:::1]');
  });

  it('when a name is given then only domains and address literals pass', () => {
    expect(isValidEhloName('client.example.test')).toBe(true);
    expect(isValidEhloName('[192.0.2.1]')).toBe(true);
    expect(isValidEhloName('[IPv6:2001:db8::1]')).toBe(true);
    expect(isValidEhloName('localhost')).toBe(true);
    expect(isValidEhloName('bad name')).toBe(false);
    expect(isValidEhloName('x\r\nRCPT TO:<a@b>')).toBe(false);
  });
});

describe('exit codes for refusals', () => {
  it('when a stage is refused then the tens say the stage and the units the class', () => {
    expect(refusalExitCode('greeting', 421)).toBe(24);
    expect(refusalExitCode('greeting', 554)).toBe(25);
    expect(refusalExitCode('ehlo', 550)).toBe(35);
    expect(refusalExitCode('starttls', 454)).toBe(44);
  });
});

describe('command-line mistakes', () => {
  it.each([
    [[], 'no target: name a host, or give --targets-file'],
    [['mx.example.test', '--starttls', 'sometimes'], "argument 'sometimes' is invalid"],
    [['mx.example.test', '--bogus'], "unknown option '--bogus'"],
    [['mx.example.test', '--ehlo', 'bad name'], 'invalid --ehlo name "bad name"'],
    [['mx.example.test', '--timeout', 'soon'], 'invalid --timeout "soon"'],
    [['mx.example.test', '--port', '99999'], 'invalid port "99999"'],
    [['smtps://mx.example.test', '--starttls', 'require'], '--starttls require makes no sense'],
    [
      ['mx.example.test', '--ca', '/nonexistent/ca.pem'],
      'cannot read the CA file /nonexistent/ca.pem',
    ],
    [['127.0.0.1', '--sni', '192.0.2.1'], 'invalid --sni name "192.0.2.1"'],
    [['bad\x1b[31m'], 'invalid host name in target "bad\\x1b[31m"'],
  ])('when the arguments are %j then exit 2 says: %s', async (args, message) => {
    const run = await runCli(args);

    expect(run.exitCode).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain(message);
    expect(run.stderr).toMatch(/^smtp-probe: /);
  });

  it(
    'when --help is asked for then usage, examples ' + 'and exit statuses go to stdout with exit 0',
    async () => {
      const run = await runCli(['--help']);

      expect(run.exitCode).toBe(0);
      expect(run.stdout).toContain('Usage: smtp-probe [options] <target...>');
      expect(run.stdout).toMatch(
        /^Commands:\n {2}send \[options\] <target> +Run a whole mail transaction/m,
      );
      expect(run.stdout).toContain('Examples:\n  smtp-probe mx.example.test');
      expect(run.stdout).toContain('24/25  greeting refused');
    },
  );

  it('when --version is asked for then the package version is printed', async () => {
    const run = await runCli(['--version']);
    expect(run).toEqual({ stdout: '0.1.0\n', stderr: '', exitCode: 0 });
  });
});
