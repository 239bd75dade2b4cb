/**
 * Issue 6's "done when", in one run: `--mx` with `--check-starttls-enforced`
 * shows a mail host's chain with its verdict, its STARTTLS policy, its MX
 * routing with every address tried, its reverse DNS, DANE and MTA-STS, and
 * the JSON carries each. Everything is local: a DNS server, an SMTP server
 * and a policy server on loopback, certificates made for the run.
 */
import { createHash, X509Certificate } from 'node:crypto';
import { createServer, type Server } from 'node:https';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { makeCertificateAuthority, type CertificatePair } from '../helpers/certificates.js';
import { dnsServerPerTest, type ZoneRecord } from '../helpers/dns-server.js';
import { expectLine, send, startFakeServer, type FakeServer } from '../helpers/fake-server.js';
import { tlsSession } from '../helpers/monitoring-scripts.js';
import { parseReport } from '../helpers/schema.js';
import { removeTempFiles, writeTempFile } from '../helpers/temp-files.js';
import { chainOf } from '../helpers/tls-target.js';
import { EHLO_WITH_STARTTLS, GREETING_220, REPLY_221_BYE } from '../fixtures/replies.js';

const dns = dnsServerPerTest();
const DOMAIN = 'example.test';
const MX = 'mx.example.test';

let presented: CertificatePair;
let serverKey: Buffer;
let policyCert: CertificatePair;
let caFile: string;
let smtp: FakeServer | undefined;
let https: Server | undefined;

beforeAll(async () => {
  const root = await makeCertificateAuthority('mail host root');
  const intermediate = await root.intermediate('mail host intermediate');
  const leaf = await intermediate.issue({ names: [MX] });
  presented = { cert: chainOf(leaf, intermediate), key: leaf.key };
  serverKey = new X509Certificate(leaf.cert).publicKey.export({ type: 'spki', format: 'der' });
  policyCert = await root.issue({ names: [`mta-sts.${DOMAIN}`] });
  caFile = writeTempFile('mail-host-root.pem', root.cert);
});

afterEach(async () => {
  await smtp?.close();
  await new Promise<void>((resolve) => (https ? https.close(() => resolve()) : resolve()));
  [smtp, https] = [undefined, undefined];
});

afterAll(removeTempFiles);

// The second connection is the enforcement check: MAIL without TLS is refused.
const ENFORCEMENT_CHECK = [
  send(GREETING_220),
  expectLine(/^EHLO /),
  send(EHLO_WITH_STARTTLS),
  expectLine(/^MAIL FROM:<>$/),
  send('530 5.7.0 Must issue a STARTTLS command first\r\n'),
  expectLine(/^QUIT$/),
  send(REPLY_221_BYE),
];

async function servePolicy(): Promise<number> {
  const text = ['version: STSv1', 'mode: enforce', `mx: ${MX}`, 'max_age: 86400', ''];
  https = createServer({ cert: policyCert.cert, key: policyCert.key }, (_request, response) => {
    response.writeHead(200, { 'Content-Type': 'text/plain' });
    response.end(text.join('\r\n'));
  });
  await new Promise<void>((resolve) => https!.listen(0, '127.0.0.1', resolve));
  return (https.address() as { port: number }).port;
}

/** The whole mail domain, probed by one command; its text and its JSON. */
async function probeDomain() {
  // Two runs, text then JSON, each with its session and its enforcement check.
  const run = [tlsSession(presented), ENFORCEMENT_CHECK];
  smtp = await startFakeServer({ connections: [...run, ...run] });
  const port = smtp.port;
  const tlsa = { usage: 3, selector: 1, matchingType: 1, certificate: sha256(serverKey) };
  const zone: ZoneRecord[] = [
    { name: DOMAIN, type: 'MX', data: { preference: 10, exchange: MX } },
    // Nothing listens on ::1 at this port: that address is tried and refused first.
    { name: MX, type: 'AAAA', data: '::1' },
    { name: MX, type: 'A', data: '127.0.0.1' },
    { name: '1.0.0.127.in-addr.arpa', type: 'PTR', data: MX },
    { name: `_${port}._tcp.${MX}`, type: 'TLSA', data: tlsa },
    { name: `_mta-sts.${DOMAIN}`, type: 'TXT', data: 'v=STSv1; id=20261204' },
    { name: `mta-sts.${DOMAIN}`, type: 'A', data: '127.0.0.1' },
  ];
  const server = await dns(zone, { authenticated: true });
  const env = { SMTP_PROBE_MTA_STS_PORT: String(await servePolicy()) };
  const args = [DOMAIN, '--mx', '--port', String(port), '--dns-server', server.address];
  const all = [...args, '--ca', caFile, '--check-starttls-enforced', '--ehlo', MX];

  const text = await runCli(all, env);
  const json = await runCli([...all, '--json'], env);
  return { text, report: parseReport(json.stdout) };
}

const sha256 = (bytes: Buffer): Buffer => createHash('sha256').update(bytes).digest();

describe('one command for a mail host', () => {
  it('when everything is in order then every check is shown and carried in JSON', async () => {
    const { text, report } = await probeDomain();

    expect(text.exitCode).toBe(0);
    for (const line of [
      '== certificate: CN=mx.example.test',
      '== issuer 1: CN=mail host intermediate (CA)',
      '== issuer 2: CN=mail host root (CA, self-signed, from the trust store)',
      '== certificate verified',
      "== DANE: valid (3 1 1 matches the server's key)",
      `== MTA-STS: enforce, every MX host matches the policy (mx: ${MX})`,
    ]) {
      expect(text.stdout).toContain(`${line}\n`);
    }
    expect(text.stdout).toContain('== STARTTLS is enforced: MAIL FROM:<> without TLS drew 530');
    expect(text.stdout).toContain(`== reverse DNS: 127.0.0.1 is ${MX} (forward-confirmed)\n`);
    expect(text.stdout).toMatch(/^ {2}10 {2}mx\.example\.test {2}\[::1\]:\d+ +FAILED at connect/m);
    expect(text.stdout).toMatch(/^result: OK: mail would be delivered to mx\.example\.test/m);

    expect(report.exitCode).toBe(0);
    expect(report.tls.verification.trusted).toBe(true);
    expect(report.tls.sent.certificates.map((c: { chainIndex: number }) => c.chainIndex)).toEqual([
      0, 1,
    ]);
    expect(report.starttlsPolicy.enforcement.status).toBe('required');
    expect(report.starttlsPolicy.comparison).not.toBeNull();
    expect(
      report.mx.attempts.map((a: { address: string; ok: boolean }) => [a.address, a.ok]),
    ).toEqual([
      ['::1', false],
      ['127.0.0.1', true],
    ]);
    expect(report.rdns).toMatchObject({ ptrNames: [MX], forwardConfirmed: true });
    expect(report.dane).toMatchObject({ status: 'valid', authenticated: true });
    expect(report.mtaSts).toMatchObject({
      status: 'valid',
      hosts: [{ host: MX, matches: true, tls: 'valid' }],
    });
  });
});
