import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parseReport } from '../helpers/schema.js';
import { runCli } from '../helpers/cli.js';
import {
  makeCertificateAuthority,
  makeSelfSigned,
  type CertificateAuthority,
  type CertificatePair,
} from '../helpers/certificates.js';
import {
  close,
  expectLine,
  readAny,
  send,
  silent,
  startFakeServer,
  startTls,
  type FakeServer,
  type Step,
} from '../helpers/fake-server.js';
import { startRealServer, type RealServer } from '../helpers/smtp-server.js';
import { removeTempFiles, writeTempFile } from '../helpers/temp-files.js';
import {
  EHLO_AFTER_TLS,
  EHLO_PLAIN,
  EHLO_WITH_STARTTLS,
  GREETING_220,
  REPLY_220_STARTTLS,
  REPLY_221_BYE,
} from '../fixtures/replies.js';

const EHLO = '--ehlo=probe.test';
let authority: CertificateAuthority;
let trusted: CertificatePair;
let selfSigned: CertificatePair;
let caFile: string;
let servers: { close(): Promise<void> }[] = [];

beforeAll(async () => {
  authority = await makeCertificateAuthority();
  trusted = await authority.issue({ names: ['mx.probe.test'], ips: ['127.0.0.1'] });
  selfSigned = await makeSelfSigned();
  caFile = writeTempFile('ca.pem', authority.cert);
});

afterEach(async () => {
  await Promise.all(servers.map((server) => server.close()));
  servers = [];
});

afterAll(removeTempFiles);

async function real(options: Parameters<typeof startRealServer>[0]): Promise<string> {
  const server: RealServer = await startRealServer(options);
  servers.push(server);
  return `127.0.0.1:${server.port}`;
}

async function fake(script: Step[]): Promise<{ target: string; server: FakeServer }> {
  const server = await startFakeServer(script);
  servers.push(server);
  return { target: `127.0.0.1:${server.port}`, server };
}

describe('STARTTLS against smtp-server', () => {
  it(
    'when STARTTLS is offered then it is used, ' + 'the TLS session reported and EHLO said again',
    async () => {
      const target = await real({ pair: selfSigned });
      const run = await runCli([target, EHLO]);

      expect(run.exitCode).toBe(0);
      expect(run.stdout).toMatch(/-> STARTTLS\n<- 220 Ready to start TLS/);
      expect(run.stdout).toMatch(/== TLS TLSv1\.[23], \S+, X25519, handshake /);
      expect(run.stdout).toMatch(
        /== {3}key: EC P-256, signed with ECDSA with SHA-256\n== {3}valid: .*\n/,
      );
      expect(run.stdout).toMatch(/== {3}sha256: ([0-9A-F]{2}:){31}[0-9A-F]{2}\n/);
      expect(run.stdout).toContain('== certificate: CN=mx.probe.test (self-signed)\n');
      expect(run.stdout).toMatch(
        /!! certificate not trusted: self-signed certificate: its own issuer, and not in the trust store\n== {3}checked: name 127\.0\.0\.1, /,
      );
      expect(run.stdout).toMatch(/~> EHLO probe\.test\n<~ 250-mx\.probe\.test/);
      expect(run.stdout).toMatch(/~> QUIT\n<~ 221 /);
      expect(run.stdout).toMatch(
        /timings: connect .* · starttls .* · tls .* · ehlo \(tls\) .* · quit /,
      );
      // Latency runs from the command's last byte: over TLS too it is never negative.
      expect(run.stdout).not.toMatch(/-\d+(\.\d+)? m?s/);
    },
  );

  it(
    'when the certificate is self-signed and ' + '--tls-verify is given then the exit status is 6',
    async () => {
      const target = await real({ pair: selfSigned });
      const run = await runCli([target, EHLO, '--tls-verify']);

      expect(run.exitCode).toBe(6);
      expect(run.stderr).toBe(
        'smtp-probe: --tls-verify: the certificate is not trusted ' +
          '(self-signed certificate: its own issuer, and not in the trust store)\n',
      );
      expect(run.stdout).toMatch(/^\*\* --tls-verify: .*\n~> QUIT\n<~ 221 /m);
    },
  );

  it('when --tls-verify fails then the JSON report still holds the certificate', async () => {
    const target = await real({ pair: selfSigned });
    const run = await runCli([target, EHLO, '--tls-verify', '--json']);
    const report = parseReport(run.stdout);

    expect(run.exitCode).toBe(6);
    expect(report.tls.verification).toMatchObject({ trusted: false });
    expect(report.tls.certificate.daysLeft).toBeGreaterThan(0);
    expect(report.exchanges.at(-1)).toMatchObject({ stage: 'quit', secure: true });
  });

  it(
    'when --ca names the issuing CA then the ' + 'certificate verifies and --tls-verify passes',
    async () => {
      const target = await real({ pair: trusted });
      const run = await runCli([target, EHLO, '--tls-verify', '--ca', caFile]);

      expect(run.exitCode).toBe(0);
      expect(run.stdout).toContain(
        `== certificate verified\n==   checked: name 127.0.0.1, --ca ${caFile}`,
      );
    },
  );

  it('when --sni names the certificate host then that name is sent and verified', async () => {
    const named = await authority.issue({ names: ['mx.probe.test'], ips: [] });
    const target = await real({ pair: named });
    const run = await runCli([
      target,
      EHLO,
      '--sni',
      'mx.probe.test',
      '--ca',
      caFile,
      '--tls-verify',
    ]);

    expect(run.exitCode).toBe(0);
    expect(run.stdout).toContain(
      `== certificate verified\n==   checked: name mx.probe.test, --ca ${caFile}`,
    );
  });

  it('when the certificate names another host then the mismatch is reported', async () => {
    const other = await authority.issue({ names: ['other.probe.test'], ips: [] });
    const target = await real({ pair: other });
    const run = await runCli([target, EHLO, '--ca', caFile]);

    expect(run.exitCode).toBe(0);
    expect(run.stdout).toContain(
      '!! certificate not trusted: name mismatch: 127.0.0.1 checked, ' +
        'the certificate is for other.probe.test\n',
    );
  });

  it(
    'when --tls-verify fails on the name alone then the ' + 'hint points at the name, not the CA',
    async () => {
      const other = await authority.issue({ names: ['other.probe.test'], ips: [] });
      const target = await real({ pair: other });
      const run = await runCli([target, EHLO, '--ca', caFile, '--tls-verify']);

      expect(run.exitCode).toBe(6);
      expect(run.stdout).toContain(
        'hint: the chain verifies but names other hosts: check the target, or give --sni NAME',
      );
    },
  );

  it('when --starttls never is given then no STARTTLS is sent', async () => {
    const target = await real({ pair: selfSigned });
    const run = await runCli([target, EHLO, '--starttls', 'never']);

    expect(run.exitCode).toBe(0);
    expect(run.stdout).not.toMatch(/^-> STARTTLS/m);
    expect(run.stdout).not.toContain('~>');
  });
});

describe('implicit TLS against smtp-server', () => {
  it(
    'when smtps:// is used then the handshake ' + 'comes first and the whole session is encrypted',
    async () => {
      const target = await real({ pair: trusted, implicitTls: true });
      const run = await runCli([`smtps://${target}`, EHLO, '--ca', caFile]);

      expect(run.exitCode).toBe(0);
      expect(run.stdout).toMatch(/== connected to .*\n== TLS TLSv1\.[23]/);
      expect(run.stdout).toMatch(/<~ 220 mx\.probe\.test/);
      expect(run.stdout).not.toMatch(/^-> /m);
      expect(run.stdout).toMatch(/timings: connect .* · tls .* · greeting /);

      // The greeting is timed from the end of the handshake: the stages add up.
      const timings = run.stdout.match(/^timings: (.*)$/m)![1]!.split(' · ');
      const milliseconds = timings.map((part) => {
        const [, value, unit] = /([\d.]+) (ms|s)$/.exec(part)!;
        return Number(value) * (unit === 's' ? 1000 : 1);
      });
      const total = milliseconds.pop()!;
      const sum = milliseconds.reduce((a, b) => a + b, 0);
      expect(sum).toBeLessThanOrEqual(total + 1);
    },
  );

  it('when --banner is used over implicit TLS then only the greeting and QUIT pass', async () => {
    const target = await real({ pair: trusted, implicitTls: true });
    const run = await runCli([target, '--tls', '--banner', '--ca', caFile]);

    expect(run.exitCode).toBe(0);
    expect(run.stdout.match(/^~> /gm)).toEqual(['~> ']);
  });
});

describe('broken and hostile TLS', () => {
  it(
    'when --starttls require is given and STARTTLS ' + 'is not offered then the exit status is 6',
    async () => {
      const { target, server } = await fake([
        send(GREETING_220),
        expectLine(/^EHLO/),
        send(EHLO_PLAIN),
        expectLine(/^QUIT/),
        send(REPLY_221_BYE),
      ]);
      const run = await runCli([target, EHLO, '--starttls', 'require']);

      expect(run.exitCode).toBe(6);
      expect(run.stderr).toBe(
        'smtp-probe: the server does not offer STARTTLS, and --starttls require was given\n',
      );
      expect(server.clientLines()).toEqual(['EHLO probe.test', 'QUIT']);
    },
  );

  it('when STARTTLS is offered but refused with 454 then the exit status is 44', async () => {
    const { target } = await fake([
      send(GREETING_220),
      expectLine(/^EHLO/),
      send(EHLO_WITH_STARTTLS),
      expectLine(/^STARTTLS$/),
      send('454 4.7.0 TLS not available due to local problem\r\n'),
      expectLine(/^QUIT/),
      send(REPLY_221_BYE),
    ]);
    const run = await runCli([target, EHLO]);

    expect(run.exitCode).toBe(44);
    expect(run.stderr).toContain(
      'STARTTLS refused (temporary failure): 454 4.7.0 TLS not available',
    );
  });

  it(
    'when the server answers the ClientHello in ' + 'plaintext then it says so and shows what came',
    async () => {
      const { target } = await fake([
        send(GREETING_220),
        expectLine(/^EHLO/),
        send(EHLO_WITH_STARTTLS),
        expectLine(/^STARTTLS$/),
        send('220 Go ahead with TLS\r\n'),
        readAny(),
        send('500 5.5.1 Command unrecognized\r\n'),
        close(),
      ]);
      const run = await runCli([target, EHLO]);

      expect(run.exitCode).toBe(6);
      expect(run.stderr).toBe(
        'smtp-probe: TLS handshake failed: the server answered ' +
          'in plaintext: "500 5.5.1 Command unrecognized"\n',
      );
      expect(run.stdout).toContain(
        'hint: the server accepted STARTTLS but its TLS is broken; --starttls never skips TLS',
      );
    },
  );

  it('when the server goes silent after 220 to STARTTLS then the handshake times out', async () => {
    const { target } = await fake([
      send(GREETING_220),
      expectLine(/^EHLO/),
      send(EHLO_WITH_STARTTLS),
      expectLine(/^STARTTLS$/),
      send('220 Go ahead\r\n'),
      silent(3_000),
    ]);
    const run = await runCli([target, EHLO, '--timeout', '400ms']);

    expect(run.exitCode).toBe(5);
    expect(run.stderr).toBe('smtp-probe: TLS handshake did not finish after 400 ms\n');
  });

  it(
    'when bytes follow the STARTTLS reply before the ' +
      'handshake then the session stops as injection',
    async () => {
      const { target, server } = await fake([
        send(GREETING_220),
        expectLine(/^EHLO/),
        send(EHLO_WITH_STARTTLS),
        expectLine(/^STARTTLS$/),
        send(`${REPLY_220_STARTTLS}250-injected\r\n250 AUTH PLAIN\r\n`),
        silent(1_000),
      ]);
      const run = await runCli([target, EHLO]);

      expect(run.exitCode).toBe(6);
      expect(run.stderr).toMatch(/sent data after its STARTTLS reply, before the TLS handshake/);
      expect(run.stdout).toMatch(/^<- 250-injected\n<- 250 AUTH PLAIN\n\*\* the server sent data/m);
      expect(server.clientLines()).toEqual(['EHLO probe.test', 'STARTTLS']);
    },
  );

  it('when implicit TLS meets a plaintext greeting then it suggests STARTTLS instead', async () => {
    const { target } = await fake([
      send(GREETING_220),
      readAny(),
      send('500 5.5.1 Command unrecognized\r\n'),
      close(),
    ]);
    const run = await runCli([target, '--tls']);

    expect(run.exitCode).toBe(6);
    expect(run.stderr).toBe(
      'smtp-probe: TLS handshake failed: the server answered ' +
        'in plaintext: "220 mx.probe.test ESMTP ready"\n',
    );
    expect(run.stdout).toContain(
      'hint: this port may expect plaintext SMTP and STARTTLS: try without --tls',
    );
  });

  it(
    'when the server presents a certificate inside ' +
      'a scripted TLS session then the session goes on',
    async () => {
      const { target, server } = await fake([
        send(GREETING_220),
        expectLine(/^EHLO/),
        send(EHLO_WITH_STARTTLS),
        expectLine(/^STARTTLS$/),
        send(REPLY_220_STARTTLS),
        startTls(trusted),
        expectLine(/^EHLO probe\.test$/),
        send(EHLO_AFTER_TLS),
        expectLine(/^QUIT$/),
        send(REPLY_221_BYE),
      ]);
      const run = await runCli([target, EHLO, '--ca', caFile]);

      expect(run.exitCode).toBe(0);
      expect(run.stdout).toContain('<~ 250 AUTH PLAIN LOGIN');
      expect(server.problems).toEqual([]);
    },
  );
});

describe('a handshake the server breaks', () => {
  // After the 220 the client sends its ClientHello; these bytes answer it.
  const answeredWith = (record: Buffer) => [
    send(GREETING_220),
    expectLine(/^EHLO/),
    send(EHLO_WITH_STARTTLS),
    expectLine(/^STARTTLS$/),
    send(REPLY_220_STARTTLS),
    readAny(),
    send(record),
  ];

  it('when the server answers with a fatal alert then the alert is named', async () => {
    const handshakeFailure = Buffer.from([0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x28]);
    const { target } = await fake(answeredWith(handshakeFailure));
    const run = await runCli([target, EHLO]);

    expect(run.exitCode).toBe(6);
    expect(run.stderr).toBe(
      'smtp-probe: TLS handshake failed: the server ended it with the TLS alert ' +
        '"handshake failure"\n',
    );
    // The binary record is not shown as a server line.
    expect(run.stdout.split('Ready to start TLS')[1]).not.toContain('\n<- ');
  });

  it(
    'when the server stalls inside the handshake ' + 'then its bytes are counted, not shown',
    async () => {
      const partialServerHello = Buffer.from([
        0x16, 0x03, 0x03, 0x00, 0x30, 0x02, 0x00, 0x00, 0x2c,
      ]);
      const { target } = await fake([...answeredWith(partialServerHello), silent(3_000)]);
      const run = await runCli([target, EHLO, '--timeout', '1s']);

      expect(run.exitCode).toBe(5);
      expect(run.stderr).toBe(
        'smtp-probe: TLS handshake did not finish after 1.00 s: ' +
          'the server sent 9 bytes of it, then nothing more\n',
      );
      expect(run.stdout.split('Ready to start TLS')[1]).not.toContain('\n<- ');
    },
  );

  it('when the server sends a ServerHello too short then it is called malformed', async () => {
    // A ServerHello of 6 bytes: too short to hold even its random.
    const header = [0x16, 0x03, 0x03, 0x00, 0x0a, 0x02, 0x00, 0x00, 0x06];
    const serverHello = Buffer.from([...header, 0x03, 0x03, 0, 0, 0, 0]);
    const { target } = await fake(answeredWith(serverHello));
    const run = await runCli([target, EHLO]);

    expect(run.exitCode).toBe(6);
    expect(run.stderr).toMatch(
      /TLS handshake failed: the server sent a malformed TLS message \(OpenSSL: /,
    );
    expect(run.stdout).not.toContain('control characters');
  });
});

describe('--ciphersuites', () => {
  it('when one TLS 1.3 suite is asked for then that suite is the one negotiated', async () => {
    const authority = await makeCertificateAuthority();
    const pair = await authority.issue({ names: ['mx.probe.test'], ips: ['127.0.0.1'] });
    const server = await startRealServer({ pair, implicitTls: true });
    try {
      const target = `smtps://127.0.0.1:${server.port}`;
      const suite = 'TLS_CHACHA20_POLY1305_SHA256';
      const run = await runCli([target, '--banner', '--ciphersuites', suite, '--json']);
      const report = parseReport(run.stdout);

      expect(report.tls.protocol).toBe('TLSv1.3');
      expect(report.tls.cipher).toBe(suite);
    } finally {
      await server.close();
    }
  });
});
