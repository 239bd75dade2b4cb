/**
 * `smtp-probe -i` with piped input, a safe scripted telnet: the whole
 * script is written at once, and a server that punishes early talk checks
 * that each line still waits for the greeting or the reply before it.
 */
import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import {
  close,
  delay,
  expectLine,
  expectMessage,
  punishEarlyTalk,
  send,
  silent,
  startFakeServer,
  type FakeServer,
  type Step,
} from '../helpers/fake-server.js';
import { normalise } from '../helpers/cli.js';
import { spawnCliWithInput } from '../helpers/spawn-cli.js';
import { EHLO_PLAIN, GREETING_220, REPLY_221_BYE, REPLY_250_OK } from '../fixtures/replies.js';

const REPLY_354_GO_AHEAD = '354 End data with <CR><LF>.<CR><LF>\r\n';
const REPLY_550_NO_USER = '550 5.1.1 <nobody@probe.test>: user unknown\r\n';

let server: FakeServer | undefined;

afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function serve(script: Step[]): Promise<number> {
  server = await startFakeServer([punishEarlyTalk(), ...script]);
  return server.port;
}

describe('the early-talk server', () => {
  it('when a client writes before the greeting then it is caught and reset', async () => {
    const port = await serve([delay(300), send(GREETING_220), expectLine(/^QUIT$/)]);
    const socket = connect(port, '127.0.0.1');
    socket.on('error', () => undefined);
    socket.write('EHLO too.early\r\n');
    await new Promise((resolve) => socket.on('close', resolve));
    expect(server!.problems[0]).toMatch(/talked before the server answered/);
  });
});

describe('lines from a pipe', () => {
  it(
    'when a whole session is piped ' + 'then each line waits for its reply, DATA included',
    async () => {
      const port = await serve([
        delay(300),
        send(GREETING_220),
        expectLine(/^EHLO client\.probe\.test$/),
        delay(200),
        send(EHLO_PLAIN),
        expectLine(/^MAIL FROM:<me@probe\.test>$/),
        send(REPLY_250_OK),
        expectLine(/^RCPT TO:<nobody@probe\.test>$/),
        delay(200),
        send(REPLY_550_NO_USER),
        expectLine(/^RCPT TO:<you@probe\.test>$/),
        send(REPLY_250_OK),
        expectLine(/^DATA$/),
        send(REPLY_354_GO_AHEAD),
        expectMessage(),
        send('250 2.0.0 Ok: queued as 4ABC\r\n'),
        expectLine(/^QUIT$/),
        send(REPLY_221_BYE),
      ]);
      const input = [
        'EHLO client.probe.test',
        'MAIL FROM:<me@probe.test>',
        'RCPT TO:<nobody@probe.test>',
        'RCPT TO:<you@probe.test>',
        'DATA',
        'Subject: piped',
        '',
        '.starts with a dot',
        '.',
        'QUIT',
      ];
      const run = await spawnCliWithInput(['-i', `127.0.0.1:${port}`], input.join('\n') + '\n');

      expect(server!.problems).toEqual([]);
      expect(run.exitCode).toBe(0);
      expect(server!.received[0]!.toString()).toContain(
        'DATA\r\nSubject: piped\r\n\r\n..starts with a dot\r\n.\r\nQUIT\r\n',
      );
      expect(normalise(run.stdout, port)).toMatchInlineSnapshot(`
        "== session with 127.0.0.1:<port> (interactive, lines from input) at <time>
        == connected to 127.0.0.1:<port> in <t>
        <- 220 mx.probe.test ESMTP ready  <t>
        -> EHLO client.probe.test
        <- 250-mx.probe.test
        <- 250-PIPELINING
        <- 250-SIZE 10240000
        <- 250 8BITMIME  <t>
        -> MAIL FROM:<me@probe.test>
        <- 250 2.0.0 OK  <t>
        -> RCPT TO:<nobody@probe.test>
        <- 550 5.1.1 <nobody@probe.test>: user unknown  <t> · permanent failure
        == 550: mailbox unavailable (not found, no access), or refused by policy · 5.1.1: permanent failure / addressing status / bad destination mailbox address
        == cause: the receiving server has no mailbox for this address
        == try: check the address for typos; if it is right, only the recipient's side can create the mailbox: the sending server is not at fault
        -> RCPT TO:<you@probe.test>
        <- 250 2.0.0 OK  <t>
        -> DATA
        <- 354 End data with <CR><LF>.<CR><LF>  <t>
        == the server takes the message now: type it; a line holding only "." ends it
        -> <message: 3 lines, 39 bytes, 1 dot-stuffed>, then .
        <- 250 2.0.0 Ok: queued as 4ABC  <t>
        -> QUIT
        <- 221 2.0.0 Bye  <t>

        result: OK, session ended after <t> (exit 0)
        "
      `);
    },
  );

  it('when the input ends without QUIT then QUIT is said', async () => {
    const port = await serve([
      send(GREETING_220),
      expectLine(/^NOOP$/),
      send(REPLY_250_OK),
      expectLine(/^QUIT$/),
      send(REPLY_221_BYE),
    ]);
    const run = await spawnCliWithInput(['-i', `127.0.0.1:${port}`], 'NOOP\r\n');

    expect(server!.problems).toEqual([]);
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toContain('== end of input: saying QUIT');
  });

  it.each([
    ['an unknown / command', '/frobnicate\n'],
    ['a line with a bare CR inside', 'NOOP\rRSET\n'],
    ['AUTH PLAIN with no terminal to ask on', 'AUTH PLAIN\n'],
  ])(
    'when the input holds %s then nothing of it is sent, QUIT is, and the exit is 2',
    async (_, line) => {
      const port = await serve([send(GREETING_220), expectLine(/^QUIT$/), send(REPLY_221_BYE)]);
      const run = await spawnCliWithInput(['-i', `127.0.0.1:${port}`], `${line}NOOP\n`);

      expect(server!.problems).toEqual([]);
      expect(server!.received[0]!.toString()).toBe('QUIT\r\n');
      expect(run.exitCode).toBe(2);
      expect(run.stdout).toMatch(/!! (unknown command|not sent|AUTH PLAIN not sent)/);
    },
  );

  it('when a reply never comes then the session ends there, exit 5', async () => {
    const port = await serve([send(GREETING_220), expectLine(/^NOOP$/), silent(2_000)]);
    const run = await spawnCliWithInput(
      ['-i', `127.0.0.1:${port}`, '--timeout', '300ms'],
      'NOOP\nRSET\n',
    );

    expect(server!.received[0]!.toString()).toBe('NOOP\r\n');
    expect(run.exitCode).toBe(5);
    expect(run.stderr).toMatch(/no reply to the command after 300 ms/);
  });

  it('when the server closes mid-session then the session ends there, exit 8', async () => {
    const port = await serve([
      send(GREETING_220),
      expectLine(/^NOOP$/),
      send(REPLY_250_OK),
      close(),
    ]);
    const run = await spawnCliWithInput(['-i', `127.0.0.1:${port}`], 'NOOP\nRSET\n');

    expect(run.exitCode).toBe(8);
    expect(run.stdout).toMatch(/\*\* (the )?server closed the connection/);
  });

  it(
    'when bytes follow the 220 to STARTTLS before the handshake ' + 'then the session ends, exit 6',
    async () => {
      const port = await serve([
        send(GREETING_220),
        expectLine(/^STARTTLS$/),
        send('220 2.0.0 Ready to start TLS\r\n250 2.0.0 injected\r\n'),
        silent(1_000),
      ]);
      const run = await spawnCliWithInput(['-i', `127.0.0.1:${port}`], 'STARTTLS\nEHLO x\n');

      expect(run.exitCode).toBe(6);
      expect(run.stdout).toContain('STARTTLS response injection');
      expect(server!.received[0]!.toString()).toBe('STARTTLS\r\n');
    },
  );
});
