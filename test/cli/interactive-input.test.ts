/**
 * What `smtp-probe -i` makes of its piped input: the message of a DATA
 * that got no 354 is never sent as commands, bytes go as given, and a line
 * over the limit is refused the same way however the pipe delivers it.
 */
import { afterEach, describe, expect, it } from 'vitest';
import {
  expectLine,
  expectMessage,
  send,
  silent,
  startFakeServer,
  type FakeServer,
  type Step,
} from '../helpers/fake-server.js';
import { spawnCliWithInput } from '../helpers/spawn-cli.js';
import { GREETING_220, REPLY_221_BYE, REPLY_250_OK } from '../fixtures/replies.js';

const REPLY_554_NO_RECIPIENTS = '554 5.5.1 Error: no valid recipients\r\n';

let server: FakeServer | undefined;

afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function serve(script: Step[]): Promise<number> {
  server = await startFakeServer(script);
  return server.port;
}

describe('a DATA that gets no 354', () => {
  it(
    'when DATA is refused ' + 'then its message lines and dot are skipped and QUIT follows',
    async () => {
      const port = await serve([
        send(GREETING_220),
        expectLine(/^MAIL FROM:<me@probe\.test>$/),
        send(REPLY_250_OK),
        expectLine(/^DATA$/),
        send(REPLY_554_NO_RECIPIENTS),
        expectLine(/^QUIT$/),
        send(REPLY_221_BYE),
      ]);
      const input = [
        'MAIL FROM:<me@probe.test>',
        'DATA',
        'Subject: hello',
        'My password is hunter2',
        'VRFY root',
        '.',
        'QUIT',
      ];
      const run = await spawnCliWithInput(['-i', `127.0.0.1:${port}`], input.join('\n') + '\n');

      expect(server!.problems).toEqual([]);
      expect(server!.received[0]!.toString()).toBe('MAIL FROM:<me@probe.test>\r\nDATA\r\nQUIT\r\n');
      expect(run.stdout).toContain(
        '== DATA got no 354: the 3 lines of its message ' +
          'and the lone "." after them skipped, none sent',
      );
      expect(run.stdout).not.toContain('hunter2');
      expect(run.exitCode).toBe(0);
    },
  );

  it(
    'when the input ends inside the refused message ' + 'then the count is said before QUIT',
    async () => {
      const port = await serve([
        send(GREETING_220),
        expectLine(/^DATA$/),
        send(REPLY_554_NO_RECIPIENTS),
        expectLine(/^QUIT$/),
        send(REPLY_221_BYE),
      ]);
      const run = await spawnCliWithInput(['-i', `127.0.0.1:${port}`], 'DATA\nSubject: x\n');

      expect(server!.received[0]!.toString()).toBe('DATA\r\nQUIT\r\n');
      expect(run.stdout).toMatch(/the 1 line of its message skipped, none sent\n== end of input/);
    },
  );
});

describe('the end of a failed session', () => {
  it(
    'when implicit TLS meets a plaintext port ' + 'then the hint is printed, as a probe prints it',
    async () => {
      const port = await serve([send(GREETING_220), silent(2_000)]);
      const run = await spawnCliWithInput(['-i', `smtps://127.0.0.1:${port}`], 'QUIT\n');

      expect(run.exitCode).toBe(6);
      expect(run.stdout).toMatch(
        /result: FAILED at .*\nhint: this port may expect plaintext SMTP and STARTTLS: try /,
      );
    },
  );
});

describe('bytes that are not UTF-8', () => {
  it(
    'when a Latin-1 message is piped ' + 'then its bytes go as given and the server is not blamed',
    async () => {
      const port = await serve([
        send(GREETING_220),
        expectLine(/^NOOP caf/),
        send(REPLY_250_OK),
        expectLine(/^DATA$/),
        send('354 go ahead\r\n'),
        expectMessage(),
        send(REPLY_250_OK),
        expectLine(/^QUIT$/),
        send(REPLY_221_BYE),
      ]);
      const input = Buffer.from(
        'NOOP caf\xe9\tx\nDATA\nSubject: caf\xe9\n\n.\xff dot\n.\nQUIT\n',
        'latin1',
      );
      const run = await spawnCliWithInput(['-i', `127.0.0.1:${port}`], input);

      expect(server!.problems).toEqual([]);
      expect(server!.received[0]!.toString('latin1')).toBe(
        'NOOP caf\xe9\tx\r\nDATA\r\nSubject: caf\xe9\r\n\r\n..\xff dot\r\n.\r\nQUIT\r\n',
      );
      expect(run.stdout).toContain('!! a line of the input is not UTF-8: sent byte for byte');
      expect(run.stdout).toContain('-> NOOP caf\ufffd\\tx');
      expect(run.stdout).not.toContain('server text contains');
      expect(run.exitCode).toBe(0);
    },
  );
});

describe('a line over the limit', () => {
  it(
    'when a piped line is over 64 KiB ' + 'then nothing of it is sent, QUIT is, and the exit is 2',
    async () => {
      const port = await serve([send(GREETING_220), expectLine(/^QUIT$/), send(REPLY_221_BYE)]);
      const input = `NOOP ${'x'.repeat(70 * 1024)}\nNOOP\n`;
      const run = await spawnCliWithInput(['-i', `127.0.0.1:${port}`], input);

      expect(server!.problems).toEqual([]);
      expect(server!.received[0]!.toString()).toBe('QUIT\r\n');
      expect(run.exitCode).toBe(2);
      expect(run.stderr).toContain('an input line is over 64 KiB: not sent');
    },
  );
});

describe('334 challenges after credentials', () => {
  it(
    'when a challenge echoes the password ' + 'then it is shown decoded, the password hidden',
    async () => {
      const password = 'Sup3r-Secret';
      const encoded = Buffer.from(password).toString('base64');
      const echo = Buffer.from(`you typed ${password}`).toString('base64');
      const port = await serve([
        send(GREETING_220),
        expectLine(/^AUTH LOGIN dXNlcg==$/),
        send('334 UGFzc3dvcmQ6\r\n'),
        expectLine(new RegExp(`^${encoded}$`)),
        send(`334 ${echo}\r\n`),
        expectLine(/^\*$/),
        send('501 5.7.0 cancelled\r\n'),
        expectLine(/^QUIT$/),
        send(REPLY_221_BYE),
      ]);
      const input = `AUTH LOGIN dXNlcg==\n${encoded}\n`;
      const run = await spawnCliWithInput(['-i', `127.0.0.1:${port}`], input);

      expect(server!.problems).toEqual([]);
      expect(run.stdout).toContain('== challenge: "Password:"');
      expect(run.stdout).toContain('== challenge: "you typed <hidden>"');
      for (const form of [password, encoded, echo]) {
        expect(run.stdout + run.stderr).not.toContain(form);
      }
    },
  );
});
