/**
 * `smtp-probe run FILE TARGET` end to end: scenarios played against the
 * scripted fake server (exact bytes sent, timeouts, refusals) and against
 * smtp-server (STARTTLS with a test CA, AUTH with the secret never shown),
 * including every example under docs/examples.
 */
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { makeCertificateAuthority, type CertificatePair } from '../helpers/certificates.js';
import { parseReport } from '../helpers/schema.js';
import { runCli, type CliRun } from '../helpers/cli.js';
import {
  expectLine,
  send,
  silent,
  startFakeServer,
  startTls,
  type FakeServer,
  type Step,
} from '../helpers/fake-server.js';
import {
  startRealServer,
  type RealServer,
  type RealServerOptions,
} from '../helpers/smtp-server.js';
import { removeTempFiles, writeTempFile } from '../helpers/temp-files.js';
import { EHLO_PLAIN, GREETING_220, REPLY_221_BYE } from '../fixtures/replies.js';

const PASSWORD = 'Sc3nario-pass-for-tests';
const EXAMPLES = fileURLToPath(new URL('../../docs/examples/', import.meta.url));

const REPLY_250_OK = '250 2.0.0 Ok\r\n';
const REPLY_550_NO_RELAY = '550 5.7.1 <someone@elsewhere.example>: Relay access denied\r\n';
const REPLY_530_STARTTLS = '530 5.7.0 Must issue a STARTTLS command first\r\n';
const REPLY_354_GO_AHEAD = '354 End data with <CR><LF>.<CR><LF>\r\n';
const REPLY_250_QUEUED = '250 2.0.0 Ok: queued as ABC123\r\n';

let pair: CertificatePair;
let caFile: string;
let servers: { close(): Promise<void> }[] = [];

beforeAll(async () => {
  const authority = await makeCertificateAuthority();
  pair = await authority.issue();
  caFile = writeTempFile('ca.pem', authority.cert);
});

afterEach(async () => {
  await Promise.all(servers.map((server) => server.close()));
  servers = [];
});

afterAll(removeTempFiles);

async function fake(script: Step[]): Promise<FakeServer & { target: string }> {
  const server = await startFakeServer(script);
  servers.push(server);
  return Object.assign(server, { target: `127.0.0.1:${server.port}` });
}

async function real(
  options: Partial<RealServerOptions> = {},
): Promise<RealServer & { target: string }> {
  const server = await startRealServer({ pair, users: { me: PASSWORD }, ...options });
  servers.push(server);
  return { ...server, target: `127.0.0.1:${server.port}` };
}

/** Writes a scenario to a temporary file and runs it against the target. */
function play(scenario: string, target: string, args: string[] = [], env = {}): Promise<CliRun> {
  const file = writeTempFile('test.smtp', scenario);
  return runCli(['run', file, target, ...args], env);
}

describe('a scenario against the scripted server', () => {
  it(
    'when every expect is met then the exact lines ' + 'are sent and the exit status is 0',
    async () => {
      const server = await fake([
        send(GREETING_220),
        expectLine(/^EHLO probe\.test$/),
        send(EHLO_PLAIN),
        expectLine(/^NOOP hello there$/),
        send(REPLY_250_OK),
        expectLine(/^QUIT$/),
        send(REPLY_221_BYE),
      ]);
      const run = await play(
        'expect 220 /ESMTP/\nsend EHLO probe.test\nexpect 2xx\nsend NOOP hello there\nexpect 2.0.0\nquit\n',
        server.target,
      );

      expect(run.stderr).toBe('');
      expect(run.exitCode).toBe(0);
      expect(server.clientLines()).toEqual(['EHLO probe.test', 'NOOP hello there', 'QUIT']);
      expect(server.problems).toEqual([]);
      expect(run.stdout).toMatch(/^== line 3 met: expect 2xx$/m);
    },
  );

  it(
    'when an expect is not met then the exit status is 10 ' +
      'and the message names the expect line',
    async () => {
      const server = await fake([
        send(GREETING_220),
        expectLine(/^RCPT TO:<someone@elsewhere\.example>$/),
        send(REPLY_250_OK),
        expectLine(/^QUIT$/),
        send(REPLY_221_BYE),
      ]);
      const run = await play(
        'send RCPT TO:<someone@elsewhere.example>\nexpect 550\n',
        server.target,
      );

      expect(run.exitCode).toBe(10);
      expect(run.stderr).toMatch(
        /^smtp-probe: step 2 \(.*test\.smtp:2: expect 550\): not met, RCPT TO was answered 250 2\.0\.0 Ok\n$/,
      );
      expect(server.clientLines()).toEqual(['RCPT TO:<someone@elsewhere.example>', 'QUIT']);
    },
  );

  it(
    'when a refusal has no expect then it exits with its ' + 'stage status and names the send line',
    async () => {
      const server = await fake([
        send(GREETING_220),
        expectLine(/^RCPT /),
        send(REPLY_550_NO_RELAY),
        expectLine(/^QUIT$/),
        send(REPLY_221_BYE),
      ]);
      const run = await play(
        'expect 220\nsend RCPT TO:<someone@elsewhere.example>\nsend NOOP\n',
        server.target,
      );

      expect(run.exitCode).toBe(75);
      expect(run.stderr).toContain(
        'step 2 (' +
          run.stderr.split('(')[1]!.split(':')[0] +
          ':2: send RCPT TO:<someone@elsewhere.example>): ' +
          'RCPT TO refused (permanent failure): 550 5.7.1',
      );
      expect(server.clientLines()).toEqual(['RCPT TO:<someone@elsewhere.example>', 'QUIT']);
    },
  );

  it(
    'when a command outside the known stages is refused ' +
      'without an expect then the exit status is 105',
    async () => {
      const server = await fake([
        send(GREETING_220),
        expectLine(/^VRFY x$/),
        send('502 5.5.1 VRFY disabled\r\n'),
        expectLine(/^QUIT$/),
        send(REPLY_221_BYE),
      ]);
      const run = await play('send VRFY x\n', server.target);

      expect(run.exitCode).toBe(105);
      expect(run.stderr).toMatch(/send VRFY x\): the command refused \(permanent failure\): 502 /);
    },
  );

  it('when an expect-soft is not met then a warning says so and the run passes', async () => {
    const server = await fake([
      send(GREETING_220),
      expectLine(/^NOOP$/),
      send(REPLY_250_OK),
      expectLine(/^QUIT$/),
      send(REPLY_221_BYE),
    ]);
    const run = await play('send NOOP\nexpect-soft 252\nexpect 250\n', server.target);

    expect(run.exitCode).toBe(0);
    expect(run.stdout).toMatch(
      /^!! step 2 \(.*:2: expect-soft 252\): not met, the command was answered 250 /m,
    );
  });

  it(
    'when only an expect-soft follows a refusal it does ' + 'not match then the refusal stands',
    async () => {
      const server = await fake([
        send(GREETING_220),
        expectLine(/^RCPT /),
        send(REPLY_550_NO_RELAY),
        expectLine(/^QUIT$/),
        send(REPLY_221_BYE),
      ]);
      const script = 'send RCPT TO:<someone@elsewhere.example>\nexpect-soft 250\n';
      const run = await play(script, server.target, ['--format', 'nagios']);

      expect(run.exitCode).toBe(2);
      expect(run.stdout).toMatch(/^SMTP CRITICAL - .*RCPT TO refused \(permanent failure\)/);
    },
  );

  it('when an expect-soft matches a refusal then the refusal is what it asked for', async () => {
    const server = await fake([
      send(GREETING_220),
      expectLine(/^RCPT /),
      send(REPLY_550_NO_RELAY),
      expectLine(/^QUIT$/),
      send(REPLY_221_BYE),
    ]);
    const script = 'send RCPT TO:<someone@elsewhere.example>\nexpect-soft 5.7.1\n';
    const run = await play(script, server.target);

    expect(run.exitCode).toBe(0);
  });

  it(
    'when a reply does not come within the step limit then the ' +
      'exit status is 5 and the step is named',
    async () => {
      const server = await fake([send(GREETING_220), expectLine(/^EHLO a\.test$/), silent(3_000)]);
      const started = performance.now();
      const run = await play(
        'expect 220\nsend EHLO a.test\nexpect 250 within 200ms\n',
        server.target,
      );

      expect(run.exitCode).toBe(5);
      expect(performance.now() - started).toBeLessThan(2_000);
      expect(run.stderr).toMatch(
        /^smtp-probe: step 2 \(.*:2: send EHLO a\.test\): no reply to EHLO after 200 ms\n$/,
      );
    },
  );

  it(
    'when the greeting does not come within the connect ' + 'limit then the exit status is 5',
    async () => {
      const server = await fake([silent(3_000)]);
      const run = await play('connect\nexpect 220 within 200ms\n', server.target);

      expect(run.exitCode).toBe(5);
      expect(run.stderr).toMatch(/step 1 \(.*:1: connect\): no greeting after 200 ms/);
    },
  );

  it(
    'when data has a here-document then the message goes ' +
      'dot-stuffed, variables and $$ expanded',
    async () => {
      const server = await fake([
        send(GREETING_220),
        expectLine(/^DATA$/),
        send(REPLY_354_GO_AHEAD),
        expectLine(/^Subject: cost \$5$/),
        expectLine(/^$/),
        expectLine(/^\.\.leading dot$/),
        expectLine(/^\.$/),
        send(REPLY_250_QUEUED),
        expectLine(/^QUIT$/),
        send(REPLY_221_BYE),
      ]);
      const scenario = 'data <<END\nSubject: ${WHAT} $$5\n\n.leading dot\nEND\nexpect 250\nquit\n';
      const run = await play(scenario, server.target, [], { WHAT: 'cost' });

      expect(run.exitCode).toBe(0);
      expect(server.problems).toEqual([]);
      expect(run.stdout).toMatch(
        /^-> <message: 34 bytes, 3 lines> \(dot-stuffed\), then <CRLF>\.<CRLF>$/m,
      );
      expect(run.stdout).toContain('== the server took the message as ABC123');
    },
  );

  it('when data < FILE is given then the file beside the script is sent', async () => {
    const server = await fake([
      send(GREETING_220),
      expectLine(/^DATA$/),
      send(REPLY_354_GO_AHEAD),
      expectLine(/^Subject: from a file$/),
      expectLine(/^\.$/),
      send(REPLY_250_QUEUED),
      expectLine(/^QUIT$/),
      send(REPLY_221_BYE),
    ]);
    const message = writeTempFile('message.eml', 'Subject: from a file\n');
    const run = await play(`data < ${message}\nquit\n`, server.target);

    expect(run.exitCode).toBe(0);
    expect(server.problems).toEqual([]);
  });

  it(
    'when the script ends without quit then QUIT is ' + 'said for it; after close nothing is',
    async () => {
      const quits = await fake([
        send(GREETING_220),
        expectLine(/^NOOP$/),
        send(REPLY_250_OK),
        expectLine(/^QUIT$/),
        send(REPLY_221_BYE),
      ]);
      const ended = await play('send NOOP\n', quits.target);
      const closes = await fake([send(GREETING_220), expectLine(/^NOOP$/), send(REPLY_250_OK)]);
      const closed = await play('send NOOP\nwait 50ms\nclose\n', closes.target);

      expect(ended.exitCode).toBe(0);
      expect(ended.stdout).toContain('== the scenario ends without quit: saying QUIT');
      expect(quits.clientLines()).toEqual(['NOOP', 'QUIT']);
      expect(closed.exitCode).toBe(0);
      expect(closed.stdout).toContain('== closing the connection without QUIT');
      await closes.settled();
      expect(closes.clientLines()).toEqual(['NOOP']);
    },
  );

  it(
    'when a variable is not set then nothing is ' + 'connected and the error names the line',
    async () => {
      const server = await fake([send(GREETING_220)]);
      const run = await play('send EHLO a.test\nsend MAIL FROM:<${SENDER}>\n', server.target);

      expect(run.exitCode).toBe(2);
      expect(run.stderr).toMatch(
        /^smtp-probe: .*test\.smtp:2: the variable SENDER is not set\ndocs\/scenarios\.md/,
      );
      expect(server.received).toHaveLength(0);
    },
  );

  it(
    'when the scenario connects itself then no TARGET is ' +
      'needed; without either it is a usage error',
    async () => {
      const server = await fake([send(GREETING_220), expectLine(/^QUIT$/), send(REPLY_221_BYE)]);
      const file = writeTempFile('connect.smtp', `connect ${server.target}\nexpect 220\nquit\n`);
      const bare = writeTempFile('bare.smtp', 'quit\n');

      expect((await runCli(['run', file])).exitCode).toBe(0);
      const missing = await runCli(['run', bare]);
      expect(missing.exitCode).toBe(2);
      expect(missing.stderr).toContain('no target: give TARGET, or write connect HOST:PORT in');
    },
  );

  it('when the file is over 1 MiB then it is refused unread', async () => {
    const run = await play('#'.repeat(1024 * 1024 + 1), '127.0.0.1:1');

    expect(run.exitCode).toBe(2);
    expect(run.stderr).toMatch(/more than 1048576 bytes/);
  });

  it(
    'when --json is given then the report says mode ' + 'scenario and names the failed step',
    async () => {
      const server = await fake([
        send(GREETING_220),
        expectLine(/^NOOP$/),
        send(REPLY_250_OK),
        expectLine(/^QUIT$/),
        send(REPLY_221_BYE),
      ]);
      const run = await play('expect 220\nsend NOOP\nexpect 5xx\n', server.target, ['--json']);
      const report = parseReport(run.stdout) as Record<string, unknown>;

      expect(run.exitCode).toBe(10);
      expect(report).toMatchObject({ mode: 'scenario', ok: false, exitCode: 10 });
      expect(report['verdict']).toMatchObject({ code: 'expectation-failed', stage: 'command' });
      expect((report['verdict'] as { message: string }).message).toMatch(
        /^step 3 \(.*:3: expect 5xx\): not met/,
      );
      expect(report['expectations']).toEqual([
        {
          expect: expect.stringMatching(/:1: expect 220$/),
          stage: 'greeting',
          status: 'met',
          got: '220 mx.probe.test ESMTP ready',
        },
        {
          expect: expect.stringMatching(/:3: expect 5xx$/),
          stage: 'command',
          status: 'failed',
          got: '250 2.0.0 Ok',
        },
      ]);
      const commands = (report['exchanges'] as { command: string | null }[]).map(
        (exchange) => exchange.command,
      );
      expect(commands).toEqual([null, 'NOOP', 'QUIT']);
    },
  );
});

describe('the examples in docs/examples', () => {
  it(
    'relay-refused.smtp passes when RCPT is refused, ' + 'with a warning for the soft 5.7.1',
    async () => {
      const server = await real({ unknownRecipients: ['someone@elsewhere.example'] });
      const run = await runCli(['run', `${EXAMPLES}relay-refused.smtp`, server.target]);

      expect(run.stderr).toBe('');
      expect(run.exitCode).toBe(0);
      expect(run.stdout).toMatch(/^<- 550 5\.1\.1 /m);
      expect(run.stdout).toMatch(/^!! step 8 \(.*:13: expect-soft 5\.7\.1\): not met/m);
    },
  );

  it('relay-refused.smtp fails with 10 when the server relays', async () => {
    const server = await real();
    const run = await runCli(['run', `${EXAMPLES}relay-refused.smtp`, server.target]);

    expect(run.exitCode).toBe(10);
    expect(run.stderr).toMatch(
      /relay-refused\.smtp:11: expect 5xx\): not met, RCPT TO was answered 250/,
    );
  });

  it('starttls-required.smtp passes when MAIL before STARTTLS draws 530', async () => {
    const server = await fake([
      send(GREETING_220),
      expectLine(/^EHLO probe\.example\.test$/),
      send('250-mx.probe.test\r\n250 STARTTLS\r\n'),
      expectLine(/^MAIL FROM:<probe@example\.test>$/),
      send(REPLY_530_STARTTLS),
      expectLine(/^STARTTLS$/),
      send('220 2.0.0 Ready to start TLS\r\n'),
      startTls(pair),
      expectLine(/^EHLO probe\.example\.test$/),
      send('250 mx.probe.test\r\n'),
      expectLine(/^MAIL FROM:<probe@example\.test>$/),
      send(REPLY_250_OK),
      expectLine(/^QUIT$/),
      send(REPLY_221_BYE),
    ]);
    const run = await runCli([
      'run',
      `${EXAMPLES}starttls-required.smtp`,
      server.target,
      '--ca',
      caFile,
    ]);

    expect(run.stderr).toBe('');
    expect(run.exitCode).toBe(0);
    expect(server.problems).toEqual([]);
    expect(run.stdout).toMatch(/^~> MAIL FROM:<probe@example\.test>$/m);
  });

  it('auth-send.smtp logs in over STARTTLS and delivers, the password never shown', async () => {
    const server = await real();
    const env = { SMTP_USER: 'me', SMTP_PASSWORD: PASSWORD };
    const args = ['run', `${EXAMPLES}auth-send.smtp`, server.target, '--ca', caFile];
    const run = await runCli(args, env);
    const json = await runCli([...args, '--format', 'ndjson'], env);

    expect(run.stderr).toBe('');
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toMatch(/^~> AUTH PLAIN <credentials for "me", hidden>$/m);
    expect(server.messages).toHaveLength(2);
    expect(server.messages[0]!.toString()).toContain(
      '\r\n.like this\r\nPrices in $ stay as written: $5.\r\n',
    );
    expect(json.exitCode).toBe(0);
    for (const output of [run.stdout, run.stderr, json.stdout, json.stderr]) {
      expect(output).not.toContain(PASSWORD);
      expect(output).not.toContain(Buffer.from(`\0me\0${PASSWORD}`).toString('base64'));
    }
  });

  it('commands.smtp passes against smtp-server', async () => {
    const server = await real();
    const run = await runCli(['run', `${EXAMPLES}commands.smtp`, server.target]);

    expect(run.stderr).toBe('');
    expect(run.exitCode).toBe(0);
  });
});

describe('AUTH in a scenario', () => {
  const LOGIN = 'send EHLO a.test\nstarttls\nsend EHLO a.test\nauth plain me\n';

  it('when the password is wrong and 535 is expected then the run passes', async () => {
    const server = await real();
    const run = await play(`${LOGIN}expect 535\nquit\n`, server.target, ['--ca', caFile], {
      SMTP_PROBE_AUTH_PASSWORD: 'wrong-password',
    });

    expect(run.exitCode).toBe(0);
    expect(run.stdout).toMatch(/^== line 5 met: expect 535$/m);
  });

  it('when the password is wrong and nothing is expected then the exit status is 55', async () => {
    const server = await real();
    const file = writeTempFile('password', `${PASSWORD}x\n`);
    const run = await play(LOGIN, server.target, ['--ca', caFile, '--auth-password-file', file]);

    expect(run.exitCode).toBe(55);
    expect(run.stderr).toMatch(/:4: auth plain me\): AUTH refused/);
    expect(run.stdout + run.stderr).not.toContain(`${PASSWORD}x`);
  });

  it('when there is no TLS then auth is refused before any credential is sent', async () => {
    const server = await real();
    const run = await play('send EHLO a.test\nauth plain me\n', server.target, [], {
      SMTP_PROBE_AUTH_PASSWORD: PASSWORD,
    });

    expect(run.exitCode).toBe(6);
    expect(run.stderr).toContain('refusing to send credentials without TLS');
    expect(run.stdout).not.toMatch(/^-> AUTH/m);
  });
});
