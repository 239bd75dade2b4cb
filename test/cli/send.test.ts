/**
 * `smtp-probe send` against smtp-server (a real implementation: AUTH,
 * recipients, delivery) and the scripted fake server (exact bytes:
 * pipelining, BDAT, dot-stuffing, parameters).
 */
import { execFileSync } from 'node:child_process';
import { chmodSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { makeCertificateAuthority, type CertificatePair } from '../helpers/certificates.js';
import { runCli, type CliRun } from '../helpers/cli.js';
import {
  expectLine,
  send,
  startFakeServer,
  type FakeServer,
  type Step,
} from '../helpers/fake-server.js';
import {
  startRealServer,
  type RealServer,
  type RealServerOptions,
} from '../helpers/smtp-server.js';
import { removeTempFiles, writeTempFile } from '../helpers/temp-files.js';
import { GREETING_220, REPLY_221_BYE } from '../fixtures/replies.js';

const PASSWORD = 'Sekr3t-p4ss-for-tests';
const TOKEN = 'ya29.t0ken-for-tests-only';
const ENVELOPE = ['--from', 'me@probe.test', '--to', 'you@probe.test', '--ehlo', 'probe.test'];

let pair: CertificatePair;
let caFile: string;
let passwordFile: string;
let servers: { close(): Promise<void> }[] = [];

beforeAll(async () => {
  const authority = await makeCertificateAuthority();
  pair = await authority.issue();
  caFile = writeTempFile('ca.pem', authority.cert);
  passwordFile = writeTempFile('password', `${PASSWORD}\n`);
  chmodSync(passwordFile, 0o600);
});

afterEach(async () => {
  await Promise.all(servers.map((server) => server.close()));
  servers = [];
});

afterAll(removeTempFiles);

async function real(
  options: Partial<RealServerOptions> = {},
): Promise<RealServer & { target: string }> {
  const server = await startRealServer({ pair, users: { me: PASSWORD, oauth: TOKEN }, ...options });
  servers.push(server);
  return { ...server, target: `127.0.0.1:${server.port}` };
}

async function fake(script: Step[]): Promise<FakeServer & { target: string }> {
  const server = await startFakeServer(script);
  servers.push(server);
  return Object.assign(server, { target: `127.0.0.1:${server.port}` });
}

/** The secret in any form a careless tool would print it. */
function expectNoSecret(run: CliRun, secret: string): void {
  const forms = [
    secret,
    Buffer.from(secret).toString('base64'),
    Buffer.from(`\0me\0${secret}`).toString('base64'),
    Buffer.from(`user=oauth\x01auth=Bearer ${secret}\x01\x01`).toString('base64'),
  ];
  for (const form of forms) {
    expect(run.stdout).not.toContain(form);
    expect(run.stderr).not.toContain(form);
  }
}

describe('a message to smtp-server', () => {
  it(
    'when everything is accepted then the message ' + 'arrives intact and the queue id is shown',
    async () => {
      const server = await real();
      const run = await runCli([
        'send',
        server.target,
        ...ENVELOPE,
        '--ca',
        caFile,
        '--subject',
        'hello there',
      ]);

      expect(run.stderr).toBe('');
      expect(run.exitCode).toBe(0);
      expect(server.messages).toHaveLength(1);
      const message = server.messages[0]!.toString();
      expect(message).toContain('Subject: hello there\r\n');
      expect(message).not.toMatch(/[^\r]\n/);
      expect(run.stdout).toMatch(/^~> MAIL FROM:<me@probe\.test> SIZE=\d+$/m);
      expect(run.stdout).toMatch(/^~> RCPT TO:<you@probe\.test>$/m);
      expect(run.stdout).toMatch(/^~> DATA$/m);
      expect(run.stdout).toMatch(
        /^~> <message: \d+ bytes, \d+ lines> \(dot-stuffed\), then <CRLF>\.<CRLF>$/m,
      );
      expect(run.stdout).toContain('== the server took the message as TEST1234');
      expect(run.stdout).toMatch(
        /recipients: 1 accepted, 0 refused\nmessage: \d+ bytes accepted as TEST1234/,
      );
    },
  );

  it('when --quiet is given then the one line says who was accepted and the queue id', async () => {
    const server = await real({ unknownRecipients: ['nobody@probe.test'] });
    const args = ['send', server.target, ...ENVELOPE, '--to', 'nobody@probe.test', '--ca', caFile];
    const run = await runCli([...args, '--quiet']);

    expect(run.stdout).toMatch(
      /^result: OK in .+: 1 recipients accepted, 1 refused, message accepted as TEST1234 \(exit 0\)\n$/,
    );
  });

  it(
    'when one recipient of two is unknown then the ' +
      'other still gets it and the refusal is reported',
    async () => {
      const server = await real({ unknownRecipients: ['nobody@probe.test'] });
      const run = await runCli([
        'send',
        server.target,
        ...ENVELOPE,
        '--to',
        'nobody@probe.test',
        '--ca',
        caFile,
      ]);

      expect(run.exitCode).toBe(0);
      expect(server.messages).toHaveLength(1);
      expect(run.stdout).toContain('!! 1 of 2 recipients refused; going on with the rest');
      expect(run.stdout).toMatch(
        /recipients: 1 accepted, 1 refused\n {2}refused nobody@probe\.test: 550 /,
      );
    },
  );

  it('when every recipient is refused then nothing is sent and the exit status is 75', async () => {
    const server = await real({ unknownRecipients: ['you@probe.test'] });
    const run = await runCli(['send', server.target, ...ENVELOPE, '--ca', caFile]);

    expect(run.exitCode).toBe(75);
    expect(server.messages).toHaveLength(0);
    expect(run.stdout).not.toMatch(/^~> <message/m);
    expect(run.stderr).toMatch(/^smtp-probe: RCPT TO refused \(permanent failure\): 550 /);
  });

  it(
    'when the message is larger than the SIZE limit then ' +
      'MAIL is refused with 65 and a warning came first',
    async () => {
      const server = await real({ size: 200 });
      const run = await runCli(['send', server.target, ...ENVELOPE, '--ca', caFile]);

      expect(run.exitCode).toBe(65);
      expect(run.stdout).toMatch(
        /!! the message is \d+ bytes, more than the server's limit of 200/,
      );
      expect(server.messages).toHaveLength(0);
    },
  );

  it('when --quit-after rcpt is given then no DATA is sent and nothing is delivered', async () => {
    const server = await real();
    const run = await runCli([
      'send',
      server.target,
      ...ENVELOPE,
      '--ca',
      caFile,
      '--quit-after',
      'rcpt',
    ]);

    expect(run.exitCode).toBe(0);
    expect(server.messages).toHaveLength(0);
    expect(run.stdout).not.toMatch(/^~> DATA/m);
    expect(run.stdout).toMatch(/^~> QUIT$/m);
  });

  it.each([[[]], [['PIPELINING']]] as const)(
    'when --quit-after data is given (hiding %j) then it closes after 354 and nothing is delivered',
    async (hide) => {
      const server = await real({ hide });
      const args = ['send', server.target, ...ENVELOPE, '--ca', caFile, '--quit-after', 'data'];
      const run = await runCli(args);

      expect(run.exitCode).toBe(0);
      expect(run.stdout).toMatch(/^<~ 354 /m);
      expect(run.stdout).not.toMatch(/^~> <message/m);
      expect(run.stdout).toContain('closing after 354 without sending the message');
      expect(run.stdout).not.toMatch(/^~> QUIT$/m);
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(server.messages).toHaveLength(0);
    },
  );
});

describe('AUTH', () => {
  it.each(['PLAIN', 'LOGIN', 'CRAM-MD5'])(
    'when %s is used with the right password then it succeeds and the password is never shown',
    async (mechanism) => {
      const server = await real();
      const args = ['send', server.target, ...ENVELOPE, '--ca', caFile];
      const run = await runCli([
        ...args,
        '--auth',
        mechanism,
        '--auth-user',
        'me',
        '--auth-password-file',
        passwordFile,
      ]);

      expect(run.stderr).toBe('');
      expect(run.exitCode).toBe(0);
      expect(run.stdout).toMatch(new RegExp(`^~> AUTH ${mechanism}`, 'm'));
      expect(run.stdout).toMatch(/^<~ 235 /m);
      expectNoSecret(run, PASSWORD);
    },
  );

  it(
    'when XOAUTH2 is used with the right token ' + 'then it succeeds and the token is never shown',
    async () => {
      const server = await real();
      const run = await runCli(
        [
          'send',
          server.target,
          ...ENVELOPE,
          '--ca',
          caFile,
          '--auth',
          'XOAUTH2',
          '--auth-user',
          'oauth',
        ],
        { SMTP_PROBE_AUTH_PASSWORD: TOKEN },
      );

      expect(run.exitCode).toBe(0);
      expect(run.stdout).toMatch(/^<~ 235 /m);
      expectNoSecret(run, TOKEN);
    },
  );

  it.each(['PLAIN', 'LOGIN', 'CRAM-MD5', 'XOAUTH2'])(
    'when %s is used with a wrong secret then AUTH fails with 55 and says what to check',
    async (mechanism) => {
      const server = await real();
      const wrong = 'Wr0ng-secret-value';
      const run = await runCli(
        [
          'send',
          server.target,
          ...ENVELOPE,
          '--ca',
          caFile,
          '--auth',
          mechanism,
          '--auth-user',
          'me',
        ],
        { SMTP_PROBE_AUTH_PASSWORD: wrong },
      );

      expect(run.exitCode).toBe(55);
      expect(run.stdout).toMatch(/^<~ 535 /m);
      const hint =
        mechanism === 'XOAUTH2' ? 'the token was rejected' : 'the credentials were rejected';
      expect(run.stdout).toContain(`hint: ${hint}`);
      expect(server.messages).toHaveLength(0);
      expectNoSecret(run, wrong);
    },
  );

  it('when auto is asked then the strongest offered mechanism is picked: CRAM-MD5', async () => {
    const server = await real();
    const run = await runCli(
      ['send', server.target, ...ENVELOPE, '--ca', caFile, '--auth-user', 'me'],
      {
        SMTP_PROBE_AUTH_PASSWORD: PASSWORD,
      },
    );

    expect(run.exitCode).toBe(0);
    expect(run.stdout).toMatch(/^~> AUTH CRAM-MD5$/m);
    expect(run.stdout).toMatch(/^== challenge: "<.+>"$/m);
  });

  it('when TLS is not used then credentials are refused before any is sent, exit 6', async () => {
    const server = await real();
    const run = await runCli(
      ['send', server.target, ...ENVELOPE, '--starttls', 'never', '--auth-user', 'me'],
      { SMTP_PROBE_AUTH_PASSWORD: PASSWORD },
    );

    expect(run.exitCode).toBe(6);
    expect(run.stderr).toBe('smtp-probe: refusing to send credentials without TLS\n');
    expect(run.stdout).not.toMatch(/^-> AUTH/m);
  });

  it.each([['--quiet'], ['--no-pipelining'], ['--quit-after', 'auth']])(
    'when run with %s, passing or failing, then the secret is in no output',
    async (...extra) => {
      const server = await real();
      const args = [
        'send',
        server.target,
        ...ENVELOPE,
        '--ca',
        caFile,
        '--auth',
        'PLAIN',
        '--auth-user',
        'me',
      ];
      for (const secret of [PASSWORD, 'Wr0ng-secret-value']) {
        const run = await runCli([...args, ...extra], { SMTP_PROBE_AUTH_PASSWORD: secret });
        expect(run.exitCode).toBe(secret === PASSWORD ? 0 : 55);
        expectNoSecret(run, secret);
      }
    },
  );

  it(
    'when the certificate is not trusted then no ' + 'credentials are sent, unless --auth-insecure',
    async () => {
      const server = await real();
      const args = [
        'send',
        server.target,
        ...ENVELOPE,
        '--auth-user',
        'me',
        '--quit-after',
        'auth',
      ];
      const env = { SMTP_PROBE_AUTH_PASSWORD: PASSWORD };

      const refused = await runCli(args, env);
      expect(refused.exitCode).toBe(6);
      expect(refused.stderr).toBe(
        'smtp-probe: refusing to send credentials over TLS with an untrusted certificate\n',
      );
      expect(refused.stdout).not.toMatch(/^~> AUTH/m);

      const allowed = await runCli([...args, '--auth-insecure'], env);
      expect(allowed.exitCode).toBe(0);
      expect(allowed.stdout).toContain(
        '!! sending credentials over TLS with an untrusted certificate (--auth-insecure)',
      );
    },
  );

  it('when the password file is a FIFO then it is refused at once, not waited on', async () => {
    const fifo = join(dirname(passwordFile), 'fifo');
    execFileSync('mkfifo', [fifo]);
    const run = await runCli([
      'send',
      '127.0.0.1:1',
      ...ENVELOPE,
      '--auth-user',
      'me',
      '--auth-password-file',
      fifo,
    ]);

    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain(`cannot read the password file ${fifo}: not a regular file`);
  });

  it('when the password holds NUL then it is refused before connecting', async () => {
    const run = await runCli(['send', '127.0.0.1:1', ...ENVELOPE, '--auth-user', 'me'], {
      SMTP_PROBE_AUTH_PASSWORD: 'a\0b',
    });

    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain('the password or token contains NUL');
  });

  it('when --show-secrets is given then the credentials are shown, on request only', async () => {
    const server = await real();
    const args = [
      'send',
      server.target,
      ...ENVELOPE,
      '--ca',
      caFile,
      '--auth',
      'PLAIN',
      '--auth-user',
      'me',
    ];
    const run = await runCli([...args, '--show-secrets'], { SMTP_PROBE_AUTH_PASSWORD: PASSWORD });

    expect(run.exitCode).toBe(0);
    expect(run.stdout).toContain(Buffer.from(`\0me\0${PASSWORD}`).toString('base64'));
  });

  it(
    'when no password source is given and there ' + 'is no terminal then it says how to give one',
    async () => {
      const run = await runCli(['send', '127.0.0.1:1', ...ENVELOPE, '--auth-user', 'me']);

      expect(run.exitCode).toBe(2);
      expect(run.stderr).toMatch(/--auth-password-file/);
      expect(run.stderr).toMatch(/SMTP_PROBE_AUTH_PASSWORD/);
    },
  );
});

const EHLO_PIPELINING =
  '250-mx.probe.test\r\n250-PIPELINING\r\n250-8BITMIME\r\n250-SIZE 10000000\r\n250 CHUNKING\r\n';

describe('the bytes on the wire', () => {
  it(
    'when PIPELINING is offered then MAIL, RCPT and ' +
      'DATA go in one flight, and the body is dot-stuffed',
    async () => {
      const server = await fake([
        send(GREETING_220),
        expectLine(/^EHLO/),
        send(EHLO_PIPELINING),
        expectLine(/^MAIL FROM:<me@probe\.test> SIZE=\d+$/),
        expectLine(/^RCPT TO:<you@probe\.test>$/),
        expectLine(/^DATA$/),
        send('250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n354 go ahead\r\n'),
        expectLine(/^Date: /),
      ]);
      const body = '.first\r\nhello\r\n.\r\n.test\r\n..\r\nworld\r\n';
      await runCli([
        'send',
        server.target,
        ...ENVELOPE,
        '--starttls',
        'never',
        '--body',
        body,
        '--timeout',
        '1s',
        '--data-timeout',
        '1s',
      ]);

      const wire = server.received[0]!.toString('latin1');
      expect(wire).toContain('\r\n\r\n..first\r\nhello\r\n..\r\n..test\r\n...\r\nworld\r\n.\r\n');
      expect(wire).not.toMatch(/[^\r]\n/);
      expect(server.problems).toEqual([]);
    },
  );

  it('when --no-pipelining is given then each command waits for its reply', async () => {
    const server = await fake([
      send(GREETING_220),
      expectLine(/^EHLO/),
      send(EHLO_PIPELINING),
      expectLine(/^MAIL FROM:/),
      send('250 2.1.0 Ok\r\n'),
      expectLine(/^RCPT TO:/),
      send('250 2.1.5 Ok\r\n'),
      expectLine(/^QUIT$/),
      send(REPLY_221_BYE),
    ]);
    const run = await runCli([
      'send',
      server.target,
      ...ENVELOPE,
      '--starttls',
      'never',
      '--no-pipelining',
      '--quit-after',
      'rcpt',
    ]);

    expect(run.exitCode).toBe(0);
    expect(server.problems).toEqual([]);
  });

  it(
    'when CHUNKING is offered and asked for then ' + 'the message goes as BDAT, not dot-stuffed',
    async () => {
      const server = await fake([
        send(GREETING_220),
        expectLine(/^EHLO/),
        send(EHLO_PIPELINING),
        expectLine(/^MAIL FROM:/),
        expectLine(/^RCPT TO:/),
        send('250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n'),
        expectLine(/^BDAT \d+ LAST$/),
        expectLine(/^Date: /),
      ]);
      await runCli([
        'send',
        server.target,
        ...ENVELOPE,
        '--starttls',
        'never',
        '--chunking',
        '--body',
        '.dot line',
        '--timeout',
        '1s',
        '--data-timeout',
        '1s',
      ]);

      const wire = server.received[0]!.toString('latin1');
      const [, size, rest] = /BDAT (\d+) LAST\r\n([\s\S]*)$/.exec(wire)!;
      expect(Buffer.byteLength(rest!, 'latin1')).toBe(Number(size));
      expect(rest).toContain('\r\n.dot line');
      expect(wire).not.toMatch(/^DATA/m);
    },
  );

  it(
    'when the body has 8-bit bytes and 8BITMIME ' + 'is offered then BODY=8BITMIME is declared',
    async () => {
      const server = await fake([
        send(GREETING_220),
        expectLine(/^EHLO/),
        send(EHLO_PIPELINING),
        expectLine(/^MAIL FROM:<me@probe\.test> SIZE=\d+ BODY=8BITMIME$/),
        expectLine(/^RCPT/),
        expectLine(/^DATA/),
        send('250 Ok\r\n250 Ok\r\n354 go\r\n'),
        expectLine(/^Date: /),
      ]);
      await runCli([
        'send',
        server.target,
        ...ENVELOPE,
        '--starttls',
        'never',
        '--body',
        'Grüße',
        '--timeout',
        '1s',
        '--data-timeout',
        '1s',
      ]);

      expect(server.problems).toEqual([]);
    },
  );

  it(
    'when the server answers only MAIL and RCPT of a ' +
      'pipelined batch then it says which is unanswered',
    async () => {
      const server = await fake([
        send(GREETING_220),
        expectLine(/^EHLO/),
        send(EHLO_PIPELINING),
        expectLine(/^MAIL/),
        expectLine(/^RCPT/),
        expectLine(/^DATA/),
        send('250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n'),
        expectLine(/^never$/),
      ]);
      const run = await runCli([
        'send',
        server.target,
        ...ENVELOPE,
        '--starttls',
        'never',
        '--timeout',
        '500ms',
        '--data-timeout',
        '1s',
      ]);

      expect(run.exitCode).toBe(5);
      expect(run.stderr).toBe(
        'smtp-probe: the server advertised PIPELINING but ' +
          'answered 2 of 3 pipelined commands; no reply to DATA\n',
      );
      expect(run.stdout).toContain('hint: try again with --no-pipelining');
    },
  );
});

describe('input refused before connecting', () => {
  it.each([
    [['--to', 'you@probe.test>\r\nRCPT TO:<victim@example.test'], 'contains CR, LF or NUL'],
    [['--to', 'nobody'], 'expected local-part@domain'],
    [['--header', 'X-Test: a\r\nBcc: victim@example.test'], 'CR'],
    [['--mail-param', 'SIZE=1 XYZ'], 'invalid --mail-param'],
    [['--raw'], '--raw goes with --data'],
  ])('when given %j then it exits 2 without connecting', async (extra, message) => {
    const run = await runCli([
      'send',
      '127.0.0.1:1',
      '--from',
      'me@probe.test',
      '--to',
      'you@probe.test',
      ...extra,
    ]);

    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain(message);
    expect(run.stdout).toBe('');
  });

  it('when a refused --header holds CRLF then the error shows it escaped once', async () => {
    const args = ['send', '127.0.0.1:1', ...ENVELOPE, '--header', 'X-A: b\r\nBcc: x@y.test'];
    const run = await runCli(args);

    expect(run.stderr).toContain('--header "X-A: b\\r\\nBcc: x@y.test" contains a carriage return');
  });

  it(
    'when an input never ends (/dev/zero) then ' + 'reading stops at the cap with a usage error',
    async () => {
      const run = await runCli([
        'send',
        '127.0.0.1:1',
        ...ENVELOPE,
        '--attach',
        '/dev/zero',
        '--dump',
      ]);

      expect(run.exitCode).toBe(2);
      expect(run.stderr).toContain('--attach /dev/zero: more than 100 MiB');
    },
  );

  it(
    'when --auth names an unknown mechanism ' + 'then it is a usage error before connecting',
    async () => {
      const run = await runCli([
        'send',
        '127.0.0.1:1',
        ...ENVELOPE,
        '--auth',
        'MD5',
        '--auth-user',
        'me',
      ]);

      expect(run.exitCode).toBe(2);
      expect(run.stderr).toContain('unknown --auth mechanism "MD5"');
    },
  );

  it('when a parameter is given twice then it is a usage error', async () => {
    const args = ['send', '127.0.0.1:1', ...ENVELOPE, '--mail-param', 'X=1', '--mail-param', 'x=2'];
    const run = await runCli(args);

    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain('--mail-param X is given twice');
  });

  it('when --dump is given then the message is printed and nothing connects', async () => {
    const run = await runCli(['send', '127.0.0.1:1', ...ENVELOPE, '--subject', 'dumped', '--dump']);

    expect(run.exitCode).toBe(0);
    expect(run.stdout).toContain('Subject: dumped\n');
    expect(run.stdout).toMatch(/^Message-ID: <.+@.+>$/m);
  });
});
