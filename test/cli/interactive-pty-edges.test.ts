/**
 * `smtp-probe -i` at a pseudo-terminal, at the edges: lines typed ahead of
 * a refusal, short secrets, a history that keeps only what was sent,
 * interruptions during the TLS handshake and the AUTH helper's prompts,
 * Tab inside DATA.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import {
  close,
  delay,
  expectLine,
  expectMessage,
  send,
  silent,
  startFakeServer,
  type FakeServer,
  type Step,
} from '../helpers/fake-server.js';
import { killPtysAfterEach, startPty, type PtyRun } from '../helpers/pty.js';
import { removeTempFiles, writeTempFile } from '../helpers/temp-files.js';
import { GREETING_220, REPLY_221_BYE } from '../fixtures/replies.js';

const REPLY_554_NO_RECIPIENTS = '554 5.5.1 Error: no valid recipients\r\n';

let servers: FakeServer[] = [];

killPtysAfterEach();

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

/** A session in a pty with a fresh history file; `history` is its path. */
function session(port: number, more: string[] = []): PtyRun & { history: string } {
  const history = writeTempFile('history', '');
  const run = startPty(['-i', `127.0.0.1:${port}`, '--history-file', history, ...more]);
  return Object.assign(run, { history });
}

describe('lines typed ahead', () => {
  it('when DATA is refused then the message typed ahead is skipped, not sent', async () => {
    const server = await fake([
      send(GREETING_220),
      expectLine(/^DATA$/),
      delay(400),
      send(REPLY_554_NO_RECIPIENTS),
      expectLine(/^QUIT$/),
      send(REPLY_221_BYE),
    ]);
    const run = session(server.port);
    await run.waitFor(/smtp-probe> $/);
    run.type('DATA\rSubject: typed ahead\rVRFY root\r.\r');
    await run.waitFor(/skipped, none sent/);
    run.type('QUIT\r');

    expect(await run.exited).toBe(0);
    expect(server.problems).toEqual([]);
    expect(server.received[0]!.toString()).toBe('DATA\r\nQUIT\r\n');
    expect(run.screen()).toContain('the 2 lines of its message and the lone "." after them');
  });
});

const EHLO_AUTH = '250-mx.probe.test\r\n250-AUTH PLAIN LOGIN\r\n250 8BITMIME\r\n';
const REPLY_334_USER = '334 VXNlcm5hbWU6\r\n';
const REPLY_334_PASSWORD = '334 UGFzc3dvcmQ6\r\n';
const REPLY_235_OK = '235 2.7.0 Authentication successful\r\n';

/** Says EHLO and runs AUTH LOGIN through the helper with this password. */
async function logIn(run: PtyRun, password: string): Promise<void> {
  await run.waitFor(/smtp-probe> $/);
  run.type('EHLO client.probe.test\r');
  await run.waitFor(/250 8BITMIME/);
  run.type('AUTH LOGIN\r');
  await run.waitFor(/user name: $/);
  run.type('probeuser\r');
  await run.waitFor(/\(not echoed\): $/);
  run.type(`${password}\r`);
}

const LOGIN_STEPS: Step[] = [
  send(GREETING_220),
  expectLine(/^EHLO/),
  send(EHLO_AUTH),
  expectLine(/^AUTH LOGIN$/),
  send(REPLY_334_USER),
  expectLine(/^cHJvYmV1c2Vy$/),
  send(REPLY_334_PASSWORD),
];

describe('a short secret', () => {
  it(
    'when the password is one letter ' + 'then the prompt stays whole and a warning says why',
    async () => {
      const server = await fake([
        ...LOGIN_STEPS,
        expectLine(/^ZQ==$/),
        send(REPLY_235_OK),
        expectLine(/^NOOP$/),
        send('250 2.0.0 ok e\r\n'),
        expectLine(/^QUIT$/),
        send(REPLY_221_BYE),
      ]);
      const run = session(server.port, ['--auth-insecure']);
      await logIn(run, 'e');
      await run.waitFor(/235 2\.7\.0/);
      await run.waitFor(/smtp-probe> $/);
      run.type('NOOP\r');
      await run.waitFor(/250 2\.0\.0 ok/);
      run.type('QUIT\r');

      expect(await run.exited).toBe(0);
      expect(server.problems).toEqual([]);
      const screen = run.screen();
      expect(screen).toContain('secret is under 6 characters');
      expect(screen).toContain('<- 250 2.0.0 ok <hidden>');
      expect(screen).toMatch(/^smtp-probe> NOOP$/m);
      expect(run.output()).not.toMatch(/smtp-prob<hidden>|ZQ==/);
    },
  );
});

describe('the history', () => {
  it(
    'when lines typed ahead are dropped or read as a SASL response ' + 'then none is kept',
    async () => {
      const server = await fake([
        send(GREETING_220),
        expectLine(/^NOOP$/),
        silent(800),
        send('250 2.0.0 late\r\n'),
        expectLine(/^AUTH X-UNKNOWN$/),
        delay(300),
        send('334 \r\n'),
        expectLine(/^c2VjcmV0$/),
        send('535 5.7.8 no\r\n'),
        expectLine(/^QUIT$/),
        send(REPLY_221_BYE),
      ]);
      const run = session(server.port);
      await run.waitFor(/smtp-probe> $/);
      run.type('NOOP\r');
      await run.waitFor(/-> NOOP\n/);
      run.type('VRFY typed-ahead\r');
      run.type('\x03');
      await run.waitFor(/typed-ahead lines dropped/);
      await run.waitFor(/250 2\.0\.0 late +unsolicited/);
      run.type('AUTH X-UNKNOWN\rc2VjcmV0\r');
      await run.waitFor(/535 5\.7\.8/);
      run.type('QUIT\r');

      expect(await run.exited).toBe(0);
      expect(server.problems).toEqual([]);
      expect(readFileSync(run.history, 'utf8')).toBe('NOOP\nQUIT\n');
    },
  );
});

describe('Ctrl-C during the TLS handshake', () => {
  it(
    'when Ctrl-C is pressed while TLS starts ' + 'then the session ends, exit 130, no prompt',
    async () => {
      const server = await fake([
        send(GREETING_220),
        expectLine(/^STARTTLS$/),
        send('220 2.0.0 Ready to start TLS\r\n'),
        silent(5_000),
      ]);
      const run = session(server.port);
      await run.waitFor(/smtp-probe> $/);
      run.type('STARTTLS\r');
      await run.waitFor(/== starting TLS\n/);
      run.type('\x03');

      expect(await run.exited).toBe(130);
      const screen = run.screen();
      expect(screen).toContain('Ctrl-C during the TLS handshake: the connection cannot go on');
      expect(screen).toContain('interrupted by SIGINT while waiting for the TLS handshake');
      expect(screen).not.toContain('Ctrl-C clears the line');
      expect(screen).not.toMatch(/starting TLS\n(.*\n)*smtp-probe> /);
    },
  );
});

describe('the server speaks while the AUTH helper asks', () => {
  it(
    'when a 421 and a close come at the password prompt ' +
      'then they show at once, nothing is sent',
    async () => {
      const server = await fake([
        send(GREETING_220),
        expectLine(/^EHLO/),
        send(EHLO_AUTH),
        delay(1_000),
        send('421 4.4.2 mx.probe.test closing\r\n'),
        close(),
      ]);
      const run = session(server.port, ['--auth-insecure']);
      await run.waitFor(/smtp-probe> $/);
      run.type('EHLO client.probe.test\r');
      await run.waitFor(/250 8BITMIME/);
      run.type('AUTH LOGIN\r');
      await run.waitFor(/user name: $/);
      run.type('probeuser\r');
      await run.waitFor(/\(not echoed\): $/);
      run.type('Pass');

      expect(await run.exited).toBe(8);
      const screen = run.screen();
      expect(screen).toContain('!! the server sent a reply nobody asked for');
      expect(screen).toMatch(/<- 421 4\.4\.2 mx\.probe\.test closing +unsolicited/);
      expect(screen).toContain('AUTH LOGIN cancelled: nothing sent');
      expect(server.received[0]!.toString()).toBe('EHLO client.probe.test\r\n');
      expect(run.output()).not.toContain('Pass');
    },
  );
});

describe('Tab inside DATA', () => {
  it(
    'when Tab is pressed in the message ' + 'then it is a tab in the text, not a completion',
    async () => {
      const server = await fake([
        send(GREETING_220),
        expectLine(/^DATA$/),
        send('354 go ahead\r\n'),
        expectMessage(),
        send('250 2.0.0 queued\r\n'),
        expectLine(/^QUIT$/),
        send(REPLY_221_BYE),
      ]);
      const run = session(server.port);
      await run.waitFor(/smtp-probe> $/);
      run.type('DATA\r');
      await run.waitFor(/data> $/);
      for (const key of ['D', '\t', '!\r', '.\r']) {
        run.type(key);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      await run.waitFor(/250 2\.0\.0 queued/);
      run.type('QUIT\r');

      expect(await run.exited).toBe(0);
      expect(server.problems).toEqual([]);
      expect(server.received[0]!.toString()).toBe('DATA\r\nD\t!\r\n.\r\nQUIT\r\n');
    },
  );
});

describe('Ctrl-D in the middle of AUTH', () => {
  it(
    'when Ctrl-D is pressed at the SASL response prompt ' + 'then * cancels AUTH, then QUIT',
    async () => {
      const server = await fake([
        send(GREETING_220),
        expectLine(/^AUTH X-UNKNOWN$/),
        send('334 Y2hhbGxlbmdl\r\n'),
        expectLine(/^\*$/),
        send('501 5.7.0 authentication cancelled\r\n'),
        expectLine(/^QUIT$/),
        send(REPLY_221_BYE),
      ]);
      const run = session(server.port);
      await run.waitFor(/smtp-probe> $/);
      run.type('AUTH X-UNKNOWN\r');
      await run.waitFor(/AUTH response, hidden> $/);
      run.type('\x04');

      expect(await run.exited).toBe(0);
      expect(server.problems).toEqual([]);
      expect(server.received[0]!.toString()).toBe('AUTH X-UNKNOWN\r\n*\r\nQUIT\r\n');
      expect(run.screen()).toContain('inside AUTH: cancelling the exchange with *');
    },
  );
});

describe('/save with ~', () => {
  it('when /save ~/FILE is typed then the file is written in the home folder', async () => {
    const server = await fake([send(GREETING_220), expectLine(/^QUIT$/), send(REPLY_221_BYE)]);
    const home = dirname(writeTempFile('marker', ''));
    const run = startPty(['-i', `127.0.0.1:${server.port}`, '--no-history'], { HOME: home });
    await run.waitFor(/smtp-probe> $/);
    run.type('/save ~/saved-session.txt\r');
    await run.waitFor(/transcript saved to/);
    run.type('QUIT\r');

    expect(await run.exited).toBe(0);
    expect(readFileSync(join(home, 'saved-session.txt'), 'utf8')).toContain('<- 220 mx.probe.test');
  });
});
