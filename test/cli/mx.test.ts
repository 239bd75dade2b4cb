/**
 * --mx end to end: a DNS server of the test's own on 127.0.0.1 serves the
 * zone, MX hosts resolve to 127.0.0.1 (and ::1), and the fake SMTP server
 * listens on the port given with --port. No query leaves loopback.
 */
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { dnsServerPerTest, type ZoneRecord } from '../helpers/dns-server.js';
import {
  close,
  expectLine,
  fakeServerPerTest,
  send,
  silent,
  startFakeServer,
} from '../helpers/fake-server.js';
import { parseReport } from '../helpers/schema.js';

const dns = dnsServerPerTest();
const { serve } = fakeServerPerTest();

const HEALTHY = [
  send('220 mx.example.test ESMTP\r\n'),
  expectLine(/^EHLO /),
  send('250 mx.example.test\r\n'),
  expectLine(/^QUIT$/),
  send('221 Bye\r\n'),
  close(),
];

const mx = (preference: number, exchange: string): ZoneRecord => ({
  name: 'example.test',
  type: 'MX',
  data: { preference, exchange },
});
const a = (name: string, address = '127.0.0.1'): ZoneRecord => ({ name, type: 'A', data: address });

/** Runs --mx against the zone, the SMTP side on `port`. */
async function probeMx(zone: ZoneRecord[], port: number, ...extra: string[]) {
  const server = await dns(zone);
  const args = ['--mx', 'example.test', '--dns-server', server.address, '--port', String(port)];
  const run = await runCli([...args, '--ehlo', 'probe.example.test', '--no-rdns', ...extra]);
  return { ...run, dns: server };
}

async function smtpPort(script = HEALTHY): Promise<number> {
  return Number((await serve(script)).split(':')[1]);
}

describe('smtp-probe --mx', () => {
  it(
    'when the MX records come out of order then they are ' +
      'tried by preference, equal ones as received',
    async () => {
      const port = await smtpPort();
      const zone = [mx(20, 'b.example.test'), mx(10, 'c.example.test'), mx(10, 'a.example.test')];
      const run = await probeMx(
        [...zone, a('a.example.test'), a('b.example.test'), a('c.example.test')],
        port,
        '-4',
        '--json',
      );
      const report = parseReport(run.stdout);
      expect(run.exitCode).toBe(0);
      expect(report.mx.records.map((r: { exchange: string }) => r.exchange)).toEqual([
        'b.example.test',
        'c.example.test',
        'a.example.test',
      ]);
      expect(report.mx.attempts.map((t: { host: string }) => t.host)).toEqual(['c.example.test']);
    },
  );

  it('when the domain has no MX then its own address is the implicit MX', async () => {
    const port = await smtpPort();
    const run = await probeMx([a('example.test')], port, '-4');
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toContain(
      "MX of example.test: none; the domain's own address is the implicit MX",
    );
    expect(run.stdout).toMatch(
      /result: OK: mail would be delivered to example\.test \(preference 0\)/,
    );
  });

  it('when the domain publishes the null MX then it exits 11 and connects nowhere', async () => {
    const run = await probeMx([mx(0, '.')], 1, '--json');
    const report = parseReport(run.stdout);
    expect(run.exitCode).toBe(11);
    expect(report.mx).toMatchObject({ nullMx: true, attempts: [], records: [{ exchange: '.' }] });
    expect(report.verdict.code).toBe('null-mx');
    expect(report.verdict.message).toBe(
      'example.test accepts no mail: its MX is the null MX (0 .)',
    );
  });

  it(
    'when the first MX refuses, the second is silent and the third ' +
      'works then the third is a backup (exit 0, warned)',
    async () => {
      const port = await smtpPort();
      const quiet = await startFakeServer([silent(3_000)], '127.0.0.3', port);
      try {
        const zone = [
          mx(10, 'refused.example.test'),
          mx(20, 'silent.example.test'),
          mx(30, 'good.example.test'),
          a('refused.example.test', '127.0.0.2'),
          a('silent.example.test', '127.0.0.3'),
          a('good.example.test'),
        ];
        const run = await probeMx(zone, port, '--timeout', '500ms', '--connect-timeout', '1s');
        expect(run.exitCode).toBe(0);
        const table = run.stdout
          .split('\n')
          .map((line) => line.trim())
          .filter((line) => /^\d+ +\S+\.example\.test/.test(line));
        expect(table.map((line) => line.replace(/ +/g, ' ').replace(/:\d+/, ':P'))).toEqual([
          '10 refused.example.test 127.0.0.2:P FAILED at connect 4 -',
          '20 silent.example.test 127.0.0.3:P FAILED at greeting 5 -',
          expect.stringMatching(/^30 good\.example\.test 127\.0\.0\.1:P OK 0 [\d.]+ ms$/),
        ]);
        expect(run.stdout).toContain(
          'only a backup MX answered well: good.example.test (preference 30)',
        );
        expect(run.stdout).toMatch(
          /result: OK: mail would be delivered to good\.example\.test \(preference 30\), a backup MX/,
        );
      } finally {
        await quiet.close();
      }
    },
  );

  it('when --all is given then every MX is probed even after a healthy one', async () => {
    const port = await smtpPort();
    const zone = [
      mx(10, 'one.example.test'),
      mx(20, 'two.example.test'),
      a('one.example.test'),
      a('two.example.test'),
    ];
    const run = await probeMx(zone, port, '--all', '--json');
    const report = parseReport(run.stdout);
    expect(run.exitCode).toBe(0);
    expect(report.mx.all).toBe(true);
    expect(report.mx.attempts.map((t: { host: string; ok: boolean }) => [t.host, t.ok])).toEqual([
      ['one.example.test', true],
      ['two.example.test', true],
    ]);
    expect(report.mx.backupOnly).toBe(false);
  });

  it(
    'when an MX host has an IPv6 and an IPv4 address then ' +
      'both are tried in turn, and -4/-6 keep one',
    async () => {
      const port = await smtpPort();
      const v6 = await startFakeServer(HEALTHY, '::1', port).catch(() => undefined);
      if (!v6) {
        console.warn('skipped the IPv6 part: ::1 is not available on this machine');
        return;
      }
      try {
        const zone = [
          mx(10, 'dual.example.test'),
          a('dual.example.test'),
          { name: 'dual.example.test', type: 'AAAA', data: '::1' } as const,
        ];
        const both = await probeMx(zone, port, '--all', '--json');
        const attempts = parseReport(both.stdout).mx.attempts;
        expect(attempts.map((t: { address: string; ok: boolean }) => [t.address, t.ok])).toEqual([
          ['::1', true],
          ['127.0.0.1', true],
        ]);
        const only4 = parseReport((await probeMx(zone, port, '--all', '--json', '-4')).stdout);
        const only6 = parseReport((await probeMx(zone, port, '--all', '--json', '-6')).stdout);
        expect(only4.mx.attempts.map((t: { address: string }) => t.address)).toEqual(['127.0.0.1']);
        expect(only6.mx.attempts.map((t: { address: string }) => t.address)).toEqual(['::1']);
      } finally {
        await v6.close();
      }
    },
  );

  it(
    'when an MX is an alias or an IP address then each ' + 'is warned about and still probed',
    async () => {
      const port = await smtpPort();
      const zone = [
        mx(10, 'alias.example.test'),
        mx(20, '127.0.0.1'),
        { name: 'alias.example.test', type: 'CNAME', data: 'real.example.test' } as const,
        a('real.example.test', '127.0.0.2'),
      ];
      const run = await probeMx(zone, port, '--json');
      const report = parseReport(run.stdout);
      expect(run.exitCode).toBe(0);
      expect(report.warnings.map((w: { code: string }) => w.code)).toEqual(
        expect.arrayContaining(['mx-ip-literal', 'mx-backup-only']),
      );
      expect(run.stdout).not.toContain('mx-cname');
      const text = await probeMx(zone, port);
      expect(text.stdout).toContain('the MX alias.example.test is an alias (CNAME)');
    },
  );

  it(
    'when the DNS server fails or is silent then the ' + 'run exits 3 and says so in words',
    async () => {
      const failing = await dns([mx(10, 'a.example.test')], {
        rcodes: { 'example.test': 'SERVFAIL' },
      });
      const servfail = await runCli(['--mx', 'example.test', '--dns-server', failing.address]);
      expect(servfail.exitCode).toBe(3);
      expect(servfail.stderr).toBe(
        `smtp-probe: cannot resolve example.test (MX): the DNS server could not answer (SERVFAIL), often a DNSSEC or delegation fault from ${failing.address}\n`,
      );

      const mute = await dns([], { silent: ['*'] });
      const args = [
        '--mx',
        'example.test',
        '--dns-server',
        mute.address,
        '--connect-timeout',
        '600ms',
      ];
      const silentRun = await runCli(args);
      expect(silentRun.exitCode).toBe(3);
      expect(silentRun.stderr).toBe(
        `smtp-probe: cannot resolve example.test (MX): no answer from ${mute.address} after 3 tries of 200 ms\n`,
      );
    },
  );

  it(
    'when --mx is given a host:port or several domains then ' +
      'it is a usage error and nothing is asked',
    async () => {
      const server = await dns([]);
      const run = await runCli(['--mx', 'example.test:25', '--dns-server', server.address]);
      expect(run.exitCode).toBe(2);
      expect(run.stderr).toContain('--mx takes a mail domain, not "example.test:25"');
      expect((await runCli(['--all', 'example.test'])).exitCode).toBe(2);
      expect(server.queries).toEqual([]);
    },
  );
});

describe('smtp-probe --mx --check-starttls-enforced', () => {
  it(
    'when asked with --mx then each attempt makes the ' + 'check (here: nothing to enforce)',
    async () => {
      const port = await smtpPort();
      const zone = [mx(10, 'a.example.test'), a('a.example.test')];
      const run = await probeMx(zone, port, '--check-starttls-enforced', '--json');
      const report = parseReport(run.stdout);

      expect(run.exitCode).toBe(0);
      expect(report.starttlsPolicy.enforcement).toMatchObject({
        status: 'unknown',
        problem: 'the server offers no STARTTLS: there is nothing to enforce',
      });
    },
  );

  it('when asked with --mx and --tls then it is a usage error', async () => {
    const run = await runCli(['--mx', 'example.test', '--tls', '--check-starttls-enforced']);

    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain('--check-starttls-enforced needs a plaintext start');
  });
});
