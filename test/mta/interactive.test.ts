/**
 * The interactive session (-i) against the private Postfix that
 * .ci/mta/run-suite.sh starts: a whole session piped from a script, and
 * one typed at a real pseudo-terminal with the AUTH helper, as issue 8's
 * "done when" asks.
 */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { waitForMessage } from '../helpers/maildir.js';
import { killPtysAfterEach, startPty, type PtyRun } from '../helpers/pty.js';
import { spawnCliWithInput } from '../helpers/spawn-cli.js';

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run this suite through .ci/mta/run-suite.sh`);
  return value;
}

const host = required('POSTFIX_HOST');
const mx = `${host}:${required('POSTFIX_PORT')}`;
const submission = `${host}:${required('POSTFIX_SUBMISSION_PORT')}`;
const tls = ['--sni', 'mx.probe.test', '--ca', required('POSTFIX_CERT'), '--no-history'];
const user = required('POSTFIX_AUTH_USER');
const password = required('POSTFIX_AUTH_PASSWORD');
const maildir = required('POSTFIX_MAILDIR');

killPtysAfterEach();

describe('an interactive session with Postfix', () => {
  it('when a whole session is piped then the message is delivered as typed', async () => {
    const subject = `piped ${randomBytes(6).toString('hex')}`;
    const script = [
      'EHLO client.probe.test',
      'STARTTLS',
      'EHLO client.probe.test',
      'MAIL FROM:<sender@example.test>',
      'RCPT TO:<user@probe.test>',
      'DATA',
      `Subject: ${subject}`,
      '',
      '.a line that starts with a dot',
      '.',
      'QUIT',
      '',
    ].join('\n');
    const run = await spawnCliWithInput(['-i', mx, ...tls], script);

    expect(run.stderr).toBe('');
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toMatch(/^== TLS TLSv1\.[23], /m);
    expect(run.stdout).toMatch(/^<~ 250 2\.0\.0 Ok: queued as \w+/m);
    const message = await waitForMessage(maildir, (text) => text.includes(subject), 10_000);
    expect(message.toString('utf8')).toMatch(/\n\.a line that starts with a dot\r?\n/);
  });

  it(
    'when AUTH PLAIN is typed alone at a terminal ' +
      'then the secret is asked for and never shown',
    async () => {
      const run = startPty(['-i', submission, ...tls]);
      await run.waitFor(/smtp-probe> $/);
      await typeLine(run, 'EHLO client.probe.test');
      await typeLine(run, 'STARTTLS', /smtp-probe \(TLS\)> $/);
      await typeLine(run, 'EHLO client.probe.test');
      await typeLine(run, 'AUTH PLAIN', /user name: $/);
      await typeLine(run, user, /\(not echoed\): $/);
      await typeLine(run, password);
      run.type('QUIT\r');

      expect(await run.exited).toBe(0);
      const screen = run.screen();
      expect(screen).toContain(`~> AUTH PLAIN <credentials for "${user}", hidden>`);
      expect(screen).toMatch(/<~ 235 2\.7\.0 Authentication successful/);
      for (const form of [password, Buffer.from(`\0${user}\0${password}`).toString('base64')]) {
        expect(run.output()).not.toContain(form);
      }
    },
  );
});

async function typeLine(run: PtyRun, line: string, prompt = /smtp-probe[^>\n]*> $/): Promise<void> {
  const from = run.screen().length;
  run.type(`${line}\r`);
  await run.waitFor(prompt, from + line.length);
}
