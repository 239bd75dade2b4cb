/**
 * Many probes in one run: --count with --interval, several targets side
 * by side (from the command line and --targets-file), their tables, JSON
 * documents and NDJSON events, and the worst exit status.
 */
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { makeCertificateAuthority } from '../helpers/certificates.js';
import { runCli } from '../helpers/cli.js';
import { startRealServer } from '../helpers/smtp-server.js';
import {
  close,
  delay,
  expectLine,
  send,
  silent,
  startFakeServer,
  type FakeServer,
  type Step,
} from '../helpers/fake-server.js';
import { parseEvents, parseOutput, type Parsed } from '../helpers/schema.js';
import { removeTempFiles, writeTempFile } from '../helpers/temp-files.js';
import { GREETING_220, GREETING_554, REPLY_221_BYE } from '../fixtures/replies.js';

const SLACK_MS = 80;
let servers: FakeServer[] = [];

afterEach(async () => {
  await Promise.all(servers.map((server) => server.close()));
  servers = [];
});

afterAll(removeTempFiles);

async function serve(script: readonly Step[]): Promise<string> {
  const server = await startFakeServer(script);
  servers.push(server);
  return `127.0.0.1:${server.port}`;
}

function banner(greetingDelayMs: number, greeting = GREETING_220): Step[] {
  return [
    delay(greetingDelayMs),
    send(greeting),
    expectLine(/^QUIT$/),
    send(REPLY_221_BYE),
    close(),
  ];
}

describe('--count', () => {
  it('when probed 3 times then the statistics reflect the injected greeting delay', async () => {
    const target = await serve(banner(120));
    const run = await runCli([target, '--banner', '--count', '3', '--interval', '0', '--json']);
    const repeat = parseOutput(run.stdout);

    expect(run.exitCode).toBe(0);
    expect(repeat).toMatchObject({ kind: 'repeat', count: 3, runs: 3, failures: 0, ok: true });
    expect(repeat.reports).toHaveLength(3);
    const greeting = repeat.statistics.stages.find((s: Parsed) => s.stage === 'greeting');
    expect(greeting.count).toBe(3);
    // The fake server shares the test's event loop: a stamp may come a few ms late.
    expect(greeting.minMs).toBeGreaterThanOrEqual(115);
    expect(greeting.maxMs).toBeLessThan(120 + SLACK_MS);
    expect(greeting.minMs).toBeLessThanOrEqual(greeting.medianMs);
    expect(greeting.medianMs).toBeLessThanOrEqual(greeting.p95Ms);
    expect(greeting.p95Ms).toBeLessThanOrEqual(greeting.maxMs);
  });

  it('when --interval is 250 ms then probes start at least that far apart', async () => {
    const target = await serve(banner(0));
    const run = await runCli([target, '--banner', '-c', '3', '--interval', '250ms', '--json']);
    const starts = parseOutput(run.stdout).reports.map((r: Parsed) => Date.parse(r.startedAt));

    expect(starts[1] - starts[0]).toBeGreaterThanOrEqual(249);
    expect(starts[2] - starts[1]).toBeGreaterThanOrEqual(249);
    expect(starts[2] - starts[0]).toBeLessThan(500 + 4 * SLACK_MS);
  });

  it('when some probes fail then they are counted and the exit status says so', async () => {
    // The fake server plays its script per connection: every probe gets 554 here.
    const target = await serve(banner(0, GREETING_554));
    const run = await runCli([target, '--banner', '-c', '2', '--interval', '0']);

    expect(run.exitCode).toBe(25);
    expect(run.stdout).toMatch(/1\/2: FAILED at greeting: greeting refused/);
    expect(run.stdout).toContain(': 2 probes, 2 failed (exit 25)');
  });

  it('when probed in text then each probe is one line and the table closes', async () => {
    const target = await serve(banner(0));
    const run = await runCli([target, '--banner', '-c', '2', '--interval', '0']);
    const lines = run.stdout.split('\n');

    expect(run.exitCode).toBe(0);
    expect(lines[0]).toMatch(/^127\.0\.0\.1:\d+ 1\/2: OK · connect \S+ \S+ · greeting .* total /);
    expect(lines[1]).toMatch(/ 2\/2: OK · /);
    expect(run.stdout).toMatch(
      /: 2 probes, none failed \(exit 0\)\n {2}stage +probes +min +median/,
    );
    expect(run.stdout).toMatch(/\n {2}total +2 /);
  });

  it('when interrupted then no further probe starts and the exit status is 130', async () => {
    const target = await serve(banner(0));
    const controller = new AbortController();
    const out = { text: '', write: (t: string) => (out.text += t) };
    setTimeout(() => controller.abort('SIGINT'), 150);
    const exitCode = await main(
      [target, '--banner', '-c', '100', '--interval', '100ms', '--json'],
      { stdout: out, stderr: { write: () => true }, env: {} },
      controller.signal,
    );
    const repeat = parseOutput(out.text);

    expect(exitCode).toBe(130);
    expect(repeat.runs).toBeLessThan(5);
    expect(repeat.ok).toBe(false);
  });
});

describe('--count over TLS', () => {
  it(
    'when smtp-server is probed twice with STARTTLS ' + 'then each probe has its TLS figures',
    async () => {
      const authority = await makeCertificateAuthority();
      const pair = await authority.issue({ names: ['mx.probe.test'], ips: ['127.0.0.1'] });
      const caFile = writeTempFile('batch-ca.pem', authority.cert);
      const real = await startRealServer({ pair });
      try {
        const target = `127.0.0.1:${real.port}`;
        const args = ['--ehlo=probe.test', '--ca', caFile, '-c', '2', '--interval', '0', '--json'];
        const repeat = parseOutput((await runCli([target, ...args])).stdout);

        expect(repeat).toMatchObject({ ok: true, runs: 2, failures: 0 });
        const stages = repeat.statistics.stages.map((s: Parsed) => s.stage);
        expect(stages).toEqual([
          'connect',
          'greeting',
          'ehlo',
          'starttls',
          'tls',
          'ehlo_tls',
          'quit',
        ]);
        for (const report of repeat.reports) {
          expect(report.tls.verification.trusted).toBe(true);
        }
      } finally {
        await real.close();
      }
    },
  );
});

describe('--deadline over many probes', () => {
  it(
    'when the probes would take longer than ' + '--deadline then the whole run ends there',
    async () => {
      const target = await serve(banner(0));
      const started = performance.now();
      const args = ['--banner', '-c', '10', '--interval', '300ms', '--deadline', '700ms', '--json'];
      const run = await runCli([target, ...args]);
      const repeat = parseOutput(run.stdout);

      expect(performance.now() - started).toBeLessThan(2_000);
      expect(run.exitCode).toBe(5);
      expect(repeat.runs).toBeLessThan(5);
    },
  );

  it('when interrupted before any probe then a repeat document with no probes comes', async () => {
    const controller = new AbortController();
    controller.abort('SIGINT');
    const out = { text: '', write: (t: string) => (out.text += t) };
    const exitCode = await main(
      ['127.0.0.1:1', '--banner', '-c', '3', '--json'],
      { stdout: out, stderr: { write: () => true }, env: {} },
      controller.signal,
    );

    expect(exitCode).toBe(130);
    const repeat = parseOutput(out.text);
    expect(repeat).toMatchObject({
      kind: 'repeat',
      runs: 1,
      failures: 1,
      ok: false,
      exitCode: 130,
    });
    expect(repeat.reports[0].verdict).toMatchObject({ code: 'interrupted' });
  });
});

describe('interrupted between probes', () => {
  it.each([
    [['--format', 'nagios'], 3, /^SMTP UNKNOWN - .*interrupted .*probe 2 of 10/],
    [['-q'], 130, /INTERRUPTED/],
    [['--json'], 130, /"exitCode": 130/],
    [['--format', 'prometheus'], 130, /^smtp_probe_success\{target="[^"]+"\} 0$/m],
  ])(
    'when %j is interrupted in the wait then the run does not read as passed',
    async (args, code, said) => {
      const target = await serve(banner(0));
      const controller = new AbortController();
      const out = { text: '', write: (t: string) => (out.text += t) };
      setTimeout(() => controller.abort('SIGINT'), 300);
      const exitCode = await main(
        [target, '--banner', '-c', '10', '--interval', '2s', ...args],
        { stdout: out, stderr: { write: () => true }, env: {} },
        controller.signal,
      );

      expect(exitCode).toBe(code);
      expect(out.text).toMatch(said);
    },
  );

  it('when targets never started then each is listed as interrupted', async () => {
    const slow = await serve([silent(5_000)]);
    const other = await serve(banner(0));
    const controller = new AbortController();
    const out = { text: '', write: (t: string) => (out.text += t) };
    setTimeout(() => controller.abort('SIGINT'), 300);
    const args = [slow, other, '--banner', '--concurrency', '1', '--json'];
    const exitCode = await main(
      args,
      { stdout: out, stderr: { write: () => true }, env: {} },
      controller.signal,
    );
    const reports = parseOutput(out.text);

    expect(exitCode).toBe(130);
    expect(reports.map((r: Parsed) => [r.target.display, r.verdict?.code])).toEqual([
      [slow, 'interrupted'],
      [other, 'interrupted'],
    ]);
  });
});

describe('several targets', () => {
  it(
    'when one of three fails then the table shows each ' + 'and the worst exit status wins',
    async () => {
      const good = await serve(banner(0));
      const refusing = await serve(banner(0, GREETING_554));
      const run = await runCli([good, '127.0.0.1:1', refusing, '--banner']);

      expect(run.exitCode).toBe(4);
      const table = run.stdout.slice(run.stdout.lastIndexOf('target '));
      expect(table.split('\n').slice(0, 4)).toEqual([
        expect.stringMatching(/^target +result +exit +total +greeting$/),
        expect.stringMatching(new RegExp(`^${good} +OK +0 +\\S+ \\S+ +\\S+ \\S+$`)),
        expect.stringMatching(/^127\.0\.0\.1:1 +FAILED at connect +4 +\S+ \S+ +-$/),
        expect.stringMatching(new RegExp(`^${refusing} +FAILED at greeting +25 `)),
      ]);
    },
  );

  it(
    'when JSON is asked for then an array holds one ' + 'valid report per target, in order',
    async () => {
      const good = await serve(banner(0));
      const silentServer = await serve([silent(2_000)]);
      const run = await runCli([good, silentServer, '--banner', '--json', '--timeout', '200ms']);
      const reports = parseOutput(run.stdout);

      expect(run.exitCode).toBe(5);
      expect(reports.map((r: Parsed) => [r.target.display, r.exitCode])).toEqual([
        [good, 0],
        [silentServer, 5],
      ]);
    },
  );

  it('when NDJSON is asked for then every event names its target and probe', async () => {
    const first = await serve(banner(0));
    const second = await serve(banner(0));
    const run = await runCli([
      first,
      second,
      '--banner',
      '--format',
      'ndjson',
      '-c',
      '2',
      '--interval',
      '0',
    ]);
    const events = parseEvents(run.stdout);

    expect(new Set(events.map((e) => e.target))).toEqual(new Set([first, second]));
    const reports = events.filter((e) => e.event === 'report');
    expect(reports.map((e) => `${e.target} ${e.probe}`).sort()).toEqual(
      [`${first} 1`, `${first} 2`, `${second} 1`, `${second} 2`].sort(),
    );
    expect(events.filter((e) => e.event === 'repeat')).toHaveLength(2);
  });

  it('when targets come from a file then comments and blank lines are skipped', async () => {
    const good = await serve(banner(0));
    const file = writeTempFile('targets', `# mail hosts\n\n${good}  # primary\n127.0.0.1:1\n`);
    const run = await runCli(['--targets-file', file, '--banner', '-q']);

    expect(run.exitCode).toBe(4);
    expect(run.stdout.trim().split('\n')).toHaveLength(3);
  });

  it('when a targets file has a bad line then the error names the file and line', async () => {
    const file = writeTempFile('bad-targets', '127.0.0.1:1\n# fine\nnot a host!\n');
    const run = await runCli(['--targets-file', file, '--banner']);

    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain(`${file}:3: `);
  });

  it('when two targets files are given then both are read', async () => {
    const first = writeTempFile('t1', '127.0.0.1:1\n');
    const second = writeTempFile('t2', '# none here\n');
    const run = await runCli(['--targets-file', first, '--targets-file', second, '-q']);
    const none = await runCli(['--targets-file', second]);

    expect(run.exitCode).toBe(4);
    expect(none.stderr).toContain(
      `no target: name a host, or give --targets-file (${second} named none)`,
    );
  });

  it('when --concurrency is 1 then targets are probed one after another', async () => {
    const first = await serve(banner(150));
    const second = await serve(banner(150));
    const run = await runCli([first, second, '--banner', '--json', '--concurrency', '1']);
    const [a, b] = parseOutput(run.stdout);

    expect(Date.parse(b.startedAt) - Date.parse(a.startedAt)).toBeGreaterThanOrEqual(150);
  });
});

describe('several targets for monitoring', () => {
  it(
    'when one of two fails then the Nagios line is ' +
      'CRITICAL and its perfdata names each target',
    async () => {
      const good = await serve(banner(0));
      const run = await runCli([good, '127.0.0.1:1', '--banner', '--format', 'nagios']);

      expect(run.exitCode).toBe(2);
      expect(run.stderr).toBe('');
      const [status, perfdata] = run.stdout.trimEnd().split(' | ');
      expect(status).toMatch(
        /^SMTP CRITICAL - 2 targets, 1 not OK; 127\.0\.0\.1:1 failed at connect \(exit 4\): /,
      );
      expect(perfdata).toContain(`'${good} greeting'=`);
      expect(perfdata).toContain(`'127.0.0.1:1 total'=`);
      expect(run.stdout.split('\n')).toHaveLength(2);
    },
  );

  it(
    'when a target is probed 3 times and all pass then ' + 'the Nagios line is OK and counts them',
    async () => {
      const target = await serve(banner(0));
      const args = [target, '--banner', '--format', 'nagios', '-c', '3', '--interval', '0'];
      const run = await runCli(args);

      expect(run.exitCode).toBe(0);
      expect(run.stdout).toMatch(/^SMTP OK - 127\.0\.0\.1:\d+ 3 probes, median \S+s \| /);
      expect(run.stdout).toMatch(/ 'greeting'=\S+s;;;0 .*'failed'=0;;;0\n$/);
    },
  );

  it('when the median greeting passes a warning threshold then the line is WARNING', async () => {
    const target = await serve(banner(60));
    const args = ['--banner', '--format', 'nagios', '-c', '3', '--interval', '0'];
    const run = await runCli([target, ...args, '--warning', 'greeting=10ms']);

    expect(run.exitCode).toBe(1);
    expect(run.stdout).toMatch(/^SMTP WARNING - \S+ 3 probes, median \S+; greeting \S+ > 0\.01s/);
  });

  it('when one probe of two fails then the line is CRITICAL and counts the failure', async () => {
    const target = await serve([
      send(GREETING_220),
      expectLine(/^QUIT$/),
      send(REPLY_221_BYE),
      close(),
    ]);
    const args = ['--banner', '--format', 'nagios', '-c', '2', '--interval', '400ms'];
    setTimeout(() => void servers[0]!.close(), 200);
    const run = await runCli([target, ...args]);

    expect(run.exitCode).toBe(2);
    expect(run.stdout).toMatch(
      /^SMTP CRITICAL - \S+ 1 of 2 probes failed; the last failed at connect/,
    );
    expect(run.stdout).toMatch(/'failed'=1;;;0\n$/);
  });
});

describe('batch usage errors', () => {
  it.each([
    [['--banner'], 'no target'],
    [['127.0.0.1:1', '--count', '0'], 'invalid --count "0"'],
    [['127.0.0.1:1', '--count', '10001'], 'from 1 to 10000'],
    [['127.0.0.1:1', '--interval', '-5'], 'invalid --interval'],
    [['127.0.0.1:1', '--interval', '5'], '--interval 5: give a unit, say 5ms or 5s'],
    [['127.0.0.1:1', '127.0.0.1:1'], 'target 127.0.0.1:1 is given twice'],
    [['127.0.0.1:1', '--concurrency', '65'], 'from 1 to 64'],
    [['--targets-file', '/nonexistent/targets'], 'no such file'],
    [['--targets-file', '/dev/null'], 'not a regular file'],
    [['127.0.0.1:1', 'bad host!'], 'bad host!'],
    [['127.0.0.1:1', '127.0.0.2:1', '-c', '6000'], '2 targets × --count 6000 = 12000 probes'],
  ])('when %j then it is refused before connecting', async (args, said) => {
    const run = await runCli(args);

    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain(said);
  });
});
