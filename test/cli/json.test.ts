/**
 * --json and --format ndjson: every document is checked against the
 * published schema, and the figures in it against what the fake server
 * was scripted to do (known delays, exact bytes).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeCertificateAuthority, type CertificatePair } from '../helpers/certificates.js';
import { runCli } from '../helpers/cli.js';
import {
  close,
  delay,
  expectLine,
  fakeServerPerTest,
  send,
  silent,
  type Step,
} from '../helpers/fake-server.js';
import { tlsSession } from '../helpers/monitoring-scripts.js';
import { parseEvents, parseReport, type Parsed } from '../helpers/schema.js';
import { removeTempFiles, writeTempFile } from '../helpers/temp-files.js';
import { EHLO_PLAIN, GREETING_220, REPLY_221_BYE } from '../fixtures/replies.js';

const EHLO = '--ehlo=probe.test';
const { serve } = fakeServerPerTest();

// The fake server runs in the test's own process: a busy event loop can
// stamp the connect a few ms late, so the figure may read a little under
// the injected delay; scheduling otherwise only adds to it.
const EARLY_MS = 5;
const SLACK_MS = 80;

let pair: CertificatePair;
let caFile: string;

beforeAll(async () => {
  const authority = await makeCertificateAuthority();
  pair = await authority.issue({ names: ['mx.probe.test'], ips: ['127.0.0.1'] });
  caFile = writeTempFile('json-ca.pem', authority.cert);
});

afterAll(removeTempFiles);

function slowSession(greetingMs: number, ehloMs: number): Step[] {
  return [
    delay(greetingMs),
    send(GREETING_220),
    expectLine(/^EHLO probe\.test$/),
    delay(ehloMs),
    send(EHLO_PLAIN),
    expectLine(/^QUIT$/),
    send(REPLY_221_BYE),
    close(),
  ];
}

function expectNear(reported: number, injected: number): void {
  expect(reported).toBeGreaterThanOrEqual(injected - EARLY_MS);
  expect(reported).toBeLessThan(injected + SLACK_MS);
}

describe('--json', () => {
  it('when the server answers slowly then the document reports the injected delays', async () => {
    const target = await serve(slowSession(200, 150));
    const run = await runCli([target, EHLO, '--json']);
    const report = parseReport(run.stdout);

    expect(run.exitCode).toBe(0);
    expect(run.stderr).toBe('');
    expect(report).toMatchObject({ ok: true, exitCode: 0, verdict: null, mode: 'session' });
    const [greeting, ehlo, quit] = report.exchanges;
    expectNear(greeting.latencyMs, 200);
    expectNear(ehlo.latencyMs, 150);
    expect(ehlo.sentAtMs).toBeGreaterThanOrEqual(200);
    expect(ehlo.receivedAtMs - ehlo.sentAtMs).toBeCloseTo(ehlo.latencyMs, 0);
    expect(quit.command).toBe('QUIT');
    expectNear(report.totalMs, 350);

    const timing = (stage: string) => report.timings.find((t: Parsed) => t.stage === stage).ms;
    expectNear(timing('greeting'), 200);
    expectNear(timing('ehlo'), 150);
  });

  it('when the session completes then every exchange has its command and reply', async () => {
    const target = await serve(slowSession(0, 0));
    const report = parseReport((await runCli([target, EHLO, '--json'])).stdout);

    expect(report.exchanges.map((e: Parsed) => [e.stage, e.command, e.reply.code])).toEqual([
      ['greeting', null, 220],
      ['ehlo', 'EHLO probe.test', 250],
      ['quit', 'QUIT', 221],
    ]);
    expect(report.greeting.lines).toEqual(['220 mx.probe.test ESMTP ready']);
    expect(report.exchanges[2].reply).toMatchObject({
      class: 'success',
      enhancedStatus: '2.0.0',
      text: '2.0.0 Bye',
    });
    expect(report.extensions.beforeTls.map((e: Parsed) => e.keyword)).toEqual([
      'PIPELINING',
      'SIZE',
      '8BITMIME',
    ]);
    expect(report.extensions.afterTls).toBeNull();
    expect(report.warnings.map((w: Parsed) => w.code)).toEqual(['no-starttls']);
  });

  it('when STARTTLS runs then TLS and the extensions on both sides are reported', async () => {
    const target = await serve(tlsSession(pair));
    const report = parseReport((await runCli([target, EHLO, '--ca', caFile, '--json'])).stdout);

    expect(report.ok).toBe(true);
    expect(report.tls.protocol).toMatch(/^TLSv1\.[23]$/);
    expect(report.tls.verification).toMatchObject({ trusted: true, nameMatches: true });
    expect(report.tls.certificate.daysLeft).toBeGreaterThan(0);
    expect(report.extensions.beforeTls.map((e: Parsed) => e.keyword)).toContain('STARTTLS');
    expect(report.extensions.afterTls.map((e: Parsed) => e.keyword)).toContain('AUTH');
    expect(report.exchanges.filter((e: Parsed) => e.secure).map((e: Parsed) => e.stage)).toEqual([
      'ehlo',
      'quit',
    ]);
  });

  it(
    'when the server goes silent then the verdict ' + 'names the stage and nothing is lost',
    async () => {
      const target = await serve([send('220-mx.probe.test says\r\n'), silent(2_000)]);
      const run = await runCli([target, EHLO, '--json', '--timeout', '300ms']);
      const report = parseReport(run.stdout);

      expect(run.exitCode).toBe(5);
      expect(report).toMatchObject({ ok: false, exitCode: 5 });
      expect(report.verdict).toMatchObject({ code: 'timeout', stage: 'greeting' });
      expect(report.verdict.received).toEqual(['220-mx.probe.test says']);
      expect(report.exchanges).toEqual([]);
    },
  );

  it(
    'when a reply holds terminal escapes and bytes that are ' +
      'not UTF-8 then JSON keeps them exactly',
    async () => {
      const hostile = Buffer.from('220 mx \x1b[2J\x1b]0;owned\x07 \x9b31m\r\n', 'latin1');
      const target = await serve([send(hostile), expectLine(/^QUIT$/), send(REPLY_221_BYE)]);
      const run = await runCli([target, '--banner', '--json']);
      const report = parseReport(run.stdout);

      expect(run.stdout).not.toMatch(/[\x1b\x07\x9b]/);
      expect(report.greeting.lines[0]).toContain('\x1b[2J\x1b]0;owned\x07');
      expect(Buffer.from(report.greeting.linesBase64[0], 'base64')).toEqual(hostile);
    },
  );

  it('when QUIT is never answered then its exchange is kept with no reply', async () => {
    const target = await serve([send(GREETING_220), expectLine(/^QUIT$/), close()]);
    const report = parseReport((await runCli([target, '--banner', '--json'])).stdout);

    expect(report.exchanges.at(-1)).toMatchObject({ stage: 'quit', command: 'QUIT', reply: null });
  });

  it('when the port is closed then a document still comes, with exit 4', async () => {
    const run = await runCli(['127.0.0.1:1', '--json']);
    const report = parseReport(run.stdout);

    expect(run.exitCode).toBe(4);
    expect(report).toMatchObject({ ok: false, address: null, greeting: null });
    expect(report.verdict).toMatchObject({ code: 'connect-failed', stage: 'connect' });
  });
});

describe('--format ndjson', () => {
  it('when the session runs then each event is a line and the report comes last', async () => {
    const target = await serve(slowSession(100, 0));
    const run = await runCli([target, EHLO, '--format', 'ndjson']);
    const events = parseEvents(run.stdout);

    expect(events.map((e) => e.event)).toEqual([
      'connected',
      'reply',
      'command',
      'reply',
      'warning',
      'command',
      'reply',
      'report',
    ]);
    const [, greeting] = events;
    expectNear(greeting!.latencyMs, 100);
    expect(greeting!.atMs).toBeGreaterThanOrEqual(100 - EARLY_MS);
    const report = events.at(-1)!.report;
    expect(report.exchanges).toHaveLength(3);
    expect(report.exitCode).toBe(0);
  });

  it('when the run fails then a failed event precedes the report', async () => {
    const target = await serve([send('554 5.7.1 go away\r\n'), expectLine(/^QUIT$/), close()]);
    const run = await runCli([target, '--format', 'ndjson']);
    const events = parseEvents(run.stdout);

    expect(run.exitCode).toBe(25);
    expect(events.find((e) => e.event === 'failed')!.error).toMatchObject({
      code: 'reply-refused',
      stage: 'greeting',
      exitCode: 25,
    });
    expect(events.at(-1)!.event).toBe('report');
  });
});

describe('--json with other options', () => {
  it('when both --json and --format prometheus are given then it is a usage error', async () => {
    const run = await runCli(['127.0.0.1:1', '--json', '--format', 'prometheus']);

    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain('--json and --format prometheus ask for two formats');
  });

  it('when both --json and --format nagios are given then the check is UNKNOWN', async () => {
    const run = await runCli(['127.0.0.1:1', '--json', '--format', 'nagios']);

    expect(run.exitCode).toBe(3);
    expect(run.stdout).toMatch(/^SMTP UNKNOWN - .*--json and --format nagios ask for two formats/);
  });
});
