/**
 * The DANE check (RFC 7672) against a DNS server of the test's own on
 * 127.0.0.1 that can set the AD bit, and a fake server presenting a
 * certificate issued by a CA made for the run.
 */
import { createHash, randomBytes, X509Certificate } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { makeCertificateAuthority, type CertificatePair } from '../helpers/certificates.js';
import { dnsServerPerTest, type DnsBehaviour, type ZoneRecord } from '../helpers/dns-server.js';
import { expectLine, fakeServerPerTest, send } from '../helpers/fake-server.js';
import { tlsSession } from '../helpers/monitoring-scripts.js';
import { parseReport } from '../helpers/schema.js';
import { removeTempFiles, writeTempFile } from '../helpers/temp-files.js';
import { GREETING_220, REPLY_221_BYE } from '../fixtures/replies.js';

const dns = dnsServerPerTest();
const { serve } = fakeServerPerTest();
const HOST = 'mx.example.test';
const AUTHENTICATED: DnsBehaviour = { authenticated: true };

let leaf: CertificatePair;
let caCert: string;
let presented: CertificatePair;
let otherName: CertificatePair;

beforeAll(async () => {
  const ca = await makeCertificateAuthority('dane test CA');
  leaf = await ca.issue({ names: [HOST] });
  caCert = ca.cert;
  presented = { cert: `${leaf.cert.trimEnd()}\n${ca.cert.trimEnd()}\n`, key: leaf.key };
  const other = await ca.issue({ names: ['other.example.test'] });
  otherName = { cert: `${other.cert.trimEnd()}\n${ca.cert.trimEnd()}\n`, key: other.key };
});

const sha256 = (bytes: Buffer): Buffer => createHash('sha256').update(bytes).digest();
const sha512 = (bytes: Buffer): Buffer => createHash('sha512').update(bytes).digest();
const der = (pem: string): Buffer => new X509Certificate(pem).raw;
const spki = (pem: string): Buffer =>
  new X509Certificate(pem).publicKey.export({ type: 'spki', format: 'der' });

function tlsa(port: number, usage: number, selector: number, matchingType: number, data: Buffer) {
  const certificate = data;
  const name = `_${port}._tcp.${HOST}`;
  return { name, type: 'TLSA', data: { usage, selector, matchingType, certificate } } as const;
}

/** Probes HOST at the fake server, with the TLSA records the test makes for its port. */
function probe(
  records: (port: number) => ZoneRecord[],
  behaviour: DnsBehaviour = AUTHENTICATED,
  ...extra: string[]
) {
  return probeServing(presented, records, behaviour, ...extra);
}

/** The same, with the server presenting this pair (its cert: the certificates sent). */
async function probeServing(
  pair: CertificatePair,
  records: (port: number) => ZoneRecord[],
  behaviour: DnsBehaviour = AUTHENTICATED,
  ...extra: string[]
) {
  const target = await serve(tlsSession(pair));
  const port = Number(target.split(':')[1]);
  const zone: ZoneRecord[] = [{ name: HOST, type: 'A', data: '127.0.0.1' }, ...records(port)];
  const server = await dns(zone, behaviour);
  const args = [`${HOST}:${port}`, '--dns-server', server.address, '--ehlo', 'probe.example.test'];
  const run = await runCli([...args, '--no-rdns', ...extra]);
  const json = await runCli([...args, '--no-rdns', '--json', ...extra]);
  return { run, report: parseReport(json.stdout), port, dns: server };
}

afterAll(removeTempFiles);

const codes = (report: { warnings: { code: string }[] }): string[] =>
  report.warnings.map((warning) => warning.code);

describe('DANE', () => {
  it(
    'when a 3 1 1 record matches the key and the answer ' + 'is authenticated then DANE is valid',
    async () => {
      const { run, report, port } = await probe((p) => [tlsa(p, 3, 1, 1, sha256(spki(leaf.cert)))]);

      expect(run.exitCode).toBe(0);
      expect(run.stdout).toContain("DANE: valid (3 1 1 matches the server's key)");
      expect(report.dane).toEqual({
        tlsaName: `_${port}._tcp.${HOST}`,
        status: 'valid',
        authenticated: true,
        rcode: 'NOERROR',
        lookupError: null,
        summary: "DANE: valid (3 1 1 matches the server's key)",
        records: [
          {
            usage: 3,
            selector: 1,
            matchingType: 1,
            data: sha256(spki(leaf.cert)).toString('hex'),
            usable: true,
            unusableReason: null,
            matches: true,
            matchedCertificate: 0,
            problem: null,
          },
        ],
      });
      expect(codes(report).filter((code) => code.startsWith('dane'))).toEqual([]);
    },
  );

  it('when a 3 0 2 record holds the SHA-512 of the whole certificate then it matches', async () => {
    const { report } = await probe((p) => [tlsa(p, 3, 0, 2, sha512(der(leaf.cert)))]);
    expect(report.dane.status).toBe('valid');
    expect(report.dane.summary).toBe("DANE: valid (3 0 2 matches the server's certificate)");
  });

  it(
    'when a 2 0 1 record names the CA that issued the ' + 'certificate then DANE-TA is valid',
    async () => {
      const { run, report } = await probe((p) => [tlsa(p, 2, 0, 1, sha256(der(caCert)))]);
      expect(run.exitCode).toBe(0);
      expect(report.dane).toMatchObject({ status: 'valid' });
      expect(report.dane.records[0]).toMatchObject({ matches: true, matchedCertificate: 1 });
    },
  );

  it(
    'when a 2 0 1 record names the CA but the certificate ' + 'is for another host then it fails',
    async () => {
      const target = await serve(tlsSession(otherName));
      const port = Number(target.split(':')[1]);
      const zone: ZoneRecord[] = [
        { name: HOST, type: 'A', data: '127.0.0.1' },
        tlsa(port, 2, 0, 1, sha256(der(caCert))),
      ];
      const server = await dns(zone, AUTHENTICATED);
      const args = [`${HOST}:${port}`, '--dns-server', server.address, '--no-rdns', '--json'];
      const report = parseReport((await runCli(args)).stdout);
      expect(report.dane.status).toBe('no-match');
      expect(report.dane.records[0]).toMatchObject({
        matches: false,
        matchedCertificate: 1,
        problem: `the certificate does not name ${HOST}`,
      });
    },
  );

  it('when a 2 1 1 record names the server certificate itself then it matches no CA', async () => {
    const { report } = await probe((p) => [tlsa(p, 2, 1, 1, sha256(spki(leaf.cert)))]);
    expect(report.dane.status).toBe('no-match');
  });

  it('when no record matches then a warning says a DANE sender would not deliver', async () => {
    const { run, report } = await probe((p) => [tlsa(p, 3, 1, 1, randomBytes(32))]);

    expect(run.exitCode).toBe(0);
    expect(run.stdout).toMatch(/TLSA 3 1 1 [0-9a-f]{16}…: matches no certificate of the chain/);
    const warning = report.warnings.find((w: { code: string }) => w.code === 'dane-no-match');
    expect(warning.message).toBe(
      'DANE: TLSA records but none matches the certificate — a DANE sender would not deliver',
    );
    expect(report.dane.records[0]).toMatchObject({ matches: false, matchedCertificate: null });
  });

  it(
    'when no record matches and --dane-require is given ' + 'then the probe fails with exit 6',
    async () => {
      const { run, report } = await probe(
        (p) => [tlsa(p, 3, 1, 1, randomBytes(32))],
        AUTHENTICATED,
        '--dane-require',
      );
      expect(run.exitCode).toBe(6);
      expect(run.stderr).toContain('--dane-require: TLSA records but none matches the certificate');
      expect(report.dane.status).toBe('no-match');
      expect(report.error.code).toBe('tls-policy');
    },
  );

  it(
    'when the matching record comes without the AD bit then ' +
      'it is reported as not authenticated',
    async () => {
      const { run, report } = await probe((p) => [tlsa(p, 3, 1, 1, sha256(spki(leaf.cert)))], {
        authenticated: false,
      });
      expect(run.exitCode).toBe(0);
      expect(run.stdout).toContain('DANE: records not DNSSEC-authenticated (AD bit clear)');
      expect(report.dane).toMatchObject({ status: 'unauthenticated', authenticated: false });
      expect(report.dane.records[0].matches).toBe(true);
      expect(codes(report)).toContain('dane-unauthenticated');
    },
  );

  it(
    'when the matching record comes without the AD bit and ' +
      '--dane-require is given then exit 6',
    async () => {
      const { run } = await probe(
        (p) => [tlsa(p, 3, 1, 1, sha256(spki(leaf.cert)))],
        { authenticated: false },
        '--dane-require',
      );
      expect(run.exitCode).toBe(6);
    },
  );

  it('when there is no TLSA record then DANE is not in use, and no warning is given', async () => {
    const { run, report, port } = await probe(() => []);
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toContain(`DANE: not in use (no TLSA records at _${port}._tcp.${HOST})`);
    expect(report.dane).toMatchObject({ status: 'no-records', rcode: 'NXDOMAIN', records: [] });
    expect(codes(report).filter((code) => code.startsWith('dane'))).toEqual([]);
  });

  it('when there is no TLSA record and --dane-require is given then exit 6', async () => {
    const { run } = await probe(() => [], AUTHENTICATED, '--dane-require');
    expect(run.exitCode).toBe(6);
    expect(run.stderr).toContain('--dane-require: not in use');
  });

  it('when the only records are PKIX usages then they are unusable for SMTP', async () => {
    const { report } = await probe((p) => [tlsa(p, 1, 1, 1, sha256(spki(leaf.cert)))]);
    expect(report.dane.status).toBe('unusable');
    expect(report.dane.records[0]).toMatchObject({
      usable: false,
      unusableReason: 'usage 1 (PKIX-EE) is not for SMTP (RFC 7672 §3.1.3)',
      matches: false,
    });
  });

  it(
    'when the TLSA lookup gets SERVFAIL then the check ' + 'says a DANE sender would defer',
    async () => {
      const target = await serve(tlsSession(presented));
      const port = Number(target.split(':')[1]);
      const name = `_${port}._tcp.${HOST}`;
      const server = await dns([{ name: HOST, type: 'A', data: '127.0.0.1' }], {
        rcodes: { [name]: 'SERVFAIL' },
      });
      const args = [`${HOST}:${port}`, '--dns-server', server.address, '--no-rdns', '--json'];
      const report = parseReport((await runCli(args)).stdout);
      expect(report.dane).toMatchObject({ status: 'lookup-failed', rcode: 'SERVFAIL' });
      expect(report.dane.summary).toContain('a DANE sender would defer mail to this host');
    },
  );

  it('when --no-dane is given then no TLSA question is asked', async () => {
    const { report, dns: server } = await probe(() => [], AUTHENTICATED, '--no-dane');
    expect(report.dane).toBeNull();
    expect(server.queries.filter((query) => query.type === 'TLSA')).toEqual([]);
  });

  it('when --mx is given then the TLSA records of the MX host are checked', async () => {
    const target = await serve(tlsSession(presented));
    const port = Number(target.split(':')[1]);
    const zone: ZoneRecord[] = [
      { name: 'example.test', type: 'MX', data: { preference: 10, exchange: HOST } },
      { name: HOST, type: 'A', data: '127.0.0.1' },
      tlsa(port, 3, 1, 1, sha256(spki(leaf.cert))),
    ];
    const server = await dns(zone, AUTHENTICATED);
    const args = ['example.test', '--mx', '--port', String(port), '--dns-server', server.address];
    const run = await runCli([...args, '--no-rdns', '--json']);
    const report = parseReport(run.stdout);
    expect(run.exitCode).toBe(0);
    expect(report.dane).toMatchObject({ tlsaName: `_${port}._tcp.${HOST}`, status: 'valid' });
  });

  it(
    'when --mx is given and no TLSA record matches then ' + 'the verdict names the DANE exception',
    async () => {
      const target = await serve(tlsSession(presented));
      const port = Number(target.split(':')[1]);
      const zone: ZoneRecord[] = [
        { name: 'example.test', type: 'MX', data: { preference: 10, exchange: HOST } },
        { name: HOST, type: 'A', data: '127.0.0.1' },
        tlsa(port, 3, 1, 1, randomBytes(32)),
      ];
      const server = await dns(zone, AUTHENTICATED);
      const args = ['example.test', '--mx', '--port', String(port), '--dns-server', server.address];
      const run = await runCli([...args, '--no-rdns', '--no-mta-sts']);

      expect(run.exitCode).toBe(0);
      expect(run.stdout).toMatch(
        /^result: OK: mail would be delivered to mx\.example\.test \(preference 10\), except by a sender that uses DANE, whose TLSA records match no certificate of it \(exit 0\)$/m,
      );
    },
  );

  describe.each([
    [
      'the MX host',
      (port: number) => ['example.test', '--mx', '--port', `${port}`, '--no-mta-sts'],
    ],
    ['the target named', (port: number) => [`alias.example.test:${port}`]],
  ])('when %s is an alias', (_who, target) => {
    it.each([
      ['the end of its chain', 'real.example.test'],
      ["itself, when the chain's end has none", 'alias.example.test'],
    ])('then TLSA records are asked at %s', async (_where, owner) => {
      const port = Number((await serve(tlsSession(presented))).split(':')[1]);
      const certificate = sha256(spki(leaf.cert));
      const data = { usage: 3, selector: 1, matchingType: 1, certificate };
      const zone: ZoneRecord[] = [
        {
          name: 'example.test',
          type: 'MX',
          data: { preference: 10, exchange: 'alias.example.test' },
        },
        { name: 'alias.example.test', type: 'CNAME', data: 'real.example.test' },
        { name: 'real.example.test', type: 'A', data: '127.0.0.1' },
        { name: `_${port}._tcp.${owner}`, type: 'TLSA', data },
      ];
      const server = await dns(zone, AUTHENTICATED);
      const args = [...target(port), '--dns-server', server.address, '--no-rdns', '--json'];
      const report = parseReport((await runCli(args)).stdout);

      expect(report.dane).toMatchObject({ tlsaName: `_${port}._tcp.${owner}`, status: 'valid' });
    });
  });

  it(
    'when the alias chain is not DNSSEC-validated ' +
      'then TLSA records are asked at the name itself',
    async () => {
      const port = Number((await serve(tlsSession(presented))).split(':')[1]);
      const certificate = sha256(spki(leaf.cert));
      const data = { usage: 3, selector: 1, matchingType: 1, certificate };
      const zone: ZoneRecord[] = [
        { name: 'alias.example.test', type: 'CNAME', data: 'real.example.test' },
        { name: 'real.example.test', type: 'A', data: '127.0.0.1' },
        { name: `_${port}._tcp.real.example.test`, type: 'TLSA', data },
        { name: `_${port}._tcp.alias.example.test`, type: 'TLSA', data },
      ];
      const server = await dns(zone, { authenticated: true, insecure: ['alias.example.test'] });
      const args = [`alias.example.test:${port}`, '--dns-server', server.address, '--no-rdns'];
      const report = parseReport((await runCli([...args, '--json'])).stdout);

      expect(report.dane).toMatchObject({ tlsaName: `_${port}._tcp.alias.example.test` });
    },
  );

  it(
    'when --dane-require fails on the only reachable address ' +
      'then the verdict is the DANE failure',
    async () => {
      const target = await serve(tlsSession(presented));
      const port = Number(target.split(':')[1]);
      const zone: ZoneRecord[] = [
        { name: 'example.test', type: 'MX', data: { preference: 10, exchange: HOST } },
        // Nothing listens at 127.0.0.2: its connect is refused before the live address is tried.
        { name: HOST, type: 'A', data: '127.0.0.2' },
        { name: HOST, type: 'A', data: '127.0.0.1' },
        tlsa(port, 3, 1, 1, randomBytes(32)),
      ];
      const server = await dns(zone, AUTHENTICATED);
      const args = ['example.test', '--mx', '--port', String(port), '--dns-server', server.address];
      const run = await runCli([...args, '--no-rdns', '--no-mta-sts', '--dane-require', '--json']);
      const report = parseReport(run.stdout);

      expect(run.exitCode).toBe(6);
      expect(report.verdict).toMatchObject({ code: 'tls-policy', stage: 'tls' });
      expect(report.mx.attempts.map((a: { exitCode: number }) => a.exitCode)).toEqual([4, 6]);
      expect(report.mx.attempts.map((a: { dane: string | null }) => a.dane)).toEqual([
        null,
        'no-match',
      ]);
      expect(report.mx.attempts[1].tlsTrusted).toBe(false);
    },
  );

  it(
    'when --tls-verify fails on an untrusted certificate then ' +
      'the DANE check is still made and shown',
    async () => {
      const { run, report } = await probe(
        (p) => [tlsa(p, 3, 1, 1, sha256(spki(leaf.cert)))],
        AUTHENTICATED,
        '--tls-verify',
      );

      expect(run.exitCode).toBe(6);
      expect(report.verdict).toMatchObject({ code: 'tls-policy' });
      expect(report.dane).toMatchObject({ status: 'valid' });
      expect(run.stdout).toMatch(/DANE: valid/);
    },
  );

  it(
    'when a record holds a digest of the wrong length then it ' +
      'is reported malformed, not a mismatch',
    async () => {
      const { report } = await probe((p) => [tlsa(p, 3, 1, 1, randomBytes(3))]);

      expect(report.dane.status).toBe('unusable');
      expect(report.dane.records[0].unusableReason).toBe(
        'malformed: matching type 1 needs 32 bytes of data, not 3',
      );
    },
  );

  const WITHOUT_STARTTLS = [
    send(GREETING_220),
    expectLine(/^EHLO /),
    send('250 mx.probe.test\r\n'),
    expectLine(/^QUIT$/),
    send(REPLY_221_BYE),
  ];

  it(
    'when the server offers no STARTTLS but has usable TLSA records then a DANE ' +
      'sender would not deliver, and --dane-require exits 6',
    async () => {
      const target = await serve(WITHOUT_STARTTLS);
      const port = Number(target.split(':')[1]);
      const zone: ZoneRecord[] = [
        { name: HOST, type: 'A', data: '127.0.0.1' },
        tlsa(port, 3, 1, 1, sha256(spki(leaf.cert))),
      ];
      const server = await dns(zone, AUTHENTICATED);
      const args = [`${HOST}:${port}`, '--dns-server', server.address, '--no-rdns'];
      const report = parseReport((await runCli([...args, '--json'])).stdout);
      const required = await runCli([...args, '--dane-require']);

      expect(report.dane).toMatchObject({ status: 'no-tls', authenticated: true });
      expect(report.dane.summary).toBe(
        `DANE: the TLSA records at _${port}._tcp.${HOST} require TLS, but the server offers ` +
          'no STARTTLS — a DANE sender would not deliver (RFC 7672 §2.2)',
      );
      expect(codes(report)).toEqual(['no-starttls', 'dane-no-tls']);
      expect(report.exitCode).toBe(0);
      expect(required.exitCode).toBe(6);
      expect(required.stdout).toMatch(/^== TLSA 3 1 1 [0-9a-f]{16}…: usable$/m);
      expect(required.stdout).toContain(
        'result: FAILED at STARTTLS (exit 6)\n' +
          'hint: offer STARTTLS on this server, or withdraw its TLSA records\n',
      );
    },
  );

  it(
    'when the server offers no STARTTLS and has no TLSA records then --dane-require ' +
      'exits 6, saying DANE is not in use',
    async () => {
      const target = await serve(WITHOUT_STARTTLS);
      const port = Number(target.split(':')[1]);
      const server = await dns([{ name: HOST, type: 'A', data: '127.0.0.1' }], AUTHENTICATED);
      const args = [`${HOST}:${port}`, '--dns-server', server.address, '--no-rdns'];
      const run = await runCli([...args, '--dane-require']);

      expect(run.exitCode).toBe(6);
      expect(run.stderr).toContain('--dane-require: not in use (no TLSA records at');
      expect(server.queries.filter((query) => query.type === 'TLSA')).toHaveLength(1);
    },
  );

  it(
    'when the target is an address then no TLSA is ' + 'looked up, and --dane-require fails',
    async () => {
      const target = await serve(tlsSession(presented));
      const server = await dns([], AUTHENTICATED);
      const args = [target, '--dns-server', server.address, '--no-rdns'];
      const run = await runCli([...args, '--dane-require']);
      expect(run.stdout).toContain('DANE not checked: TLSA records belong to host names');
      expect(run.exitCode).toBe(6);
      expect(run.stderr).toContain('the target is an address');
      expect(server.queries).toEqual([]);
    },
  );

  it(
    'when --dane-require comes without --dns-server ' + 'or --mx then it is a usage error',
    async () => {
      const run = await runCli(['127.0.0.1:2525', '--dane-require']);
      expect(run.exitCode).toBe(2);
      expect(run.stderr).toContain('--dane-require needs --dns-server or --mx');
    },
  );

  it('when no resolver is in use then dane is null', async () => {
    const target = await serve(tlsSession(presented));
    const run = await runCli([target, '--ehlo', 'probe.example.test', '--json']);
    expect(parseReport(run.stdout).dane).toBeNull();
  });
});

describe('DANE-TA and the certificates the server sent (RFC 7671 §5.2.2)', () => {
  const onlyLeaf = (): CertificatePair => leaf;

  it(
    'when a 2 0 1 record names a CA that the server did not send, though the trust ' +
      'store holds it, then DANE-TA fails and says so',
    async () => {
      const caFile = writeTempFile('dane-ca.pem', caCert);
      const records = (p: number) => [tlsa(p, 2, 0, 1, sha256(der(caCert)))];
      const { run, report } = await probeServing(
        onlyLeaf(),
        records,
        AUTHENTICATED,
        '--ca',
        caFile,
      );

      expect(report.dane.status).toBe('no-match');
      expect(report.dane.records[0]).toMatchObject({ matches: false, matchedCertificate: 1 });
      expect(report.dane.records[0].problem).toBe(
        '"CN=dane test CA" was not sent by the server (it came from the trust store here), ' +
          'and a DANE-TA chain must be sent whole (RFC 7671 §5.2.2)',
      );
      expect(run.stdout).toContain('names a CA of the chain, but "CN=dane test CA" was not sent');
    },
  );

  it(
    'when a 2 0 0 record holds the whole CA certificate then the server may leave it out, ' +
      'trusted or not',
    async () => {
      const records = (p: number) => [tlsa(p, 2, 0, 0, der(caCert))];
      const { run, report } = await probeServing(onlyLeaf(), records);

      expect(report.dane.status).toBe('valid');
      expect(report.dane.records[0]).toMatchObject({ matches: true, matchedCertificate: null });
      expect(run.stdout).toContain(
        'DANE: valid (2 0 0 matches the CA certificate the record holds, which the chain leads to)',
      );
    },
  );

  it(
    'when a 2 0 0 record holds a CA that did not ' + 'issue the chain then it matches nothing',
    async () => {
      const stranger = await makeCertificateAuthority('stranger CA');
      const records = (p: number) => [tlsa(p, 2, 0, 0, der(stranger.cert))];
      const { report } = await probeServing(onlyLeaf(), records);

      expect(report.dane.status).toBe('no-match');
      expect(report.dane.records[0]).toMatchObject({ matches: false, matchedCertificate: null });
    },
  );

  it('when a 2 1 1 record names the server certificate itself then usage 3 is named', async () => {
    const records = (p: number) => [tlsa(p, 2, 1, 1, sha256(spki(leaf.cert)))];
    const { run, report } = await probeServing(presented, records);

    expect(report.dane.status).toBe('no-match');
    expect(report.dane.records[0]).toMatchObject({ matches: false, matchedCertificate: 0 });
    expect(run.stdout).toMatch(
      /TLSA 2 1 1 [0-9a-f]{16}…: it names the server's own certificate, not a CA: that is usage 3 \(DANE-EE\)/,
    );
  });

  it.each([
    [0, 'malformed: the data is not a certificate'],
    [1, 'malformed: the data is not a public key'],
  ])(
    'when a record of selector %i and matching type 0 holds garbage then it is malformed',
    async (selector, reason) => {
      const records = (p: number) => [tlsa(p, 2, selector, 0, Buffer.from('not DER at all'))];
      const { report } = await probeServing(presented, records);

      expect(report.dane.status).toBe('unusable');
      expect(report.dane.records[0]).toMatchObject({ usable: false, unusableReason: reason });
    },
  );
});
