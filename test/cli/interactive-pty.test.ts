/**
 * `smtp-probe -i` at a real pseudo-terminal: typing, history, completion,
 * STARTTLS in place, the AUTH helper with a secret that no output holds,
 * DATA with dot-stuffing, Ctrl-C during a wait, Ctrl-D, a server that
 * closes, and smtp-probe's own / commands.
 */
import { readFileSync, statSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { makeCertificateAuthority } from '../helpers/certificates.js';
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
import { killPtysAfterEach, startPty, type PtyRun } from '../helpers/pty.js';
import { startRealServer, type RealServer } from '../helpers/smtp-server.js';
import { removeTempFiles, writeTempFile } from '../helpers/temp-files.js';
import { EHLO_PLAIN, GREETING_220, REPLY_221_BYE, REPLY_250_OK } from '../fixtures/replies.js';

const SECRET = 'Pty-S3cret-Pa55';
const REPLY_500_UNKNOWN = '500 5.5.1 command unrecognized\r\n';
const EHLO_AUTH = '250-mx.probe.test\r\n250-AUTH PLAIN LOGIN\r\n250 8BITMIME\r\n';

let servers: { close(): Promise<void> }[] = [];
let caFile: string;
let pair: { cert: string; key: string };

killPtysAfterEach();

beforeAll(async () => {
  const authority = await makeCertificateAuthority();
  pair = await authority.issue();
  caFile = writeTempFile('ca.pem', authority.cert);
});

afterEach(async () => {
  await Promise.all(servers.map((server) => server.close()));
  servers = [];
});

afterAll(removeTempFiles);

async function fake(script: Step[]): Promise<FakeServer> {
  const server = await startFakeServer(script);
  servers.push(server);
  return server;
}

async function real(): Promise<RealServer> {
  const server = await startRealServer({ pair, users: { probeuser: SECRET } });
  servers.push(server);
  return server;
}

/** A session in a pty with a fresh history file; `history` is its path. */
function session(port: number, more: string[] = [], earlier = ''): PtyRun & { history: string } {
  const history = writeTempFile('history', earlier);
  const run = startPty(['-i', `127.0.0.1:${port}`, '--history-file', history, ...more]);
  return Object.assign(run, { history });
}

/** Types a line and waits for the prompt that follows its reply. */
async function typeLine(run: PtyRun, line: string, prompt = /smtp-probe[^>\n]*> $/): Promise<void> {
  const from = run.screen().length;
  run.type(`${line}\r`);
  await run.waitFor(prompt, from + line.length);
}

const UP_ARROW = '\x1b[A';

/**
 * Types keys one write at a time: readline takes a Tab that comes in one
 * chunk with other keys as pasted text, not as a request to complete.
 */
async function typeKeys(run: PtyRun, ...keys: string[]): Promise<void> {
  for (const key of keys) {
    run.type(key);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('typing at the prompt', () => {
  it('when a command is typed then it is sent with CRLF and its reply is timed', async () => {
    const server = await fake([
      send(GREETING_220),
      expectLine(/^EHLO client\.probe\.test$/),
      send(EHLO_PLAIN),
      expectLine(/^QUIT$/),
      send(REPLY_221_BYE),
    ]);
    const run = session(server.port);
    await run.waitFor(/smtp-probe> $/);
    await typeLine(run, 'EHLO client.probe.test');
    run.type('QUIT\r');

    expect(await run.exited).toBe(0);
    expect(server.problems).toEqual([]);
    expect(server.received[0]!.toString()).toBe('EHLO client.probe.test\r\nQUIT\r\n');
    expect(run.screen()).toMatch(/<- 250 8BITMIME +[\d.]+ ms\n/);
    expect(run.screen()).toContain('result: OK');
  });

  it(
    'when the up arrow is pressed ' + 'then earlier commands, of this run and the last, come back',
    async () => {
      const server = await fake([
        send(GREETING_220),
        expectLine(/^NOOP first$/),
        send(REPLY_250_OK),
        expectLine(/^NOOP from an earlier run$/),
        send(REPLY_250_OK),
        expectLine(/^QUIT$/),
        send(REPLY_221_BYE),
      ]);
      const run = session(server.port, [], 'NOOP from an earlier run\n');
      await run.waitFor(/smtp-probe> $/);
      await typeLine(run, 'NOOP first');
      await typeKeys(run, UP_ARROW, UP_ARROW);
      await typeLine(run, '');
      run.type('\x04');

      expect(await run.exited).toBe(0);
      expect(server.problems).toEqual([]);
      const kept = 'NOOP from an earlier run\nNOOP first\nNOOP from an earlier run\n';
      expect(readFileSync(run.history, 'utf8')).toBe(kept);
      expect(statSync(run.history).mode & 0o777).toBe(0o600);
    },
  );

  it('when Tab is pressed then commands and MAIL FROM complete', async () => {
    const server = await fake([
      send(GREETING_220),
      expectLine(/^EHLO x\.probe\.test$/),
      send(EHLO_PLAIN),
      expectLine(/^MAIL FROM:<a@probe\.test> SIZE=10$/),
      send(REPLY_250_OK),
      expectLine(/^QUIT$/),
      send(REPLY_221_BYE),
    ]);
    const run = session(server.port);
    await run.waitFor(/smtp-probe> $/);
    await typeKeys(run, 'eh', '\t');
    await typeLine(run, ' x.probe.test');
    await typeKeys(run, 'ma', '\t', 'a@probe.test> SI', '\t');
    await typeLine(run, '10');
    run.type('\x04');

    expect(await run.exited).toBe(0);
    expect(server.problems).toEqual([]);
  });
});

describe('the tool commands', () => {
  it(
    'when /help, an unknown /word and //TEXT are typed ' + 'then only //TEXT sends, as /TEXT',
    async () => {
      const server = await fake([
        send(GREETING_220),
        expectLine(/^\/XYZZY$/),
        send(REPLY_500_UNKNOWN),
        expectLine(/^QUIT$/),
        send(REPLY_221_BYE),
      ]);
      const run = session(server.port);
      await run.waitFor(/smtp-probe> $/);
      await typeLine(run, '/help');
      await typeLine(run, '/frobnicate');
      await typeLine(run, '//XYZZY');
      await typeLine(run, `/save ${run.history}.saved`);
      run.type('/quit\r');

      expect(await run.exited).toBe(0);
      expect(server.received[0]!.toString()).toBe('/XYZZY\r\nQUIT\r\n');
      expect(run.screen()).toContain('/save FILE');
      expect(run.screen()).toContain('!! unknown command /frobnicate: nothing sent');
      const saved = readFileSync(`${run.history}.saved`, 'utf8');
      expect(saved).toContain('<- 500 5.5.1 command unrecognized');
      expect(statSync(`${run.history}.saved`).mode & 0o777).toBe(0o600);
    },
  );
});

describe('waits and endings', () => {
  it(
    'when Ctrl-C is pressed during a wait ' + 'then the session goes on and the late reply shows',
    async () => {
      const server = await fake([
        send(GREETING_220),
        expectLine(/^NOOP$/),
        silent(1_500),
        send(REPLY_250_OK),
        expectLine(/^QUIT$/),
        send(REPLY_221_BYE),
      ]);
      const run = session(server.port);
      await run.waitFor(/smtp-probe> $/);
      run.type('NOOP\r');
      await run.waitFor(/-> NOOP\n/);
      run.type('\x03');
      await run.waitFor(/stopped waiting \(Ctrl-C\)/);
      await run.waitFor(/<- 250 2\.0\.0 OK +unsolicited/);
      run.type('QUIT\r');

      expect(await run.exited).toBe(0);
      expect(server.problems).toEqual([]);
    },
  );

  it(
    'when the server closes while the prompt waits ' + 'then the session ends with exit 8',
    async () => {
      const server = await fake([
        send(GREETING_220),
        delay(300),
        send('421 4.4.2 mx.probe.test idle too long\r\n'),
        close(),
      ]);
      const run = session(server.port);

      expect(await run.exited).toBe(8);
      expect(run.screen()).toMatch(/<- 421 4\.4\.2 mx\.probe\.test idle too long +unsolicited/);
      // Explained like a reply to a command: the codes, then the cause.
      expect(run.screen()).toContain('== 421: service not available: the server is closing');
      expect(run.screen()).toContain('== cause: the server stopped waiting for the client');
      expect(run.screen()).toContain('** the server closed the connection, after saying 421');
    },
  );
});

describe('STARTTLS, AUTH and DATA against smtp-server', () => {
  it(
    'when a whole session is typed ' +
      'then TLS is shown, the secret never is, and DATA is dot-stuffed',
    async () => {
      const server = await real();
      const run = session(server.port, ['--ca', caFile]);
      await run.waitFor(/smtp-probe> $/);
      await typeLine(run, 'EHLO client.probe.test');
      await typeLine(run, 'STARTTLS', /smtp-probe \(TLS\)> $/);
      await typeLine(run, 'EHLO client.probe.test');
      await typeLine(run, 'AUTH PLAIN', /user name: $/);
      await typeLine(run, 'probeuser', /password for probeuser \(not echoed\): $/);
      await typeLine(run, SECRET);
      await typeLine(run, 'MAIL FROM:<me@probe.test>');
      await typeLine(run, 'RCPT TO:<you@probe.test>');
      await typeLine(run, 'DATA', /data \(TLS\)> $/);
      await typeLine(run, 'Subject: typed by hand', /data \(TLS\)> $/);
      await typeLine(run, '', /data \(TLS\)> $/);
      await typeLine(run, '.a line that starts with a dot', /data \(TLS\)> $/);
      await typeLine(run, '.');
      run.type('QUIT\r');

      expect(await run.exited).toBe(0);
      const screen = run.screen();
      expect(screen).toContain('== certificate verified');
      expect(screen).toContain('~> AUTH PLAIN <credentials for "probeuser", hidden>');
      expect(screen).toMatch(/<~ 235 /);
      expect(screen).toMatch(/~> <message: 3 lines, \d+ bytes, 1 dot-stuffed>, then \./);
      expect(server.messages[0]!.toString()).toContain('\r\n.a line that starts with a dot\r\n');
      const history = readFileSync(run.history, 'utf8');
      for (const output of [run.output(), history]) {
        expect(output).not.toContain(SECRET);
        expect(output).not.toContain(Buffer.from(`\0probeuser\0${SECRET}`).toString('base64'));
      }
      expect(history).not.toMatch(/AUTH|probeuser|Subject|starts with a dot/);
    },
  );

  it('when AUTH PLAIN is typed in full then its echo, transcript and history hide it', async () => {
    const blob = Buffer.from(`\0probeuser\0${SECRET}`).toString('base64');
    const server = await real();
    const run = session(server.port, ['--ca', caFile]);
    await run.waitFor(/smtp-probe> $/);
    await typeLine(run, 'EHLO client.probe.test');
    await typeLine(run, 'STARTTLS', /smtp-probe \(TLS\)> $/);
    await typeLine(run, 'EHLO client.probe.test');
    await typeLine(run, `AUTH PLAIN ${blob}`);
    run.type('QUIT\r');

    expect(await run.exited).toBe(0);
    expect(run.screen()).toContain('~> AUTH PLAIN <initial response hidden>');
    expect(run.screen()).toMatch(/<~ 235 /);
    for (const output of [run.output(), readFileSync(run.history, 'utf8')]) {
      expect(output).not.toContain(blob.slice(8));
      expect(output).not.toContain(SECRET);
    }
  });

  it(
    'when Ctrl-C is pressed at the password prompt ' + 'then AUTH is cancelled and nothing sent',
    async () => {
      const server = await fake([
        send(GREETING_220),
        expectLine(/^EHLO/),
        send(EHLO_AUTH),
        expectLine(/^QUIT$/),
        send(REPLY_221_BYE),
      ]);
      const run = session(server.port, ['--auth-insecure']);
      await run.waitFor(/smtp-probe> $/);
      await typeLine(run, 'EHLO client.probe.test');
      await typeLine(run, 'AUTH LOGIN', /user name: $/);
      await typeLine(run, 'probeuser', /\(not echoed\): $/);
      run.type(`${SECRET.slice(0, 4)}\x03`);
      await run.waitFor(/AUTH LOGIN cancelled: nothing sent/);
      run.type('\x04');

      expect(await run.exited).toBe(0);
      expect(server.problems).toEqual([]);
      expect(run.output()).not.toContain(SECRET.slice(0, 4));
      expect(server.received[0]!.toString()).not.toContain('AUTH');
    },
  );
});
