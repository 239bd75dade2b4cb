import { createServer as createTlsServer, createSecureContext, type TLSSocket } from 'node:tls';
import { createServer } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import {
  makeCertificateAuthority,
  type CertificateAuthority,
  type CertificatePair,
} from '../helpers/certificates.js';
import type { TlsStepOptions } from '../helpers/fake-server.js';
import { chainOf, TlsTargets } from '../helpers/tls-target.js';
import { ocspResponse } from '../helpers/ocsp.js';
import { parseReport } from '../helpers/schema.js';
import { removeTempFiles, writeTempFile } from '../helpers/temp-files.js';

const EHLO = '--ehlo=probe.test';
const NAMES = { names: ['mx.probe.test'], ips: ['127.0.0.1', '::1'] };
let root: CertificateAuthority;
let intermediate: CertificateAuthority;
let leaf: CertificatePair;
let caFile: string;
const targets = new TlsTargets();

beforeAll(async () => {
  root = await makeCertificateAuthority('probe root');
  intermediate = await root.intermediate('probe intermediate');
  leaf = await intermediate.issue(NAMES);
  caFile = writeTempFile('root.pem', root.cert);
});

afterEach(async () => {
  await targets.closeAll();
});

afterAll(removeTempFiles);

const serve = targets.serve.bind(targets);

describe('the presented chain', () => {
  it(
    'when the server sends its intermediate then the ' + 'whole chain is shown and verifies',
    async () => {
      const target = await serve(chainOf(leaf, intermediate), leaf.key);
      const run = await runCli([target, EHLO, '--ca', caFile, '--tls-verify']);

      expect(run.exitCode).toBe(0);
      expect(run.stdout).toMatch(
        /^== certificate: CN=mx\.probe\.test\n== {3}issuer: CN=probe intermediate\n/m,
      );
      expect(run.stdout).toMatch(
        /^== issuer 1: CN=probe intermediate \(CA\)\n== {3}issuer: CN=probe root\n/m,
      );
      expect(run.stdout).toContain(
        '== issuer 2: CN=probe root (CA, self-signed, from the trust store)\n',
      );
      expect(run.stdout).toContain('== OCSP: no response stapled\n== certificate verified\n');
    },
  );

  it(
    'when the report is JSON then tls.chain, ocsp and ' + 'settings validate against the schema',
    async () => {
      const target = await serve(chainOf(leaf, intermediate), leaf.key);
      const run = await runCli([target, EHLO, '--ca', caFile, '--json']);
      const { tls } = parseReport(run.stdout);

      expect(tls.chain.map((c: { subject: string }) => c.subject)).toEqual([
        'CN=mx.probe.test',
        'CN=probe intermediate',
        'CN=probe root',
      ]);
      expect(tls.chain[0]).toMatchObject({ isCa: false, selfIssued: false, inTrustStore: false });
      expect(tls.chain[1]).toMatchObject({ isCa: true, signatureAlgorithm: 'ECDSA with SHA-256' });
      expect(tls.chain[2]).toMatchObject({ isCa: true, selfIssued: true, inTrustStore: true });
      expect(tls.certificate.fingerprint256).toBe(tls.chain[0].fingerprint256);
      expect(tls.certificate).not.toHaveProperty('isCa');
      expect(tls.ocsp).toEqual({
        stapled: false,
        bytes: 0,
        status: null,
        thisUpdate: null,
        nextUpdate: null,
      });
      // Node.js writes an IPv6 address in the SAN in full.
      expect(tls.verification.certificateNames).toEqual([
        'mx.probe.test',
        '127.0.0.1',
        '0:0:0:0:0:0:0:1',
      ]);
      expect(tls.settings).toMatchObject({ sni: true, minVersion: null, clientCertificate: null });
    },
  );

  it('when the intermediate is not sent then the chain is called incomplete (exit 6)', async () => {
    const target = await serve(leaf.cert, leaf.key);
    const run = await runCli([target, EHLO, '--ca', caFile, '--tls-verify']);

    expect(run.exitCode).toBe(6);
    expect(run.stderr).toBe(
      'smtp-probe: --tls-verify: the certificate is not trusted (incomplete chain: the server ' +
        'sent no intermediate certificate, and the issuer "CN=probe intermediate" is not in ' +
        'the trust store (an intermediate missing, or a CA not trusted))\n',
    );
  });

  it(
    'when an intermediate is not a CA then the reason ' + 'names it, not the server certificate',
    async () => {
      const notCa = await root.intermediate('Not A CA', { notCa: true });
      const underIt = await notCa.issue({ names: ['mx.probe.test'], ips: ['127.0.0.1'] });
      const target = await serve(chainOf(underIt, notCa), underIt.key);
      const run = await runCli([target, EHLO, '--ca', caFile, '--json']);
      const { tls } = parseReport(run.stdout);

      expect(tls.verification.trusted).toBe(false);
      expect(tls.verification.chainProblem).toBe(
        'the issuer "CN=Not A CA" is not a CA (basicConstraints), yet issues a certificate',
      );
    },
  );

  it(
    'when a CA certificate is sent first then the chain ' + 'note says the leaf belongs there',
    async () => {
      const target = await serve(intermediate.cert, intermediate.key);
      const run = await runCli([target, EHLO, '--ca', caFile]);

      expect(run.stdout).toContain(
        "!! chain: the first certificate sent is a CA certificate: the server's own should be first\n",
      );
    },
  );
});

describe('the reason a certificate is not trusted', () => {
  it('when the certificate expired ten days ago then the date and the days are given', async () => {
    const expired = await intermediate.issue({ ...NAMES, notBeforeDays: -40, notAfterDays: -10 });
    const target = await serve(chainOf(expired, intermediate), expired.key);
    const run = await runCli([target, EHLO, '--ca', caFile]);

    const day = new Date(Date.now() - 10 * 86_400_000).toISOString().slice(0, 10);
    expect(run.stdout).toContain(
      `!! certificate not trusted: certificate expired on ${day} (10 days ago)\n`,
    );
  });

  it('when the certificate is not yet valid then its start date is given', async () => {
    const early = await intermediate.issue({ ...NAMES, notBeforeDays: 5, notAfterDays: 40 });
    const target = await serve(chainOf(early, intermediate), early.key);
    const run = await runCli([target, EHLO, '--ca', caFile]);

    expect(run.stdout).toMatch(
      /^!! certificate not trusted: certificate not yet valid: valid from \d{4}-\d\d-\d\d \(in 5 days\)$/m,
    );
    expect(run.stdout).toMatch(/^== {3}valid: .* \(not yet valid\)$/m);
  });

  it('when the chain sent leads to a CA not trusted then the issuer is named', async () => {
    const stranger = await makeCertificateAuthority('stranger root');
    const sub = await stranger.intermediate('stranger intermediate');
    const theirs = await sub.issue(NAMES);
    const target = await serve(chainOf(theirs, sub), theirs.key);
    const run = await runCli([target, EHLO, '--ca', caFile]);

    expect(run.stdout).toContain(
      '!! certificate not trusted: unknown issuer: "CN=stranger root", ' +
        'which issued the last certificate sent, is not trusted\n',
    );
  });
});

describe('TLS options', () => {
  it(
    'when --sni names a host then the server picks that ' + 'certificate; --no-sni sends none',
    async () => {
      const other = await intermediate.issue({ names: ['other.probe.test'], ips: [] });
      const contexts: Record<string, ReturnType<typeof createSecureContext>> = {
        'other.probe.test': createSecureContext({
          cert: chainOf(other, intermediate),
          key: other.key,
        }),
      };
      const seen: (string | false)[] = [];
      const options: TlsStepOptions = {
        SNICallback: (name, done) => done(null, contexts[name]),
        onSecure: (socket) =>
          seen.push((socket as TLSSocket & { servername: string | false }).servername),
      };
      const named = await serve(chainOf(leaf, intermediate), leaf.key, options);
      const byName = await runCli([named, EHLO, '--ca', caFile, '--sni', 'other.probe.test']);
      const bare = await runCli([named, EHLO, '--ca', caFile, '--no-sni', '--json']);

      expect(byName.stdout).toContain('== certificate: CN=other.probe.test\n');
      expect(byName.stdout).toContain('== certificate verified\n');
      expect(seen[0]).toBe('other.probe.test');
      expect(seen[1]).toBeFalsy();
      const { tls } = parseReport(bare.stdout);
      expect(tls).toMatchObject({ servername: null, settings: { sni: false } });
      expect(tls.chain[0].subject).toBe('CN=mx.probe.test');
    },
  );

  it('when a client certificate is given then the server that asks for one sees it', async () => {
    const client = await intermediate.issue({
      names: ['client.probe.test'],
      ips: [],
      client: true,
    });
    const certFile = writeTempFile('client.pem', chainOf(client, intermediate));
    const keyFile = writeTempFile('client-key.pem', client.key);
    let seen: string | undefined;
    const target = await serve(chainOf(leaf, intermediate), leaf.key, {
      requestCert: true,
      rejectUnauthorized: false,
      onSecure: (socket) => (seen = String(socket.getPeerCertificate().subject?.CN)),
    });
    const run = await runCli([target, EHLO, '--client-cert', certFile, '--client-key', keyFile]);

    expect(run.exitCode).toBe(0);
    expect(seen).toBe('client.probe.test');
    expect(run.stdout).toContain(`==   client certificate offered from ${certFile}\n`);
    const keyBody = client.key.split('\n')[1]!;
    expect(run.stdout + run.stderr).not.toContain(keyBody);
  });

  it(
    'when --tls-min is above what the server offers ' + 'then the handshake fails (exit 6)',
    async () => {
      const target = await serve(chainOf(leaf, intermediate), leaf.key, { maxVersion: 'TLSv1.2' });
      const run = await runCli([target, EHLO, '--tls-min', 'TLSv1.3']);

      expect(run.exitCode).toBe(6);
      expect(run.stderr).toBe(
        'smtp-probe: TLS handshake failed: no TLS version in common (TLSv1.3 to TLSv1.3 ' +
          'offered with --tls-min/--tls-max; the server offers none of them)\n',
      );
    },
  );

  it('when --tls-max and --ciphers are given then they are used and reported', async () => {
    const target = await serve(chainOf(leaf, intermediate), leaf.key);
    const cipher = 'ECDHE-ECDSA-AES128-GCM-SHA256';
    const run = await runCli([target, EHLO, '--tls-max', 'TLSv1.2', '--ciphers', cipher]);

    expect(run.exitCode).toBe(0);
    expect(run.stdout).toMatch(/^== TLS TLSv1\.2, TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, /m);
    expect(run.stdout).toContain(`==   versions: default to TLSv1.2\n==   ciphers: ${cipher}\n`);
  });

  it.each([
    [['--tls-min', 'TLSv1.3', '--tls-max', 'TLSv1.2'], /--tls-min TLSv1\.3 is above --tls-max/],
    [['--tls-min', 'SSLv3'], /argument 'SSLv3' is invalid/],
    [['--ciphers', 'NO-SUCH-CIPHER'], /invalid --ciphers "NO-SUCH-CIPHER"/],
    [['--ciphersuites', 'TLS_NOPE'], /unknown TLS 1\.3 cipher suite TLS_NOPE/],
    [['--client-cert', '/nonexistent.pem'], /--client-cert and --client-key go together/],
    [
      ['--client-cert', '/nonexistent.pem', '--client-key', '/nonexistent-key.pem'],
      /cannot read --client-cert \/nonexistent\.pem: no such file/,
    ],
  ])(
    'when the options are %j then it is a usage error before connecting',
    async (args, message) => {
      const run = await runCli(['127.0.0.1:1', ...args]);

      expect(run.exitCode).toBe(2);
      expect(run.stderr).toMatch(message);
      expect(run.stdout).not.toContain('connect');
    },
  );

  it(
    'when the client key does not fit the certificate ' + 'then nothing of the key is shown',
    async () => {
      const client = await intermediate.issue({
        names: ['client.probe.test'],
        ips: [],
        client: true,
      });
      const certFile = writeTempFile('client2.pem', client.cert);
      const keyFile = writeTempFile('other-key.pem', leaf.key);
      const run = await runCli(['127.0.0.1:1', '--client-cert', certFile, '--client-key', keyFile]);

      expect(run.exitCode).toBe(2);
      expect(run.stderr).toContain('the --client-key does not fit the certificate in');
      expect(run.stderr).not.toContain(leaf.key.split('\n')[1]!);
    },
  );
});

describe('stapled OCSP and IPv6', () => {
  it('when the server staples a response then its status is reported, unchecked', async () => {
    const ocspServer = createTlsServer();
    ocspServer.on('OCSPRequest', (_cert, _issuer, done) => done(null, ocspResponse('good')));
    const target = await serve(chainOf(leaf, intermediate), leaf.key, { server: ocspServer });
    const run = await runCli([target, EHLO, '--ca', caFile, '--json']);
    const { tls } = parseReport(run.stdout);

    expect(tls.ocsp).toMatchObject({ stapled: true, status: 'good' });
    const text = await runCli([target, EHLO, '--ca', caFile]);
    expect(text.stdout).toContain(
      '== OCSP: stapled, good, next update 2030-01-08 (signature not checked)\n',
    );
  });

  it(
    'when the server listens on ::1 then the chain ' + 'is read and verified there',
    async (context) => {
      if (!(await canListenOn('::1'))) {
        context.skip('::1 is not available on this host (no IPv6 loopback)');
      }
      const target = await serve(chainOf(leaf, intermediate), leaf.key, {}, '::1');
      const run = await runCli([target, EHLO, '--ca', caFile, '--tls-verify']);

      expect(run.exitCode).toBe(0);
      expect(run.stdout).toContain('==   checked: name ::1, ');
      expect(run.stdout).toContain('== certificate verified\n');
    },
  );
});

function canListenOn(host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen(0, host, () => probe.close(() => resolve(true)));
  });
}
