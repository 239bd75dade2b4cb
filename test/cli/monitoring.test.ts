import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { close, expectLine, fakeServerPerTest, send } from '../helpers/fake-server.js';
import {
  BROKEN_TLS_SESSION,
  DELAYED_SESSION,
  EHLO_DELAY_MS,
  GREETING_DELAY_MS,
  REFUSED_SESSION,
  SILENT_SESSION,
  SLACK_MS,
} from '../helpers/monitoring-scripts.js';
import { parseStatusLine, perfItem } from '../helpers/perfdata.js';

const EHLO = '--ehlo=probe.test';
const NAGIOS = ['--format', 'nagios'];
const { serve } = fakeServerPerTest();

/** Asserts a measured time lies between the injected delay and the delay plus slack. */
// The fake server shares the test's event loop: on a busy machine the
// connect can be stamped a few ms late, so a figure may read a little
// under the injected delay; scheduling otherwise only adds to it.
function expectNear(seconds: number, delayMs: number): void {
  expect(seconds * 1000).toBeGreaterThanOrEqual(delayMs - 5);
  expect(seconds * 1000).toBeLessThanOrEqual(delayMs + SLACK_MS);
}

/** A loopback port with nothing listening: bound, then closed. */
async function closedPort(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `127.0.0.1:${port}`;
}

describe('--format nagios against the fake server', () => {
  it(
    'when the greeting and EHLO reply are delayed ' + 'then perfdata reports those delays',
    async () => {
      const run = await runCli([await serve(DELAYED_SESSION), EHLO, ...NAGIOS]);
      const status = parseStatusLine(run.stdout);

      expect(run.exitCode).toBe(0);
      expect(run.stderr).toBe('');
      expect(status.state).toBe('OK');
      expectNear(perfItem(status, 'greeting').value, GREETING_DELAY_MS);
      expectNear(perfItem(status, 'ehlo').value, EHLO_DELAY_MS);
      expect(perfItem(status, 'total').value * 1000).toBeGreaterThanOrEqual(
        GREETING_DELAY_MS + EHLO_DELAY_MS,
      );
    },
  );

  it('when the greeting is later than --warning greeting then it is WARNING, exit 1', async () => {
    const args = [EHLO, ...NAGIOS, '--warning', 'greeting=100ms', '--critical', 'greeting=5s'];
    const run = await runCli([await serve(DELAYED_SESSION), ...args]);
    const status = parseStatusLine(run.stdout);

    expect(run.exitCode).toBe(1);
    expect(status.state).toBe('WARNING');
    // 200 ms injected: the in-process server shares the event loop, so a
    // few ms early or a tenth late (a loaded machine) are both seen.
    const greeting = /; greeting (\d+\.\d+)s > 0\.1s \(warning\)$/.exec(status.text);
    expect(Number(greeting?.[1])).toBeGreaterThanOrEqual(0.195);
    expect(Number(greeting?.[1])).toBeLessThan(1);
    expect(perfItem(status, 'greeting')).toMatchObject({ warn: '0.1', crit: '5', min: '0' });
  });

  it('when the total passes --critical then it is CRITICAL, exit 2', async () => {
    const run = await runCli([
      await serve(DELAYED_SESSION),
      EHLO,
      ...NAGIOS,
      '--critical',
      '300ms',
    ]);

    expect(run.exitCode).toBe(2);
    expect(run.stdout).toMatch(/^SMTP CRITICAL - .*; total 0\.\d+s > 0\.3s \(critical\) \| /);
  });

  it.each([
    [
      'the greeting is refused',
      REFUSED_SESSION,
      [],
      /failed at greeting \(exit 25\): greeting refused/,
    ],
    [
      'no greeting comes',
      SILENT_SESSION,
      ['--timeout', '300ms'],
      /failed at greeting \(exit 5\): /,
    ],
    ['TLS fails', BROKEN_TLS_SESSION, [], /failed at TLS \(exit 6\): /],
    [
      'an --expect is not met',
      DELAYED_SESSION,
      ['--expect', 'greeting=/Postfix/'],
      /failed at greeting \(exit 10\): /,
    ],
  ])('when %s then it is CRITICAL with the stage', async (_what, script, args, reason) => {
    const run = await runCli([await serve(script), EHLO, ...NAGIOS, ...args]);
    const status = parseStatusLine(run.stdout);

    expect(run.exitCode).toBe(2);
    expect(run.stderr).toBe('');
    expect(status.state).toBe('CRITICAL');
    expect(status.text).toMatch(reason);
    expect(perfItem(status, 'total').uom).toBe('s');
  });

  it('when the connection is refused then it is CRITICAL at connect', async () => {
    const run = await runCli([await closedPort(), EHLO, ...NAGIOS]);

    expect(run.exitCode).toBe(2);
    expect(run.stderr).toBe('');
    expect(parseStatusLine(run.stdout).text).toMatch(/failed at connect \(exit 4\): /);
  });
});

describe('--format nagios usage errors', () => {
  it.each([
    [['--format', 'nagios', '--bogus'], "usage: unknown option '--bogus'"],
    [['--format=nagios', '--warning', 'gretting=1s'], 'usage: invalid --warning "gretting=1s"'],
    [['--format', 'nagios', '--timeout', 'soon'], 'usage: invalid --timeout "soon"'],
    [['--format', 'nagios', '--json'], 'usage: --json and --format nagios ask for two formats'],
    [['--format', 'nagios', '--warning', '1s', '--warning', '2s'], 'usage: --warning 2s: a second'],
  ])('when given %j then one UNKNOWN line and exit 3', async (args, start) => {
    const run = await runCli(['127.0.0.1:9', ...args]);

    expect(run.exitCode).toBe(3);
    expect(run.stderr).toBe('');
    expect(run.stdout.split('\n')).toHaveLength(2);
    expect(run.stdout.startsWith(`SMTP UNKNOWN - ${start}`)).toBe(true);
  });

  it(
    'when a threshold is given without --format nagios ' + 'then it is a usage error, exit 2',
    async () => {
      const run = await runCli(['127.0.0.1:9', '--warning', '2s', '--format', 'json']);

      expect(run.exitCode).toBe(2);
      expect(run.stdout).toBe('');
      expect(run.stderr).toContain('--warning 2s: thresholds need --format nagios');
    },
  );
});

describe('--format prometheus against the fake server', () => {
  it('when the greeting and EHLO reply are delayed then the stage durations say so', async () => {
    const target = await serve(DELAYED_SESSION);
    const run = await runCli([target, EHLO, '--format', 'prometheus']);
    const sample = (name: string): number => {
      const match = new RegExp(`^${name} (\\S+)$`, 'm').exec(run.stdout);
      return Number(match?.[1]);
    };
    const stage = (name: string): string =>
      `smtp_probe_stage_duration_seconds\\{target="${target}",stage="${name}"\\}`;

    expect(run.exitCode).toBe(0);
    expect(run.stderr).toBe('');
    expectNear(sample(stage('greeting')), GREETING_DELAY_MS);
    expectNear(sample(stage('ehlo')), EHLO_DELAY_MS);
    expect(sample(`smtp_probe_success\\{target="${target}"\\}`)).toBe(1);
    expect(sample(`smtp_probe_last_reply_code\\{target="${target}"\\}`)).toBe(250);
  });

  it('when the greeting is refused then success is 0 with the stage and exit code', async () => {
    const target = await serve(REFUSED_SESSION);
    const run = await runCli([target, EHLO, '--format', 'prometheus']);

    expect(run.exitCode).toBe(25);
    expect(run.stderr).toBe('');
    expect(run.stdout).toContain(`smtp_probe_success{target="${target}"} 0\n`);
    expect(run.stdout).toContain(
      `smtp_probe_failure_info{target="${target}",stage="greeting",kind="reply-refused"} 1\n`,
    );
    expect(run.stdout).toContain(`smtp_probe_exit_code{target="${target}"} 25\n`);
  });
});

describe('--format json against the fake server', () => {
  it('when the greeting and EHLO reply are delayed then the timings say so', async () => {
    const run = await runCli([await serve(DELAYED_SESSION), EHLO, '--json']);
    const report = JSON.parse(run.stdout) as { timings: { stage: string; ms: number }[] };
    const ms = (stage: string): number => report.timings.find((t) => t.stage === stage)!.ms;

    expectNear(ms('greeting') / 1000, GREETING_DELAY_MS);
    expectNear(ms('ehlo') / 1000, EHLO_DELAY_MS);
  });
});

describe('--format nagios and a server that is unwell although the probe passed', () => {
  it('when the server says 421 unasked before QUIT then the check is a WARNING', async () => {
    const target = await serve([
      send('220 mx.probe.test ESMTP\r\n'),
      expectLine(/^EHLO /),
      send('250 mx.probe.test\r\n421 4.7.0 Too many errors, closing\r\n'),
      close(),
    ]);
    const text = await runCli([target, EHLO]);
    const nagios = await runCli([target, EHLO, ...NAGIOS]);

    expect(text.exitCode).toBe(0);
    expect(text.stdout).toContain(
      '!! the server said 421 4.7.0 Too many errors, closing unasked, before QUIT',
    );
    expect(nagios.exitCode).toBe(1);
    expect(nagios.stdout).toMatch(/^SMTP WARNING - .*421 4\.7\.0 Too many errors, closing unasked/);
  });
});

describe('--format prometheus and a refusal', () => {
  it('when the greeting is 554 then the last reply code is 554, not the 221 to QUIT', async () => {
    const target = await serve(REFUSED_SESSION);
    const run = await runCli([target, '--format', 'prometheus']);

    expect(run.exitCode).toBe(25);
    expect(run.stdout).toMatch(/^smtp_probe_last_reply_code\{target="[^"]+"\} 554$/m);
  });
});
