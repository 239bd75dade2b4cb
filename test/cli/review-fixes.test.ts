/**
 * Faults a code review found: a large pipelined envelope taken for a
 * flood, a 421 to RCPT lost behind the close, secrets too short or too
 * foreign for the mask, usage errors raised after connecting.
 */
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { expectLine, fakeServerPerTest, send, silent } from '../helpers/fake-server.js';
import { GREETING_220, REPLY_221_BYE } from '../fixtures/replies.js';

const { serve, server } = fakeServerPerTest();
const EHLO_PIPELINING = '250-mx.probe.test\r\n250-AUTH PLAIN\r\n250 PIPELINING\r\n';
const BASE = ['--from', 'a@probe.test', '--starttls', 'never', '--timeout', '1s'];

describe('review fixes', () => {
  it(
    'when 120 recipients are pipelined then ' + 'their 121 replies are awaited, not a flood',
    async () => {
      const recipients = Array.from({ length: 120 }, (_, n) => `r${n}@probe.test`);
      const target = await serve([
        send(GREETING_220),
        expectLine(/^EHLO/),
        send(EHLO_PIPELINING),
        expectLine(/^MAIL/),
        ...recipients.map(() => expectLine(/^RCPT/)),
        send('250 Ok\r\n'.repeat(121)),
        expectLine(/^QUIT/),
        send(REPLY_221_BYE),
      ]);
      const to = recipients.flatMap((address) => ['--to', address]);
      const run = await runCli(['send', target, ...BASE, ...to, '--quit-after', 'rcpt']);

      expect(run.stderr).toBe('');
      expect(run.exitCode).toBe(0);
      expect(server().problems).toEqual([]);
    },
  );

  it('when RCPT gets 421 and the server closes then the 421 is the verdict, exit 74', async () => {
    const target = await serve([
      send(GREETING_220),
      expectLine(/^EHLO/),
      send('250 mx.probe.test\r\n'),
      expectLine(/^MAIL/),
      send('250 Ok\r\n'),
      expectLine(/^RCPT/),
      send('421 4.3.2 closing down\r\n'),
      silent(200),
    ]);
    const run = await runCli([
      'send',
      target,
      ...BASE,
      '--to',
      'b@probe.test',
      '--to',
      'c@probe.test',
    ]);

    expect(run.exitCode).toBe(74);
    expect(run.stderr).toBe(
      'smtp-probe: RCPT TO refused (temporary failure): 421 4.3.2 closing down\n',
    );
    // Nothing after the 421: no second RCPT, no QUIT to a closing server.
    expect(
      server()
        .clientLines()
        .slice(1)
        .map((line) => line.split(':')[0]),
    ).toEqual(['MAIL FROM', 'RCPT TO']);
  });

  it.each([
    ['a short secret', 'pw1', (s: string) => `535 5.7.8 bad password ${s}\r\n`],
    [
      'a non-ASCII secret in a line that is not UTF-8',
      'Größe',
      (s: string) =>
        Buffer.concat([Buffer.from('535 5.7.8 '), Buffer.from(s), Buffer.from([0xff, 0x0d, 0x0a])]),
    ],
  ])('when the server echoes %s then it is hidden', async (_what, secret, echo) => {
    const reply = echo(secret);
    const target = await serve([
      send(GREETING_220),
      expectLine(/^EHLO/),
      send(EHLO_PIPELINING),
      expectLine(/^AUTH PLAIN/),
      send(typeof reply === 'string' ? Buffer.from(reply, 'utf8') : reply),
      expectLine(/^QUIT/),
      send(REPLY_221_BYE),
    ]);
    const args = [
      'send',
      target,
      ...BASE,
      '--to',
      'b@probe.test',
      '--auth-user',
      'me',
      '--auth-insecure',
    ];
    const run = await runCli(args, { SMTP_PROBE_AUTH_PASSWORD: secret });

    expect(run.exitCode).toBe(55);
    const output = run.stdout + run.stderr;
    expect(output).not.toContain(secret);
    expect(output).not.toContain('Gr\\xc3\\xb6\\xc3\\x9fe');
  });

  it.each([
    [['--ehlo', '[\0]'], 'invalid --ehlo name'],
    [['--auth-user', ''], '--auth-user is empty'],
  ])('when given %j then it is a usage error before connecting', async (extra, message) => {
    const run = await runCli(['send', '127.0.0.1:1', ...BASE, '--to', 'b@probe.test', ...extra], {
      SMTP_PROBE_AUTH_PASSWORD: 'x',
    });

    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain(message);
  });

  it(
    'when --auth names the mechanism with spaces ' + 'or in any case then it is understood',
    async () => {
      const target = await serve([
        send(GREETING_220),
        expectLine(/^EHLO/),
        send(EHLO_PIPELINING),
        expectLine(/^AUTH PLAIN /),
        send('235 2.7.0 ok\r\n'),
        expectLine(/^QUIT/),
        send(REPLY_221_BYE),
      ]);
      const args = [
        'send',
        target,
        ...BASE,
        '--to',
        'b@probe.test',
        '--auth',
        ' plain',
        '--auth-user',
        'me',
      ];
      const run = await runCli([...args, '--auth-insecure', '--quit-after', 'auth'], {
        SMTP_PROBE_AUTH_PASSWORD: 'pw-12345',
      });

      expect(run.exitCode).toBe(0);
    },
  );
});
