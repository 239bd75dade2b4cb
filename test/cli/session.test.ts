import { describe, expect, it } from 'vitest';
import { runCli, normalise } from '../helpers/cli.js';
import {
  close,
  delay,
  expectLine,
  reset,
  send,
  silent,
  fakeServerPerTest,
  type Step,
} from '../helpers/fake-server.js';
import {
  EHLO_PLAIN,
  GREETING_220,
  GREETING_421,
  GREETING_554,
  GREETING_MULTILINE,
  REPLY_221_BYE,
  REPLY_250_HELO,
  REPLY_421_EHLO,
  REPLY_502_UNRECOGNISED,
} from '../fixtures/replies.js';

const EHLO = '--ehlo=probe.test';
const { serve, server } = fakeServerPerTest();

const PLAIN_SESSION: Step[] = [
  send(GREETING_220),
  expectLine(/^EHLO probe\.test$/),
  send(EHLO_PLAIN),
  expectLine(/^QUIT$/),
  send(REPLY_221_BYE),
  close(),
];

describe('the default session', () => {
  it(
    'when the server answers every stage then the ' +
      'transcript shows each reply timed and exits 0',
    async () => {
      const target = await serve(PLAIN_SESSION);
      const run = await runCli([target, EHLO]);

      expect(normalise(run.stdout, server().port)).toMatchInlineSnapshot(`
      "== probing 127.0.0.1:<port> (STARTTLS auto) at <time>
      == connected to 127.0.0.1:<port> in <t>
      <- 220 mx.probe.test ESMTP ready  <t>
      -> EHLO probe.test
      <- 250-mx.probe.test
      <- 250-PIPELINING
      <- 250-SIZE 10240000
      <- 250 8BITMIME  <t>
      !! the server does not offer STARTTLS: mail to it travels in plaintext
      -> QUIT
      <- 221 2.0.0 Bye  <t>

      result: OK in <t> (exit 0)
      timings: connect <t> · greeting <t> · ehlo <t> · quit <t> · total <t>
      "
    `);
      expect(run.stderr).toBe('');
      expect(run.exitCode).toBe(0);
      expect(server().clientLines()).toEqual(['EHLO probe.test', 'QUIT']);
      expect(server().problems).toEqual([]);
    },
  );

  it('when the greeting spans several lines then EHLO waits for the last one', async () => {
    const target = await serve([
      send(GREETING_MULTILINE.slice(0, 30)),
      delay(100),
      send(GREETING_MULTILINE.slice(30)),
      ...PLAIN_SESSION.slice(1),
    ]);
    const run = await runCli([target, EHLO]);

    expect(run.exitCode).toBe(0);
    expect(run.stdout).toContain('<- 220-This system does not accept unsolicited bulk mail;\n');
    expect(server().problems).toEqual([]);
  });

  it('when no EHLO name is given then a name or address literal of this host is used', async () => {
    const target = await serve([
      send(GREETING_220),
      expectLine(/^EHLO (\[127\.0\.0\.1\]|[\w-]+(\.[\w-]+)+)$/),
      send(EHLO_PLAIN),
      expectLine(/^QUIT$/),
      send(REPLY_221_BYE),
    ]);
    const run = await runCli([target]);

    expect(run.exitCode).toBe(0);
    expect(server().problems).toEqual([]);
  });

  it(
    'when EHLO is refused with 502 then HELO follows ' + 'and the missing extensions are explained',
    async () => {
      const target = await serve([
        send(GREETING_220),
        expectLine(/^EHLO probe\.test$/),
        send(REPLY_502_UNRECOGNISED),
        expectLine(/^HELO probe\.test$/),
        send(REPLY_250_HELO),
        expectLine(/^QUIT$/),
        send(REPLY_221_BYE),
      ]);
      const run = await runCli([target, EHLO]);

      expect(run.exitCode).toBe(0);
      expect(run.stdout).toContain(
        '== the server does not support ESMTP (EHLO refused, HELO accepted)',
      );
      expect(server().clientLines()).toEqual(['EHLO probe.test', 'HELO probe.test', 'QUIT']);
      expect(run.stdout).toMatch(/^timings: connect .* · greeting .* · ehlo .* · helo .* · quit /m);
    },
  );

  it('when EHLO gets 421 then there is no HELO retry and the 421 is the verdict', async () => {
    const target = await serve([
      send(GREETING_220),
      expectLine(/^EHLO/),
      send(REPLY_421_EHLO),
      close(),
    ]);
    const run = await runCli([target, EHLO]);

    expect(run.exitCode).toBe(34);
    expect(run.stderr).toBe(
      'smtp-probe: EHLO refused (temporary failure): 421 ' +
        '4.7.1 EHLO name does not match the DNS of 127.0.0.1\n',
    );
    expect(server().clientLines()).toEqual(['EHLO probe.test']);
  });
});

describe('the greeting', () => {
  it('when the greeting is 554 then only QUIT is sent and the exit status is 25', async () => {
    const target = await serve([
      send(GREETING_554),
      expectLine(/^QUIT$/),
      send(REPLY_221_BYE),
      close(),
    ]);
    const run = await runCli([target, EHLO]);

    expect(normalise(run.stdout, server().port)).toMatchInlineSnapshot(`
      "== probing 127.0.0.1:<port> (STARTTLS auto) at <time>
      == connected to 127.0.0.1:<port> in <t>
      <- 554 5.7.1 mx.probe.test no SMTP service for you  <t> · permanent failure
      == 554: no SMTP service here · 5.7.1: permanent failure / security or policy status / delivery not authorized, message refused
      ** greeting refused (permanent failure): 554 5.7.1 mx.probe.test no SMTP service for you
      -> QUIT
      <- 221 2.0.0 Bye  <t>

      result: FAILED at greeting (exit 25)
      explained: 554: no SMTP service here · 5.7.1: permanent failure / security or policy status / delivery not authorized, message refused
      hint: the server refuses SMTP service to this client; its text usually says why
      timings: connect <t> · greeting <t> · quit <t> · total <t>
      "
    `);
    expect(run.stderr).toBe(
      'smtp-probe: greeting refused (permanent failure): ' +
        '554 5.7.1 mx.probe.test no SMTP service for you\n',
    );
    expect(run.exitCode).toBe(25);
    expect(server().clientLines()).toEqual(['QUIT']);
  });

  it(
    'when the greeting is 421 and the server hangs up ' +
      'then the 421 is kept and the exit status is 24',
    async () => {
      const target = await serve([send(GREETING_421), delay(50), close()]);
      const run = await runCli([target, EHLO]);

      expect(run.exitCode).toBe(24);
      expect(run.stdout).toContain('<- 421 4.7.0 mx.probe.test too many connections, try later');
      expect(server().clientLines()).toEqual([]);
    },
  );

  it('when the greeting is the code alone then it counts as a greeting with no text', async () => {
    const target = await serve([
      send('220\r\n'),
      expectLine(/^EHLO/),
      send('250\r\n'),
      expectLine(/^QUIT/),
      send('221\r\n'),
    ]);
    const run = await runCli([target, EHLO]);

    expect(run.exitCode).toBe(0);
    expect(run.stdout).toContain('<- 220 (no text)');
  });
});

describe('--banner', () => {
  it('when the greeting is 220 then only QUIT is sent and the exit status is 0', async () => {
    const target = await serve([
      send(GREETING_220),
      expectLine(/^QUIT$/),
      send(REPLY_221_BYE),
      close(),
    ]);
    const run = await runCli([target, '--banner']);

    expect(run.exitCode).toBe(0);
    expect(server().clientLines()).toEqual(['QUIT']);
    expect(run.stdout).toContain('(banner check)');
  });

  it(
    'when the server closes instead of answering ' + 'QUIT then that is a note, not a failure',
    async () => {
      const target = await serve([send(GREETING_220), expectLine(/^QUIT$/), close()]);
      const run = await runCli([target, '--banner']);

      expect(run.exitCode).toBe(0);
      expect(run.stdout).toContain('== the server closed the connection without answering QUIT');
    },
  );
});

describe('network failures', () => {
  it('when EHLO goes unanswered after a greeting then the timeout says only that', async () => {
    const target = await serve([send(GREETING_220), expectLine(/^EHLO /), silent(2_000)]);
    const run = await runCli([target, EHLO, '--timeout', '200ms']);

    expect(run.exitCode).toBe(5);
    expect(run.stderr).toBe('smtp-probe: no reply to EHLO after 200 ms\n');
  });

  it('when only empty lines come during a wait then the timeout says so', async () => {
    const target = await serve([
      send(GREETING_220),
      expectLine(/^EHLO /),
      send('\r\n'),
      silent(2_000),
    ]);
    const run = await runCli([target, EHLO, '--timeout', '200ms']);

    expect(run.exitCode).toBe(5);
    expect(run.stderr).toContain('(what the server sent held no reply line)');
  });

  it('when nothing listens on the port then the exit status is 4 with one clear line', async () => {
    const target = await serve([]);
    const port = server().port;
    await server().close();

    const run = await runCli([target]);
    expect(run.exitCode).toBe(4);
    expect(run.stderr).toBe(
      `smtp-probe: cannot connect to 127.0.0.1:${port}: connection refused\n`,
    );
  });

  it(
    'when the server never greets then the ' + 'wait ends at --timeout with exit status 5',
    async () => {
      const target = await serve([silent(3_000)]);
      const started = Date.now();
      const run = await runCli([target, '--timeout', '300ms']);

      expect(Date.now() - started).toBeLessThan(2_500);
      expect(run.exitCode).toBe(5);
      expect(run.stderr).toBe(
        'smtp-probe: no greeting after 300 ms (the TCP connection was accepted)\n',
      );
    },
  );

  it(
    'when the final line of a reply never ends then ' +
      'the partial reply is kept and it times out',
    async () => {
      const target = await serve([
        send(GREETING_220),
        expectLine(/^EHLO/),
        send('250-mx.probe.test\r\n250-PIPELINING\r\n250 SIZE 10485760'),
        silent(3_000),
      ]);
      const run = await runCli([target, EHLO, '--timeout', '300ms']);

      expect(run.exitCode).toBe(5);
      expect(run.stdout).toContain(
        '<- 250-PIPELINING\n<- 250 SIZE 10485760  (no line ending)\n** reply to EHLO incomplete',
      );
      expect(run.stderr).toBe(
        'smtp-probe: reply to EHLO incomplete after 300 ms: its last line never ended\n',
      );
    },
  );

  it(
    'when the server resets the connection mid-greeting ' +
      'then what arrived is kept and the exit status is 8',
    async () => {
      const target = await serve([send('220-mx.probe.test\r\n'), delay(100), reset()]);
      const run = await runCli([target, EHLO]);

      expect(run.exitCode).toBe(8);
      expect(run.stdout).toMatch(/^<- 220-mx\.probe\.test\n\*\* connection reset by the server/m);
      expect(run.stderr).toMatch(
        /^smtp-probe: connection reset by the server in the middle of the greeting \(.+ after connect\)\n$/,
      );
    },
  );

  it('when the server closes before any greeting then it says so with exit status 8', async () => {
    const target = await serve([delay(50), close()]);
    const run = await runCli([target]);

    expect(run.exitCode).toBe(8);
    expect(run.stderr).toMatch(/server closed the connection before any greeting/);
  });
});

describe('hostile server text', () => {
  it(
    'when replies carry terminal escapes then ' + 'they are printed escaped with one warning',
    async () => {
      const target = await serve([
        send('220 mx ESMTP \x1b[2J\x1b]0;owned\x07\x1b[32mALL CHECKS PASSED\x1b[0m\r\n'),
        expectLine(/^EHLO/),
        send('250-mx\r\n250 HELP \x1b]8;;https://evil.example.test/\x07click\x1b]8;;\x07\r\n'),
        expectLine(/^QUIT/),
        send('221 \x9b31mBye\r\n'),
      ]);
      const run = await runCli([target, EHLO]);

      expect(run.stdout).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f\x9b]/);
      expect(run.stdout).toContain(
        '<- 220 mx ESMTP \\x1b[2J\\x1b]0;owned\\x07\\x1b[32mALL CHECKS PASSED\\x1b[0m',
      );
      expect(run.stdout.match(/control characters/g)).toHaveLength(1);
      expect(run.exitCode).toBe(0);
    },
  );

  it(
    'when a reply line is not SMTP then the ' + 'session ends with a protocol error, exit 7',
    async () => {
      const target = await serve([send('HTTP/1.1 400 Bad Request\r\n'), silent(1_000)]);
      const run = await runCli([target]);

      expect(run.exitCode).toBe(7);
      expect(run.stderr).toBe(
        'smtp-probe: unreadable greeting: server sent a line that is not an SMTP reply\n',
      );
      expect(run.stdout).toContain('<- HTTP/1.1 400 Bad Request\n** unreadable greeting');
    },
  );
});
