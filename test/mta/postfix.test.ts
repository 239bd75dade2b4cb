/**
 * The real-MTA suite: the built CLI against a private Postfix on loopback,
 * started by .ci/mta/run-suite.sh (which sets the POSTFIX_* variables).
 */
import { describe, expect, it } from 'vitest';
import { spawnCli } from '../helpers/spawn-cli.js';

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run this suite through .ci/mta/run-suite.sh`);
  return value;
}

const host = required('POSTFIX_HOST');
const port = required('POSTFIX_PORT');
const tlsPort = required('POSTFIX_TLS_PORT');
const cert = required('POSTFIX_CERT');
const target = `${host}:${port}`;

function clientLines(stdout: string): string[] {
  return stdout.split('\n').filter((line) => /^[-~]> /.test(line));
}

describe('Postfix', () => {
  it(
    'when probed with the defaults then greeting, ' +
      'EHLO, STARTTLS, TLS, EHLO and QUIT all succeed',
    async () => {
      const run = await spawnCli([target, '--ehlo', 'client.probe.test']);

      expect(run.stderr).toBe('');
      expect(run.exitCode).toBe(0);
      expect(run.stdout).toMatch(/^<- 220 mx\.probe\.test ESMTP Postfix/m);
      expect(run.stdout).toMatch(/^<- 250-STARTTLS$/m);
      expect(run.stdout).toMatch(/^== TLS TLSv1\.[23], /m);
      expect(run.stdout).toMatch(/^<~ 250-mx\.probe\.test/m);
      expect(run.stdout).toMatch(/^<~ 221 2\.0\.0 Bye/m);
      expect(run.stdout).not.toMatch(/-\d+(\.\d+)? m?s/);
      expect(clientLines(run.stdout)).toEqual([
        '-> EHLO client.probe.test',
        '-> STARTTLS',
        '~> EHLO client.probe.test',
        '~> QUIT',
      ]);
    },
  );

  it('when the EHLO over TLS is read then STARTTLS is gone from the extensions', async () => {
    const run = await spawnCli([target, '--ehlo', 'client.probe.test']);
    const afterTls = run.stdout.slice(run.stdout.indexOf('~> EHLO'));

    expect(afterTls).toMatch(/^<~ 250[- ]PIPELINING/m);
    // The server's lines inside TLS; smtp-probe's comparison line names STARTTLS itself.
    expect(afterTls).not.toMatch(/^<~ .*STARTTLS/m);
    expect(afterTls).toMatch(/^== extensions: .*before TLS only: STARTTLS/m);
  });

  it('when the certificate is checked then its self-signature and name are reported', async () => {
    const run = await spawnCli([target, '--ehlo', 'client.probe.test']);

    expect(run.stdout).toMatch(/^== certificate: CN=mx\.probe\.test \(CA, self-signed\)$/m);
    expect(run.stdout).toMatch(
      /^!! certificate not trusted: self-signed certificate: .*; name mismatch: 127\.0\.0\.1 checked, the certificate is for mx\.probe\.test$/m,
    );
    // Alone and self-signed, a CA certificate is not sent out of place.
    expect(run.stdout).not.toMatch(/^!! chain: /m);
    expect(run.stdout).toMatch(/^== {3}checked: name 127\.0\.0\.1, system store /m);
  });

  it(
    'when --ca names Postfix certificate then the ' + 'chain verifies and only the name is wrong',
    async () => {
      const run = await spawnCli([target, '--ehlo', 'client.probe.test', '--ca', cert]);

      expect(run.exitCode).toBe(0);
      expect(run.stdout).toMatch(
        /^!! certificate not trusted: name mismatch: 127\.0\.0\.1 checked, the certificate is for mx\.probe\.test$/m,
      );
      expect(run.stdout).toContain(`==   checked: name 127.0.0.1, --ca ${cert}`);
    },
  );

  it('when --banner is given then only the greeting is read and QUIT sent', async () => {
    const run = await spawnCli([target, '--banner']);

    expect(run.exitCode).toBe(0);
    expect(run.stdout).toMatch(/^<- 220 mx\.probe\.test ESMTP Postfix/m);
    expect(clientLines(run.stdout)).toEqual(['-> QUIT']);
  });

  it('when --starttls require is given then Postfix passes', async () => {
    const run = await spawnCli([target, '--starttls', 'require', '-q']);

    expect(run.exitCode).toBe(0);
    expect(run.stdout).toMatch(/^result: OK in .* \(exit 0\)\n$/);
  });

  it(
    'when the implicit-TLS port is probed with ' + 'smtps:// then the whole session is encrypted',
    async () => {
      const run = await spawnCli([`smtps://${host}:${tlsPort}`, '--ehlo', 'client.probe.test']);

      expect(run.exitCode).toBe(0);
      expect(run.stdout).toMatch(/^== TLS TLSv1\.[23], /m);
      expect(run.stdout).toMatch(/^<~ 220 mx\.probe\.test ESMTP Postfix/m);
      expect(clientLines(run.stdout)).toEqual(['~> EHLO client.probe.test', '~> QUIT']);
    },
  );

  it(
    'when plaintext is spoken to the implicit-TLS ' +
      'port then the greeting wait ends and says so',
    async () => {
      const run = await spawnCli([`${host}:${tlsPort}`, '--timeout', '2s']);

      expect(run.exitCode).toBe(5);
      expect(run.stderr).toBe(
        'smtp-probe: no greeting after 2.00 s (the TCP connection was accepted)\n',
      );
    },
  );

  it(
    'when implicit TLS is spoken to the plaintext ' + 'port then the plaintext greeting is named',
    async () => {
      const run = await spawnCli([`smtps://${host}:${port}`]);

      expect(run.exitCode).toBe(6);
      expect(run.stderr).toMatch(/answered in plaintext: "220 mx\.probe\.test ESMTP Postfix"/);
    },
  );
});
