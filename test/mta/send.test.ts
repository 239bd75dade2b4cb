/**
 * `smtp-probe send` against real MTAs started by .ci/mta/run-suite.sh:
 * Postfix delivering into a Maildir (and, on its submission port, Cyrus
 * SASL AUTH), and aiosmtpd for XOAUTH2. What the mailbox holds is compared
 * with what was sent.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { waitForMessage } from '../helpers/maildir.js';
import { spawnCli } from '../helpers/spawn-cli.js';
import type { CliRun } from '../helpers/cli.js';

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run this suite through .ci/mta/run-suite.sh`);
  return value;
}

const postfix = {
  mx: `${required('POSTFIX_HOST')}:${required('POSTFIX_PORT')}`,
  submission: `${required('POSTFIX_HOST')}:${required('POSTFIX_SUBMISSION_PORT')}`,
  cert: required('POSTFIX_CERT'),
  user: required('POSTFIX_AUTH_USER'),
  password: required('POSTFIX_AUTH_PASSWORD'),
  maildir: required('POSTFIX_MAILDIR'),
};
const aiosmtpd = {
  target: `${required('AIOSMTPD_HOST')}:${required('AIOSMTPD_PORT')}`,
  cert: required('AIOSMTPD_CERT'),
  user: required('AIOSMTPD_USER'),
  token: required('AIOSMTPD_TOKEN'),
  messages: required('AIOSMTPD_MESSAGES'),
};

const TLS_POSTFIX = ['--sni', 'mx.probe.test', '--ca', postfix.cert, '--tls-verify'];
const TLS_AIOSMTPD = ['--sni', 'aiosmtpd.probe.test', '--ca', aiosmtpd.cert, '--tls-verify'];
const ENVELOPE = ['--from', 'sender@example.test', '--to', 'user@probe.test'];
const workDir = mkdtempSync(join(tmpdir(), 'smtp-probe-mta-'));

afterAll(() => rmSync(workDir, { recursive: true, force: true }));

function unique(label: string): string {
  return `${label} ${randomBytes(6).toString('hex')}`;
}

/** Delivered mail as Postfix wrote it, with its LF line ends made CRLF again. */
async function delivered(dir: string, subject: string): Promise<string> {
  const bytes = await waitForMessage(dir, (content) => content.includes(subject), 10_000);
  return bytes.toString('utf8').replace(/\r?\n/g, '\r\n');
}

function expectNoSecret(run: CliRun, secret: string): void {
  for (const form of [secret, Buffer.from(secret).toString('base64')]) {
    expect(run.stdout).not.toContain(form);
    expect(run.stderr).not.toContain(form);
  }
}

describe('delivery through Postfix', () => {
  it(
    'when a generated message is sent then ' + 'the mailbox holds it with its body intact',
    async () => {
      const subject = unique('generated');
      const body = 'first line\r\n.a line that starts with a dot\r\n..two dots\r\nGrüße, 8-bit\r\n';
      const run = await spawnCli([
        'send',
        postfix.mx,
        ...ENVELOPE,
        ...TLS_POSTFIX,
        '--subject',
        subject,
        '--body',
        body,
      ]);

      expect(run.stderr).toBe('');
      expect(run.exitCode).toBe(0);
      expect(run.stdout).toMatch(/^~> MAIL FROM:<sender@example\.test> SIZE=\d+ BODY=8BITMIME$/m);
      expect(run.stdout).toMatch(/== the server took the message as [0-9A-Z]+/);
      const message = await delivered(postfix.maildir, subject);
      expect(message).toContain(`\r\n\r\n${body}`);
    },
  );

  it('when a file is attached then it arrives byte for byte', async () => {
    const subject = unique('attachment');
    const content = randomBytes(5000);
    const file = join(workDir, 'payload.bin');
    writeFileSync(file, content);
    const run = await spawnCli([
      'send',
      postfix.mx,
      ...ENVELOPE,
      ...TLS_POSTFIX,
      '--subject',
      subject,
      '--attach',
      file,
    ]);

    expect(run.exitCode).toBe(0);
    const message = await delivered(postfix.maildir, subject);
    const part = /filename="?payload\.bin"?\r\n(?:.+\r\n)*\r\n([A-Za-z0-9+/=\r\n]+?)\r\n--/.exec(
      message,
    );
    expect(part).not.toBeNull();
    expect(Buffer.from(part![1]!.replace(/\r\n/g, ''), 'base64')).toEqual(content);
  });

  it(
    'when BDAT is asked for then Postfix takes ' + 'the chunks and the body arrives intact',
    async () => {
      const subject = unique('chunked');
      const body = '.leading dot stays single in BDAT\r\nlast line\r\n';
      const args = [
        'send',
        postfix.mx,
        ...ENVELOPE,
        ...TLS_POSTFIX,
        '--subject',
        subject,
        '--body',
        body,
      ];
      const run = await spawnCli([...args, '--chunking', '--chunk-size', '200']);

      expect(run.exitCode).toBe(0);
      expect(run.stdout).toMatch(/^~> BDAT 200$/m);
      expect(run.stdout).toMatch(/^~> BDAT \d+ LAST$/m);
      expect(await delivered(postfix.maildir, subject)).toContain(`\r\n\r\n${body}`);
    },
  );

  it(
    'when --quit-after rcpt is given then the ' + 'recipient is tested and nothing is delivered',
    async () => {
      const subject = unique('not delivered');
      const run = await spawnCli([
        'send',
        postfix.mx,
        ...ENVELOPE,
        ...TLS_POSTFIX,
        '--subject',
        subject,
        '--quit-after',
        'rcpt',
      ]);

      expect(run.exitCode).toBe(0);
      expect(run.stdout).toMatch(/^<~ 250 2\.1\.5 Ok/m);
      await expect(
        waitForMessage(postfix.maildir, (c) => c.includes(subject), 1_500),
      ).rejects.toThrow();
    },
  );

  it('when the mailbox does not exist then RCPT is refused, 550 5.1.1, exit 75', async () => {
    const run = await spawnCli([
      'send',
      postfix.mx,
      '--from',
      'sender@example.test',
      '--to',
      'nobody@probe.test',
      ...TLS_POSTFIX,
    ]);

    expect(run.exitCode).toBe(75);
    expect(run.stderr).toMatch(/^smtp-probe: RCPT TO refused \(permanent failure\): 550 5\.1\.1 /);
  });

  it(
    'when mail for another domain is offered ' + 'without AUTH then relaying is denied, exit 75',
    async () => {
      const run = await spawnCli([
        'send',
        postfix.mx,
        '--from',
        'sender@example.test',
        '--to',
        'someone@example.org',
        ...TLS_POSTFIX,
      ]);

      expect(run.exitCode).toBe(75);
      expect(run.stdout).toMatch(/^<~ 554 5\.7\.1 .*Relay access denied/m);
    },
  );
});

describe('AUTH against real implementations', () => {
  const passwordFile = join(workDir, 'password');
  writeFileSync(passwordFile, `${postfix.password}\n`);
  chmodSync(passwordFile, 0o600);

  it.each(['PLAIN', 'LOGIN', 'CRAM-MD5'])(
    'when Postfix with Cyrus SASL is asked for %s then it accepts and the password never shows',
    async (mechanism) => {
      const subject = unique(`auth ${mechanism}`);
      const args = [
        'send',
        postfix.submission,
        ...TLS_POSTFIX,
        '--auth',
        mechanism,
        '--auth-user',
        postfix.user,
      ];
      const run = await spawnCli([
        ...args,
        '--auth-password-file',
        passwordFile,
        '--from',
        postfix.user,
        '--to',
        'someone@example.org',
        '--subject',
        subject,
      ]);

      expect(run.stderr).toBe('');
      expect(run.exitCode).toBe(0);
      expect(run.stdout).toMatch(/^<~ 235 2\.7\.0 Authentication successful/m);
      expectNoSecret(run, postfix.password);
    },
  );

  it('when Postfix gets a wrong password then AUTH fails with 535, exit 55', async () => {
    const args = [
      'send',
      postfix.submission,
      ...TLS_POSTFIX,
      '--auth-user',
      postfix.user,
      '--quit-after',
      'auth',
    ];
    const run = await spawnCli([...args, ...ENVELOPE], {
      SMTP_PROBE_AUTH_PASSWORD: 'not-the-password',
    });

    expect(run.exitCode).toBe(55);
    expect(run.stdout).toMatch(/^<~ 535 5\.7\.8 /m);
  });

  it(
    'when aiosmtpd is asked for XOAUTH2 with the ' + 'token then it accepts and takes the message',
    async () => {
      const subject = unique('xoauth2');
      const args = [
        'send',
        aiosmtpd.target,
        ...TLS_AIOSMTPD,
        '--auth',
        'XOAUTH2',
        '--auth-user',
        aiosmtpd.user,
      ];
      const run = await spawnCli([...args, ...ENVELOPE, '--subject', subject], {
        SMTP_PROBE_AUTH_PASSWORD: aiosmtpd.token,
      });

      expect(run.stderr).toBe('');
      expect(run.exitCode).toBe(0);
      expect(run.stdout).toMatch(/^<~ 235 /m);
      expectNoSecret(run, aiosmtpd.token);
      await waitForMessage(aiosmtpd.messages, (content) => content.includes(subject), 10_000);
    },
  );

  it(
    'when aiosmtpd gets a wrong token then the error ' +
      'challenge is answered and AUTH fails, exit 55',
    async () => {
      const args = [
        'send',
        aiosmtpd.target,
        ...TLS_AIOSMTPD,
        '--auth',
        'XOAUTH2',
        '--auth-user',
        aiosmtpd.user,
      ];
      const run = await spawnCli([...args, ...ENVELOPE, '--quit-after', 'auth'], {
        SMTP_PROBE_AUTH_PASSWORD: 'ya29.wrong',
      });

      expect(run.exitCode).toBe(55);
      expect(run.stdout).toMatch(/^<~ 334 /m);
      expect(run.stdout).toMatch(/^<~ 535 /m);
    },
  );
});
