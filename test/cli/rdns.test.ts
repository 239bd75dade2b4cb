/**
 * The reverse DNS check of the connected address, against a DNS server of
 * the test's own on 127.0.0.1: PTR of 127.0.0.1, its forward confirmation,
 * and the names in the greeting and EHLO reply.
 */
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { dnsServerPerTest, type ZoneRecord } from '../helpers/dns-server.js';
import { close, expectLine, fakeServerPerTest, send, type Step } from '../helpers/fake-server.js';
import { parseReport } from '../helpers/schema.js';

const dns = dnsServerPerTest();
const { serve } = fakeServerPerTest();

const PTR_NAME = '1.0.0.127.in-addr.arpa';

function named(greetingName: string, ehloName: string): Step[] {
  return [
    send(`220 ${greetingName} ESMTP\r\n`),
    expectLine(/^EHLO /),
    send(`250 ${ehloName} hello\r\n`),
    expectLine(/^QUIT$/),
    send('221 Bye\r\n'),
    close(),
  ];
}

async function probe(zone: ZoneRecord[], script: Step[], ...extra: string[]) {
  const server = await dns(zone);
  const target = await serve(script);
  const args = [target, '--dns-server', server.address, '--ehlo', 'probe.example.test'];
  const run = await runCli([...args, '--json', ...extra]);
  return { run, report: parseReport(run.stdout), dns: server };
}

const CONFIRMED: ZoneRecord[] = [
  { name: PTR_NAME, type: 'PTR', data: 'mx.example.test' },
  { name: 'mx.example.test', type: 'A', data: '127.0.0.1' },
];

describe('reverse DNS', () => {
  it(
    'when the PTR resolves back and names the greeting ' + 'and EHLO host then nothing is warned',
    async () => {
      const { run, report } = await probe(CONFIRMED, named('mx.example.test', 'mx.example.test'));
      expect(run.exitCode).toBe(0);
      expect(report.rdns).toEqual({
        address: '127.0.0.1',
        ptrNames: ['mx.example.test'],
        forwardConfirmed: true,
        confirmedName: 'mx.example.test',
        greetingName: 'mx.example.test',
        ehloName: 'mx.example.test',
        matchesGreeting: true,
        matchesEhlo: true,
        lookupError: null,
      });
      expect(report.warnings.filter((w: { code: string }) => w.code.startsWith('rdns'))).toEqual(
        [],
      );
    },
  );

  it(
    'when the greeting and EHLO reply name another host then ' +
      'each mismatch is a warning, not a failure',
    async () => {
      const { run, report } = await probe(
        CONFIRMED,
        named('old.example.test', 'other.example.test'),
      );
      expect(run.exitCode).toBe(0);
      expect(report.rdns).toMatchObject({ matchesGreeting: false, matchesEhlo: false });
      const codes = report.warnings.map((w: { code: string }) => w.code);
      expect(codes).toEqual(
        expect.arrayContaining(['rdns-greeting-mismatch', 'rdns-ehlo-mismatch']),
      );
    },
  );

  it(
    'when the address has no PTR then a warning explains ' + 'why it matters for its outgoing mail',
    async () => {
      const zone: ZoneRecord[] = [{ name: 'mx.example.test', type: 'A', data: '127.0.0.1' }];
      const { run, report } = await probe(zone, named('mx.example.test', 'mx.example.test'));
      expect(run.exitCode).toBe(0);
      expect(report.rdns).toMatchObject({ ptrNames: [], forwardConfirmed: false });
      const missing = report.warnings.find((w: { code: string }) => w.code === 'rdns-missing');
      expect(missing.message).toBe(
        '127.0.0.1 has no PTR record: many receivers refuse or distrust mail from an address ' +
          'without reverse DNS, and this server most likely sends its outgoing mail from it',
      );
    },
  );

  it(
    'when the PTR name does not resolve back to the ' + 'address then it is not forward-confirmed',
    async () => {
      const zone: ZoneRecord[] = [
        { name: PTR_NAME, type: 'PTR', data: 'mx.example.test' },
        { name: 'mx.example.test', type: 'A', data: '127.0.0.9' },
      ];
      const { report } = await probe(zone, named('mx.example.test', 'mx.example.test'));
      expect(report.rdns).toMatchObject({ forwardConfirmed: false, matchesGreeting: true });
      const codes = report.warnings.map((w: { code: string }) => w.code);
      expect(codes).toContain('rdns-not-confirmed');
    },
  );

  it('when --no-rdns is given then no PTR is asked for', async () => {
    const { report, dns: server } = await probe(CONFIRMED, named('a.test', 'a.test'), '--no-rdns');
    expect(report.rdns).toBeNull();
    expect(server.queries).toEqual([]);
  });

  it(
    'when the PTR lookup gets SERVFAIL then the probe still ' +
      'passes and says the check was not made',
    async () => {
      const zone = [...CONFIRMED];
      const server = await dns(zone, { rcodes: { [PTR_NAME]: 'SERVFAIL' } });
      const target = await serve(named('mx.example.test', 'mx.example.test'));
      const run = await runCli([
        target,
        '--dns-server',
        server.address,
        '--ehlo',
        'probe.example.test',
      ]);
      expect(run.exitCode).toBe(0);
      expect(run.stdout).toContain('reverse DNS not checked: cannot resolve');
    },
  );
});

describe('reverse DNS within its limits', () => {
  it('when PTR names resolve nowhere then --deadline still ends the run on time', async () => {
    const names = Array.from({ length: 40 }, (_, i) => `n${i}.example.test`);
    const zone: ZoneRecord[] = names.map((name) => ({ name: PTR_NAME, type: 'PTR', data: name }));
    const server = await dns(zone, { silent: names });
    const target = await serve(named('mx.example.test', 'mx.example.test'));
    const started = performance.now();
    const args = ['--dns-server', server.address, '--connect-timeout', '3s', '--deadline', '1s'];
    const run = await runCli([target, ...args, '--ehlo', 'probe.example.test', '--json']);
    const report = parseReport(run.stdout);

    expect(performance.now() - started).toBeLessThan(2_500);
    expect(report.rdns.ptrNames).toHaveLength(5);
    expect(report.rdns.forwardConfirmed).toBe(false);
  });
});
