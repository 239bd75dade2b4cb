/**
 * --expect through the CLI: against smtp-server (a real implementation
 * refusing an unknown recipient) and the scripted fake server. A refusal
 * asserted is a pass; anything else asserted and not seen is exit 10.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { makeCertificateAuthority, type CertificatePair } from '../helpers/certificates.js';
import { runCli, type CliRun } from '../helpers/cli.js';
import { close, expectLine, fakeServerPerTest, send } from '../helpers/fake-server.js';
import { parseReport } from '../helpers/schema.js';
import { startRealServer, type RealServer } from '../helpers/smtp-server.js';
import { removeTempFiles, writeTempFile } from '../helpers/temp-files.js';
import { EHLO_PLAIN, GREETING_220, REPLY_221_BYE } from '../fixtures/replies.js';

const EHLO = '--ehlo=probe.test';
const { serve } = fakeServerPerTest();

let pair: CertificatePair;
let caFile: string;
let real: RealServer | undefined;

beforeAll(async () => {
  const authority = await makeCertificateAuthority();
  pair = await authority.issue({ names: ['mx.probe.test'], ips: ['127.0.0.1'] });
  caFile = writeTempFile('expect-ca.pem', authority.cert);
});

afterEach(async () => {
  await real?.close();
  real = undefined;
});

afterAll(removeTempFiles);

async function realServer(): Promise<string> {
  real = await startRealServer({ pair, unknownRecipients: ['nobody@probe.test'] });
  return `127.0.0.1:${real.port}`;
}

function sendTo(target: string, recipient: string, ...more: string[]): Promise<CliRun> {
  const envelope = ['--from', 'me@probe.test', '--to', recipient];
  return runCli(['send', target, EHLO, '--ca', caFile, ...envelope, ...more]);
}

describe('--expect against smtp-server', () => {
  it('when a refusal is asserted and comes then the run passes', async () => {
    const target = await realServer();
    const run = await sendTo(target, 'nobody@probe.test', '--expect', 'rcpt=550');

    expect(run.exitCode).toBe(0);
    expect(run.stdout).toContain('--expect rcpt=550: met (550 5.1.1 <nobody@probe.test>');
    expect(run.stdout).toMatch(/result: OK in \S+ \S+, 1 expectation met \(exit 0\)/);
    expect(real!.messages).toHaveLength(0);
  });

  it(
    'when a refusal is asserted but the recipient is ' + 'accepted then exit 10 says what came',
    async () => {
      const target = await realServer();
      const run = await sendTo(
        target,
        'you@probe.test',
        '--expect',
        'rcpt=5xx',
        '--quit-after',
        'rcpt',
      );

      expect(run.exitCode).toBe(10);
      expect(run.stdout).toContain('result: NOT AS EXPECTED at RCPT TO (exit 10)');
      expect(run.stderr).toMatch(
        /^smtp-probe: --expect rcpt=5xx: not met, RCPT TO was answered 250 Accepted\n$/,
      );
    },
  );

  it('when the refusal differs in its enhanced code then exit 10', async () => {
    const target = await realServer();
    const run = await sendTo(target, 'nobody@probe.test', '--expect', 'rcpt=5.7.1');

    expect(run.exitCode).toBe(10);
    expect(run.stderr).toContain('RCPT TO was answered 550 5.1.1');
  });

  it(
    'when a refusal happens where nothing was asserted ' + 'then its own exit status stands',
    async () => {
      const target = await realServer();
      const run = await sendTo(target, 'nobody@probe.test', '--expect', 'greeting=/smtp-server/');

      expect(run.exitCode).toBe(75);
      expect(run.stdout).toContain('--expect greeting=/smtp-server/: met');
    },
  );

  it('when the JSON report is asked for then it carries each outcome', async () => {
    const target = await realServer();
    const run = await sendTo(
      target,
      'nobody@probe.test',
      '--expect',
      'rcpt=550',
      '--expect',
      'quit=250',
      '--json',
    );
    const report = parseReport(run.stdout);

    expect(run.exitCode).toBe(10);
    expect(report.expectations).toEqual([
      {
        expect: 'rcpt=550',
        stage: 'rcpt',
        status: 'met',
        got: '550 5.1.1 <nobody@probe.test>: user unknown',
      },
      { expect: 'quit=250', stage: 'quit', status: 'failed', got: '221 Bye' },
    ]);
    expect(report.error).toMatchObject({ code: 'reply-refused', stage: 'rcpt', exitCode: 75 });
    expect(report.verdict).toMatchObject({ code: 'expectation-failed', exitCode: 10 });
  });
});

describe('--expect and STARTTLS', () => {
  it(
    'when STARTTLS is asserted in the first EHLO and ' + 'AUTH in the second then both are met',
    async () => {
      real = await startRealServer({ pair });
      const target = `127.0.0.1:${real.port}`;
      const asserts = ['--expect', 'ehlo=/STARTTLS/', '--expect', 'ehlo_tls=/^250.AUTH /m'];
      const run = await runCli([target, EHLO, '--ca', caFile, '-q', ...asserts]);

      expect(run.exitCode).toBe(0);
      expect(run.stdout).toContain('2 expectations met');
    },
  );

  it('when the EHLO over TLS lacks what is asserted then the message names it', async () => {
    real = await startRealServer({ pair });
    const target = `127.0.0.1:${real.port}`;
    const run = await runCli([target, EHLO, '--ca', caFile, '--expect', 'ehlo-tls=/STARTTLS/']);

    expect(run.exitCode).toBe(10);
    expect(run.stderr).toContain(
      '--expect ehlo-tls=/STARTTLS/: not met, EHLO over TLS was answered',
    );
  });

  it('when ehlo_tls is asserted without STARTTLS then it is a usage error', async () => {
    const run = await runCli(['127.0.0.1:1', '--starttls', 'never', '--expect', 'ehlo_tls=250']);

    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain('--starttls never');
  });
});

describe('--expect of a refused RCPT (an open-relay check)', () => {
  it(
    'when the server accepts the relay then nothing ' + 'is delivered and exit 10 says so',
    async () => {
      const target = await realServer();
      const run = await sendTo(target, 'stranger@elsewhere.test', '--expect', 'rcpt=5xx');

      expect(run.exitCode).toBe(10);
      expect(run.stdout).toContain(
        '== stopping after RCPT TO: an --expect asserts that MAIL FROM or RCPT TO is refused',
      );
      expect(run.stdout).not.toMatch(/^-> DATA/m);
      expect(real!.messages).toHaveLength(0);
    },
  );

  it('when the message stage is asserted too then the contradiction is a usage error', async () => {
    const target = await realServer();
    const run = await sendTo(
      target,
      'x@probe.test',
      '--expect',
      'rcpt=550',
      '--expect',
      'message=250',
    );

    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain('as an --expect asserts that MAIL FROM or RCPT TO is refused');
  });
});

describe('--expect against the fake server', () => {
  const session = [
    send(GREETING_220),
    expectLine(/^EHLO /),
    send(EHLO_PLAIN),
    expectLine(/^QUIT$/),
    send(REPLY_221_BYE),
    close(),
  ];

  it('when the greeting pattern and EHLO class match then exit 0 with -q', async () => {
    const target = await serve(session);
    const run = await runCli([
      target,
      EHLO,
      '-q',
      '--expect',
      'greeting=/ESMTP/',
      '--expect=ehlo=2xx',
    ]);

    expect(run.exitCode).toBe(0);
    expect(run.stdout).toMatch(/^result: OK in \S+ \S+, 2 expectations met \(exit 0\)\n$/);
  });

  it('when an extension is asserted and missing then exit 10', async () => {
    const target = await serve(session);
    const run = await runCli([target, EHLO, '-q', '--expect', 'ehlo=/^250.STARTTLS$/m']);

    expect(run.exitCode).toBe(10);
    expect(run.stdout).toContain('result: NOT AS EXPECTED at EHLO: --expect ehlo=');
  });

  it('when STARTTLS is asserted but never offered then it was never sent: exit 10', async () => {
    const target = await serve(session);
    const run = await runCli([target, EHLO, '--expect', 'starttls=220']);

    expect(run.exitCode).toBe(10);
    expect(run.stderr).toContain('--expect starttls=220: not met, STARTTLS was never sent');
  });
});

describe('--expect usage errors', () => {
  it.each([
    [
      ['127.0.0.1:1', '--expect', 'rcpt=550'],
      'this run never reaches RCPT TO: it needs `smtp-probe send`',
    ],
    [['127.0.0.1:1', '--banner', '--expect', 'ehlo=250'], '--banner stops after the greeting'],
    [['127.0.0.1:1', '--starttls', 'never', '--expect', 'starttls=220'], '--starttls never'],
    [['127.0.0.1:1', '--expect', 'tls=ok'], 'no stage "tls"'],
    [
      [
        'send',
        '127.0.0.1:1',
        '--from',
        'a@b.test',
        '--to',
        'c@d.test',
        '--quit-after',
        'mail',
        '--expect',
        'rcpt=250',
      ],
      '--quit-after mail',
    ],
    [
      ['send', '127.0.0.1:1', '--from', 'a@b.test', '--to', 'c@d.test', '--expect', 'auth=235'],
      'no --auth',
    ],
  ])('when %j then it is refused before connecting', async (args, said) => {
    const run = await runCli(args);

    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain(said);
  });
});
