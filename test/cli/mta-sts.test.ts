/**
 * MTA-STS with --mx: the TXT record from a DNS server of the test's own,
 * the policy from an HTTPS server on 127.0.0.1 (its port through the test
 * hook SMTP_PROBE_MTA_STS_PORT, the host still mta-sts.DOMAIN resolved by
 * that DNS server), its certificate issued by a CA made for the run.
 */
import { createServer, type Server } from 'node:https';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { makeCertificateAuthority, type CertificatePair } from '../helpers/certificates.js';
import { dnsServerPerTest, type ZoneRecord } from '../helpers/dns-server.js';
import {
  close,
  expectLine,
  fakeServerPerTest,
  send,
  startFakeServer,
  type FakeServer,
  type Step,
} from '../helpers/fake-server.js';
import { parseReport } from '../helpers/schema.js';
import { tlsSession } from '../helpers/monitoring-scripts.js';
import { removeTempFiles, writeTempFile } from '../helpers/temp-files.js';
import {
  EHLO_PLAIN,
  EHLO_WITH_STARTTLS,
  GREETING_220,
  REPLY_220_STARTTLS,
  REPLY_221_BYE,
} from '../fixtures/replies.js';

const dns = dnsServerPerTest();
const { serve } = fakeServerPerTest();
const DOMAIN = 'example.test';
const MX = 'mx.example.test';
const POLICY_HOST = `mta-sts.${DOMAIN}`;

let policyCert: CertificatePair;
let mxCert: CertificatePair;
let otherCert: CertificatePair;
let caFile: string;
let https: Server | undefined;

beforeAll(async () => {
  const ca = await makeCertificateAuthority('mta-sts test CA');
  policyCert = await ca.issue({ names: [POLICY_HOST] });
  mxCert = await ca.issue({ names: [MX] });
  otherCert = await ca.issue({ names: ['other.example.test'] });
  caFile = writeTempFile('mta-sts-ca.pem', ca.cert);
});

afterEach(async () => {
  await new Promise<void>((resolve) => (https ? https.close(() => resolve()) : resolve()));
  https = undefined;
});

afterAll(removeTempFiles);

const SESSION: Step[] = [
  send(GREETING_220),
  expectLine(/^EHLO /),
  send(EHLO_PLAIN),
  expectLine(/^QUIT$/),
  send(REPLY_221_BYE),
];

/** Serves one answer for every request on 127.0.0.1; resolves with the port. */
async function servePolicy(status: number, body: string, type = 'text/plain'): Promise<number> {
  https = createServer({ cert: policyCert.cert, key: policyCert.key }, (request, response) => {
    const right = request.url === '/.well-known/mta-sts.txt';
    response.writeHead(right ? status : 404, { 'Content-Type': type });
    response.end(right ? body : 'not here');
  });
  await new Promise<void>((resolve) => https!.listen(0, '127.0.0.1', resolve));
  return (https.address() as { port: number }).port;
}

const policy = (mode: string, ...mx: string[]): string =>
  ['version: STSv1', `mode: ${mode}`, ...mx.map((m) => `mx: ${m}`), 'max_age: 86400', ''].join(
    '\r\n',
  );

/** Walks DOMAIN's route with the policy served as given; text and --json runs. */
function walk(policyText: string | undefined, status = 200, ...extra: string[]) {
  return walkTo(tlsSession(mxCert), policyText, status, ...extra);
}

/** The same, with the MX host's session as given. */
function walkTo(session: Step[], policyText: string | undefined, status = 200, ...extra: string[]) {
  return walkZone(session, () => [], policyText, status, ...extra);
}

/** The same, with records added to the zone. */
async function walkZone(
  session: Step[],
  added: (smtpPort: number) => ZoneRecord[] | Promise<ZoneRecord[]>,
  policyText: string | undefined,
  status = 200,
  ...extra: string[]
) {
  const smtp = await serve(session);
  const port = smtp.split(':')[1]!;
  const zone: ZoneRecord[] = [
    { name: DOMAIN, type: 'MX', data: { preference: 10, exchange: MX } },
    { name: MX, type: 'A', data: '127.0.0.1' },
    { name: POLICY_HOST, type: 'A', data: '127.0.0.1' },
  ];
  if (policyText !== undefined) {
    zone.push({ name: `_mta-sts.${DOMAIN}`, type: 'TXT', data: 'v=STSv1; id=20261204T1' });
  }
  zone.unshift(...(await added(Number(port))));
  const server = await dns(zone);
  const httpsPort = await servePolicy(status, policyText ?? '');
  const env = { SMTP_PROBE_MTA_STS_PORT: String(httpsPort) };
  const args = [DOMAIN, '--mx', '--port', port, '--dns-server', server.address, '--no-rdns'];
  const run = await runCli([...args, '--ca', caFile, ...extra], env);
  const json = await runCli([...args, '--ca', caFile, '--json', ...extra], env);
  return { run, report: parseReport(json.stdout), dns: server, httpsPort };
}

const codes = (report: { warnings: { code: string }[] }): string[] =>
  report.warnings.map((warning) => warning.code);

describe('MTA-STS with --mx', () => {
  it('when the policy is enforce and names the MX host then it is valid', async () => {
    const { run, report, httpsPort } = await walk(policy('enforce', MX));

    expect(run.exitCode).toBe(0);
    expect(run.stdout).toContain(`MTA-STS: enforce, every MX host matches the policy (mx: ${MX})`);
    expect(report.mtaSts).toEqual({
      domain: DOMAIN,
      status: 'valid',
      id: '20261204T1',
      policyUrl: `https://${POLICY_HOST}:${httpsPort}/.well-known/mta-sts.txt`,
      mode: 'enforce',
      mx: [MX],
      maxAge: 86400,
      hosts: [
        {
          host: MX,
          matches: true,
          tls: 'valid',
          addresses: [{ address: '127.0.0.1', tls: 'valid' }],
          otherAddressesUntried: true,
        },
      ],
      problem: null,
      summary: `MTA-STS: enforce, every MX host matches the policy (mx: ${MX})`,
    });
  });

  it('when the policy names *.example.test then the MX host matches it', async () => {
    const { report } = await walk(policy('testing', '*.example.test'));
    expect(report.mtaSts).toMatchObject({ status: 'valid', mode: 'testing' });
  });

  it(
    'when the MX host is not among the mx patterns then a ' +
      'warning says senders would not deliver',
    async () => {
      const { run, report } = await walk(policy('enforce', 'mail.other.test', '*.mx.example.test'));

      expect(run.exitCode).toBe(0);
      expect(report.mtaSts.status).toBe('mx-mismatch');
      expect(report.mtaSts.hosts).toMatchObject([{ host: MX, matches: false, tls: 'valid' }]);
      const warning = report.warnings.find(
        (w: { code: string }) => w.code === 'mta-sts-mx-mismatch',
      );
      expect(warning.message).toBe(
        `MTA-STS: enforce, ${MX} is not among the policy's mx (mail.other.test, *.mx.example.test): ` +
          'a sender applying the policy would not deliver to it',
      );
      expect(run.stdout).toContain('a sender applying the policy would not deliver to it');
      // The verdict says so too: it must not claim delivery without the exception.
      expect(run.stdout).toMatch(
        /^result: OK: mail would be delivered to \S+ \(preference 10\), except by a sender that enforces the domain's MTA-STS policy, which does not list it \(exit 0\)$/m,
      );
    },
  );

  it(
    'when the MX host offers no STARTTLS under an enforce policy then a sender ' +
      'applying it would not deliver, and the verdict says so',
    async () => {
      const { run, report } = await walkTo(SESSION, policy('enforce', MX));

      expect(run.exitCode).toBe(0);
      expect(report.mtaSts.status).toBe('tls-failure');
      expect(report.mtaSts.hosts).toEqual([
        {
          host: MX,
          matches: true,
          tls: 'none',
          addresses: [{ address: '127.0.0.1', tls: 'none' }],
          otherAddressesUntried: true,
        },
      ]);
      expect(report.mtaSts.summary).toBe(
        `MTA-STS: enforce, but ${MX} at 127.0.0.1 offers no STARTTLS (RFC 8461 §4.2) ` +
          '(--all tries its other addresses, if any): ' +
          'a sender applying the policy would not deliver to it',
      );
      expect(codes(report)).toContain('mta-sts-tls-failure');
      expect(run.stdout).toMatch(
        /^result: OK: mail would be delivered to \S+ \(preference 10\), except by a sender that enforces the domain's MTA-STS policy, which requires the STARTTLS it does not offer \(exit 0\)$/m,
      );
    },
  );

  it('when the MX certificate names another host then the policy is failed on TLS', async () => {
    const { run, report } = await walkTo(tlsSession(otherCert), policy('enforce', MX));

    expect(report.mtaSts.hosts).toMatchObject([{ host: MX, matches: true, tls: 'invalid' }]);
    expect(report.mtaSts.summary).toMatch(
      `MTA-STS: enforce, but ${MX} at 127.0.0.1 has no certificate valid for its name ` +
        '(RFC 8461 §4.2)',
    );
    expect(run.stdout).toContain('which requires a certificate valid for it (exit 0)');
  });

  it(
    'when a testing policy meets a host without ' + 'STARTTLS then only reports would follow',
    async () => {
      const { run, report } = await walkTo(SESSION, policy('testing', MX));

      expect(report.mtaSts.summary).toMatch(
        new RegExp(
          `^MTA-STS: testing, but ${MX} at 127\\.0\\.0\\.1 offers no STARTTLS .*: ` +
            'in testing mode senders still deliver, and only report the failure \\(TLSRPT\\)$',
        ),
      );
      expect(run.stdout).not.toContain('except by a sender');
    },
  );

  it(
    'when one address of the host lacks STARTTLS and another has it then the host ' +
      'is valid, and the failing address is named',
    async () => {
      let plain: FakeServer | undefined;
      try {
        // The same port on ::1: a server there without STARTTLS.
        const added = async (port: number): Promise<ZoneRecord[]> => {
          plain = await startFakeServer([...SESSION, ...SESSION], '::1', port);
          return [{ name: MX, type: 'AAAA', data: '::1' }];
        };
        const mail = policy('enforce', MX);
        const { report } = await walkZone(tlsSession(mxCert), added, mail, 200, '--all');

        expect(report.mtaSts.status).toBe('valid');
        expect(report.mtaSts.hosts[0].addresses).toEqual([
          { address: '::1', tls: 'none' },
          { address: '127.0.0.1', tls: 'valid' },
        ]);
        expect(report.mtaSts.summary).toBe(
          `MTA-STS: enforce, every MX host matches the policy (mx: ${MX}); but ${MX} at ::1 ` +
            'offers no STARTTLS: senders applying it skip that address',
        );
      } finally {
        await plain?.close();
      }
    },
  );

  it(
    'when a host outside the patterns stands beside one that passes on its second address ' +
      'then only the outsider is refused',
    async () => {
      let plain: FakeServer | undefined;
      try {
        const added = async (port: number): Promise<ZoneRecord[]> => {
          plain = await startFakeServer([...SESSION, ...SESSION], '::1', port);
          return [
            { name: MX, type: 'AAAA', data: '::1' },
            { name: DOMAIN, type: 'MX', data: { preference: 20, exchange: 'mx2.example.test' } },
            { name: 'mx2.example.test', type: 'A', data: '127.0.0.1' },
          ];
        };
        const mail = policy('enforce', MX);
        const { report } = await walkZone(tlsSession(mxCert), added, mail, 200, '--all');

        expect(report.mtaSts.status).toBe('mx-mismatch');
        expect(report.mtaSts.hosts[0]).toMatchObject({ host: MX, tls: 'valid' });
        expect(report.mtaSts.summary).toBe(
          `MTA-STS: enforce, mx2.example.test is not among the policy's mx (${MX}): ` +
            'a sender applying the policy would not deliver to it',
        );
      } finally {
        await plain?.close();
      }
    },
  );

  it(
    'when the TLS after STARTTLS breaks then the ' + 'host counts as broken, and that is said',
    async () => {
      const broken = [
        send(GREETING_220),
        expectLine(/^EHLO /),
        send(EHLO_WITH_STARTTLS),
        expectLine(/^STARTTLS$/),
        send(REPLY_220_STARTTLS),
        send('this is not TLS\r\n'),
        close(),
      ];
      const { report } = await walkTo(broken, policy('enforce', MX));

      expect(report.mtaSts.status).toBe('tls-failure');
      expect(report.mtaSts.hosts[0]).toMatchObject({ tls: 'broken' });
      expect(report.mtaSts.summary).toContain(`${MX} at 127.0.0.1 broke off the TLS handshake`);
    },
  );

  it('when the policy host has an address that refuses then the next one is tried', async () => {
    const added = (): ZoneRecord[] => [{ name: POLICY_HOST, type: 'AAAA', data: '::1' }];
    const { report } = await walkZone(tlsSession(mxCert), added, policy('enforce', MX));
    expect(report.mtaSts.status).toBe('valid');
  });

  it('when the policy is served as HTML then it is not taken as a policy', async () => {
    const smtp = await serve(SESSION);
    const port = smtp.split(':')[1]!;
    const zone: ZoneRecord[] = [
      { name: DOMAIN, type: 'MX', data: { preference: 10, exchange: MX } },
      { name: MX, type: 'A', data: '127.0.0.1' },
      { name: POLICY_HOST, type: 'A', data: '127.0.0.1' },
      { name: `_mta-sts.${DOMAIN}`, type: 'TXT', data: 'v=STSv1; id=20261204T1' },
    ];
    const server = await dns(zone);
    const httpsPort = await servePolicy(200, policy('enforce', MX), 'text/html');
    const env = { SMTP_PROBE_MTA_STS_PORT: String(httpsPort) };
    const args = [DOMAIN, '--mx', '--port', port, '--dns-server', server.address, '--no-rdns'];
    const run = await runCli([...args, '--ca', caFile, '--json'], env);
    const report = parseReport(run.stdout);

    expect(report.mtaSts).toMatchObject({
      status: 'fetch-failed',
      problem: 'the policy is served as text/html, not text/plain',
    });
  });

  it(
    'when there is no _mta-sts record then MTA-STS is ' + 'not in use and nothing is fetched',
    async () => {
      const { run, report } = await walk(undefined);
      expect(run.stdout).toContain(`MTA-STS: not in use (no v=STSv1 record at _mta-sts.${DOMAIN})`);
      expect(report.mtaSts).toMatchObject({ status: 'none', id: null, mode: null });
    },
  );

  it('when the policy server answers 404 then the fetch failed', async () => {
    const { report } = await walk(policy('enforce', MX), 404);
    expect(report.mtaSts).toMatchObject({
      status: 'fetch-failed',
      problem: 'the server answered HTTP 404',
    });
  });

  it('when the policy certificate is not trusted then the policy is not used', async () => {
    const smtp = await serve(SESSION);
    const zone: ZoneRecord[] = [
      { name: DOMAIN, type: 'MX', data: { preference: 10, exchange: MX } },
      { name: MX, type: 'A', data: '127.0.0.1' },
      { name: POLICY_HOST, type: 'A', data: '127.0.0.1' },
      { name: `_mta-sts.${DOMAIN}`, type: 'TXT', data: 'v=STSv1; id=1' },
    ];
    const server = await dns(zone);
    const env = { SMTP_PROBE_MTA_STS_PORT: String(await servePolicy(200, policy('enforce', MX))) };
    const args = [DOMAIN, '--mx', '--port', smtp.split(':')[1]!, '--dns-server', server.address];
    const report = parseReport((await runCli([...args, '--no-rdns', '--json'], env)).stdout);
    expect(report.mtaSts.status).toBe('fetch-failed');
    expect(report.mtaSts.problem).toMatch(
      /^the certificate of mta-sts\.example\.test is not valid/,
    );
  });

  it('when --no-mta-sts is given then no _mta-sts record is asked for', async () => {
    const { report, dns: server } = await walk(policy('enforce', MX), 200, '--no-mta-sts');
    expect(report.mtaSts).toBeNull();
    expect(server.queries.some((query) => query.name.startsWith('_mta-sts'))).toBe(false);
  });

  it('when --no-mta-sts is given without --mx then it is a usage error', async () => {
    const run = await runCli(['127.0.0.1:2525', '--no-mta-sts']);
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain('--no-mta-sts goes with --mx');
  });
});
