import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parseReport } from '../helpers/schema.js';
import { normalise, runCli } from '../helpers/cli.js';
import { makeSelfSigned, type CertificatePair } from '../helpers/certificates.js';
import {
  close,
  expectLine,
  send,
  startFakeServer,
  startTls,
  type FakeServer,
  type Step,
} from '../helpers/fake-server.js';
import { startRealServer } from '../helpers/smtp-server.js';
import {
  EHLO_AFTER_TLS,
  GREETING_220,
  GREETING_554,
  REPLY_220_STARTTLS,
  REPLY_221_BYE,
} from '../fixtures/replies.js';

const EHLO = '--ehlo=probe.test';
const CHECK = '--check-starttls-enforced';

const EHLO_BEFORE_TLS =
  '250-mx.probe.test\r\n250-PIPELINING\r\n250-SIZE 10240000\r\n250-8BITMIME\r\n250 STARTTLS\r\n';
const EHLO_INSIDE_TLS =
  '250-mx.probe.test\r\n250-PIPELINING\r\n250-SIZE 10240000\r\n250-8BITMIME\r\n' +
  '250 AUTH PLAIN LOGIN\r\n';
const EHLO_AUTH_PLAIN_BEFORE_TLS =
  '250-mx.probe.test\r\n250-PIPELINING\r\n250-AUTH PLAIN LOGIN CRAM-MD5\r\n250 STARTTLS\r\n';
const EHLO_CRAM_BEFORE_TLS =
  '250-mx.probe.test\r\n250-PIPELINING\r\n250-AUTH CRAM-MD5\r\n250 STARTTLS\r\n';
const EHLO_STARTTLS_AGAIN = '250-mx.probe.test\r\n250-PIPELINING\r\n250 STARTTLS\r\n';
const EHLO_NO_STARTTLS = '250-mx.probe.test\r\n250-PIPELINING\r\n250 8BITMIME\r\n';

const REPLY_530_STARTTLS_FIRST = '530 5.7.0 Must issue a STARTTLS command first\r\n';
const REPLY_530_AUTH_REQUIRED = '530 5.7.0 Authentication required\r\n';
const REPLY_250_SENDER_OK = '250 2.1.0 Ok\r\n';

let pair: CertificatePair;
let servers: { close(): Promise<void> }[] = [];

beforeAll(async () => {
  pair = await makeSelfSigned();
});

afterEach(async () => {
  await Promise.all(servers.map((server) => server.close()));
  servers = [];
});

/** A STARTTLS session whose EHLO replies are these, before and inside TLS. */
function tlsSession(before: string, after: string): Step[] {
  return [
    send(GREETING_220),
    expectLine(/^EHLO probe\.test$/),
    send(before),
    expectLine(/^STARTTLS$/),
    send(REPLY_220_STARTTLS),
    startTls(pair),
    expectLine(/^EHLO probe\.test$/),
    send(after),
    expectLine(/^QUIT$/),
    send(REPLY_221_BYE),
  ];
}

/** The second connection of the check: EHLO, MAIL FROM:<> and its reply, QUIT. */
function plaintextMail(before: string, mailReply: string): Step[] {
  return [
    send(GREETING_220),
    expectLine(/^EHLO probe\.test$/),
    send(before),
    expectLine(/^MAIL FROM:<>$/),
    send(mailReply),
    expectLine(/^QUIT$/),
    send(REPLY_221_BYE),
    close(),
  ];
}

async function fake(...connections: Step[][]): Promise<{ target: string; server: FakeServer }> {
  const server = await startFakeServer({ connections });
  servers.push(server);
  return { target: `127.0.0.1:${server.port}`, server };
}

function lines(stdout: string, prefix: RegExp): string[] {
  return stdout.split('\n').filter((line) => prefix.test(line));
}

describe('extensions before and after STARTTLS', () => {
  it(
    'when AUTH appears only after TLS then the ' + 'comparison says so and nothing is warned',
    async () => {
      const { target, server } = await fake(tlsSession(EHLO_BEFORE_TLS, EHLO_INSIDE_TLS));
      const run = await runCli([target, EHLO]);

      expect(run.exitCode).toBe(0);
      expect(server.problems).toEqual([]);
      expect(lines(run.stdout, /^(==|!!) (extensions|AUTH)/)).toEqual([
        '== extensions: both: PIPELINING, SIZE, 8BITMIME · before TLS only: STARTTLS · ' +
          'after TLS only: AUTH PLAIN LOGIN',
        '== AUTH is offered only after TLS: good, no password is asked for in plaintext',
      ]);
      expect(lines(run.stdout, /^!! (AUTH|protocol)/)).toEqual([]);
    },
  );

  it(
    'when AUTH PLAIN is offered before TLS then ' + 'auth-before-tls is warned, CRAM-MD5 left out',
    async () => {
      const { target } = await fake(tlsSession(EHLO_AUTH_PLAIN_BEFORE_TLS, EHLO_AFTER_TLS));
      const run = await runCli([target, EHLO, '--json']);
      const report = parseReport(run.stdout);

      expect(run.exitCode).toBe(0);
      expect(report.warnings.map((w: { code: string }) => w.code)).toEqual(['auth-before-tls']);
      expect(report.warnings[0].message).toBe(
        'AUTH PLAIN LOGIN offered before TLS: a password or token sent with it can be read on the wire',
      );
      expect(report.starttlsPolicy).toEqual({
        comparison: {
          both: ['PIPELINING', 'AUTH'],
          beforeTlsOnly: ['STARTTLS'],
          afterTlsOnly: [],
          changed: [
            {
              keyword: 'AUTH',
              beforeTls: ['PLAIN', 'LOGIN', 'CRAM-MD5'],
              afterTls: ['PLAIN', 'LOGIN'],
            },
          ],
          authBeforeTls: ['PLAIN', 'LOGIN', 'CRAM-MD5'],
          cleartextAuthBeforeTls: ['PLAIN', 'LOGIN'],
          authAfterTls: ['PLAIN', 'LOGIN'],
          starttlsAfterTls: false,
        },
        enforcement: null,
      });
    },
  );

  it('when only CRAM-MD5 is offered before TLS then it is noted, not warned', async () => {
    const { target } = await fake(tlsSession(EHLO_CRAM_BEFORE_TLS, EHLO_AFTER_TLS));
    const run = await runCli([target, EHLO]);

    expect(run.exitCode).toBe(0);
    expect(run.stdout).toContain(
      '== AUTH CRAM-MD5 offered before TLS: no reusable password or token goes on the wire with these\n',
    );
    expect(lines(run.stdout, /^!! (AUTH|protocol)/)).toEqual([]);
  });

  it(
    'when STARTTLS is advertised again inside TLS then ' + 'a protocol warning cites RFC 3207',
    async () => {
      const { target } = await fake(tlsSession(EHLO_STARTTLS_AGAIN, EHLO_STARTTLS_AGAIN));
      const run = await runCli([target, EHLO, '--json']);
      const report = parseReport(run.stdout);

      expect(report.warnings).toMatchObject([
        {
          code: 'starttls-after-tls',
          message: 'protocol: STARTTLS is offered again after TLS (RFC 3207 §4.2 forbids it)',
        },
      ]);
      expect(report.starttlsPolicy.comparison).toMatchObject({
        both: ['PIPELINING', 'STARTTLS'],
        starttlsAfterTls: true,
      });
    },
  );

  it('when extensions are lost inside TLS then a note names those that matter', async () => {
    const { target } = await fake(tlsSession(EHLO_BEFORE_TLS, EHLO_AFTER_TLS));
    const run = await runCli([target, EHLO]);

    expect(run.stdout).toContain(
      '== SIZE, 8BITMIME offered only before TLS: mail sent over TLS goes without them\n',
    );
  });

  it('when no STARTTLS happens then the report has no comparison', async () => {
    const { target } = await fake([
      send(GREETING_220),
      expectLine(/^EHLO/),
      send(EHLO_NO_STARTTLS),
      expectLine(/^QUIT$/),
      send(REPLY_221_BYE),
    ]);
    const run = await runCli([target, EHLO, '--json']);

    expect(parseReport(run.stdout).starttlsPolicy).toEqual({ comparison: null, enforcement: null });
  });
});

describe('--check-starttls-enforced', () => {
  it(
    'when the server answers 530 to MAIL without TLS then STARTTLS ' +
      'is enforced, and only MAIL and QUIT were sent',
    async () => {
      const { target, server } = await fake(
        tlsSession(EHLO_BEFORE_TLS, EHLO_INSIDE_TLS),
        plaintextMail(EHLO_BEFORE_TLS, REPLY_530_STARTTLS_FIRST),
      );
      const run = await runCli([target, EHLO, CHECK]);
      await server.settled();

      expect(run.exitCode).toBe(0);
      expect(server.problems).toEqual([]);
      expect(server.received[1]!.toString('latin1')).toBe(
        'EHLO probe.test\r\nMAIL FROM:<>\r\nQUIT\r\n',
      );
      const tail = normalise(run.stdout.slice(run.stdout.indexOf('== checking')), server.port);
      expect(tail).toMatchInlineSnapshot(`
        "== checking on a second connection whether MAIL FROM needs STARTTLS first (no RCPT)
        == connected to 127.0.0.1:<port> in <t>
        <- 220 mx.probe.test ESMTP ready  <t>
        -> EHLO probe.test
        <- 250-mx.probe.test
        <- 250-PIPELINING
        <- 250-SIZE 10240000
        <- 250-8BITMIME
        <- 250 STARTTLS  <t>
        -> MAIL FROM:<>
        <- 530 5.7.0 Must issue a STARTTLS command first  <t> · permanent failure
        -> QUIT
        <- 221 2.0.0 Bye  <t>
        == STARTTLS is enforced: MAIL FROM:<> without TLS drew 530 5.7.0 Must issue a STARTTLS command first

        result: OK in <t> (exit 0)
        timings: connect <t> · greeting <t> · ehlo <t> · starttls <t> · tls <t> · ehlo (tls) <t> · quit <t> · total <t>
        "
      `);
    },
  );

  it(
    'when the server accepts MAIL without TLS then a warning ' +
      'says so and JSON holds the exchanges',
    async () => {
      const { target, server } = await fake(
        tlsSession(EHLO_BEFORE_TLS, EHLO_INSIDE_TLS),
        plaintextMail(EHLO_BEFORE_TLS, REPLY_250_SENDER_OK),
      );
      const run = await runCli([target, EHLO, CHECK, '--json']);
      const report = parseReport(run.stdout);
      await server.settled();

      expect(run.exitCode).toBe(0);
      expect(server.received[1]!.toString('latin1')).toBe(
        'EHLO probe.test\r\nMAIL FROM:<>\r\nQUIT\r\n',
      );
      expect(report.warnings).toMatchObject([
        {
          code: 'starttls-not-enforced',
          message: 'STARTTLS is not enforced: MAIL FROM:<> without TLS drew 250 2.1.0 Ok',
        },
      ]);
      const { enforcement } = report.starttlsPolicy;
      expect(enforcement).toMatchObject({
        status: 'accepted',
        reply: { code: 250 },
        problem: null,
      });
      expect(enforcement.exchanges.map((e: { command: string | null }) => e.command)).toEqual([
        null,
        'EHLO probe.test',
        'MAIL FROM:<>',
        'QUIT',
      ]);
      // The session's own exchanges stay those of the first connection.
      expect(report.exchanges.map((e: { stage: string }) => e.stage)).not.toContain('mail');
    },
  );

  it('when MAIL is refused for want of AUTH then the status is refused, not required', async () => {
    const { target, server } = await fake(
      tlsSession(EHLO_BEFORE_TLS, EHLO_INSIDE_TLS),
      plaintextMail(EHLO_BEFORE_TLS, REPLY_530_AUTH_REQUIRED),
    );
    const run = await runCli([target, EHLO, CHECK, '--json']);
    await server.settled();

    expect(parseReport(run.stdout).starttlsPolicy.enforcement.status).toBe('refused');
  });

  it(
    'when the second connection is refused at the ' + 'greeting then the status is unknown',
    async () => {
      const { target, server } = await fake(tlsSession(EHLO_BEFORE_TLS, EHLO_INSIDE_TLS), [
        send(GREETING_554),
        expectLine(/^QUIT$/),
        send(REPLY_221_BYE),
      ]);
      const run = await runCli([target, EHLO, CHECK, '--json']);
      const report = parseReport(run.stdout);
      await server.settled();

      expect(run.exitCode).toBe(0);
      expect(server.received[1]!.toString('latin1')).toBe('QUIT\r\n');
      expect(report.starttlsPolicy.enforcement).toMatchObject({
        status: 'unknown',
        reply: null,
        problem: expect.stringMatching(/^greeting refused \(permanent failure\): 554 /),
      });
    },
  );

  it(
    'when the server offers no STARTTLS then there is ' +
      'nothing to enforce and no second connection',
    async () => {
      const { target, server } = await fake([
        send(GREETING_220),
        expectLine(/^EHLO /),
        send(EHLO_NO_STARTTLS),
        expectLine(/^QUIT$/),
        send(REPLY_221_BYE),
        close(),
      ]);
      const run = await runCli([target, EHLO, CHECK, '--json']);
      await server.settled();
      const report = parseReport(run.stdout);

      expect(run.exitCode).toBe(0);
      expect(server.received).toHaveLength(1);
      expect(report.starttlsPolicy.enforcement).toMatchObject({
        status: 'unknown',
        problem: 'the server offers no STARTTLS: there is nothing to enforce',
      });
      expect(report.warnings.map((w: { code: string }) => w.code)).not.toContain(
        'starttls-not-enforced',
      );
    },
  );

  it('when the session itself fails then no second connection is made', async () => {
    const { target, server } = await fake([send(GREETING_554), expectLine(/^QUIT$/), close()]);
    const run = await runCli([target, EHLO, CHECK]);
    await server.settled();

    expect(run.exitCode).toBe(25);
    expect(server.received).toHaveLength(1);
    expect(run.stdout).not.toContain('second connection');
  });

  it('when --banner or implicit TLS is asked for too then it is a usage error', async () => {
    const banner = await runCli(['127.0.0.1:9', '--banner', CHECK]);
    const implicit = await runCli(['smtps://127.0.0.1:9', CHECK]);

    expect([banner.exitCode, implicit.exitCode]).toEqual([2, 2]);
    expect(banner.stderr).toContain('--check-starttls-enforced cannot go with --banner');
    expect(implicit.stderr).toContain('--check-starttls-enforced needs a plaintext start');
  });
});

describe('--check-starttls-enforced against smtp-server', () => {
  it(
    'when smtp-server is asked for MAIL without TLS ' + 'then the outcome is reported in JSON',
    async () => {
      const server = await startRealServer({ pair });
      servers.push(server);
      const run = await runCli([`127.0.0.1:${server.port}`, EHLO, CHECK, '--json']);
      const report = parseReport(run.stdout);

      expect(run.exitCode).toBe(0);
      // smtp-server accepts MAIL in plaintext (AUTH is optional in the helper).
      expect(report.starttlsPolicy.enforcement.status).toBe('accepted');
      // It offers AUTH before TLS and refuses it there only once the credentials have come.
      expect(report.starttlsPolicy.comparison.cleartextAuthBeforeTls).toEqual([
        'PLAIN',
        'LOGIN',
        'XOAUTH2',
      ]);
      expect(server.messages).toEqual([]);
    },
  );
});
