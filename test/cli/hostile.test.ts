/**
 * Servers that misbehave in ways found by attacking smtp-probe: replies out
 * of step with commands, junk after a good reply, floods, broken TLS records,
 * hidden characters. Each test pins down one class of fault.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { makeSelfSigned, type CertificatePair } from '../helpers/certificates.js';
import { runCli } from '../helpers/cli.js';
import {
  close,
  expectLine,
  readAny,
  send,
  sendRaw,
  silent,
  fakeServerPerTest,
  startTls,
  stopReading,
  type Step,
} from '../helpers/fake-server.js';
import { spawnCli } from '../helpers/spawn-cli.js';
import { removeTempFiles, writeTempFile } from '../helpers/temp-files.js';
import {
  EHLO_PLAIN,
  EHLO_WITH_STARTTLS,
  GREETING_220,
  REPLY_220_STARTTLS,
  REPLY_221_BYE,
} from '../fixtures/replies.js';

const EHLO = '--ehlo=probe.test';
let pair: CertificatePair;

beforeAll(async () => {
  pair = await makeSelfSigned();
});

const { serve, server } = fakeServerPerTest();

describe('replies out of step', () => {
  it(
    'when junk follows the greeting in the same ' + 'read then the greeting is still shown',
    async () => {
      const target = await serve([send(`${GREETING_220}JUNK\r\n`), silent(1_000)]);
      const run = await runCli([target, EHLO]);

      expect(run.exitCode).toBe(7);
      expect(run.stdout).toMatch(/^<- 220 mx\.probe\.test ESMTP ready {2}/m);
      expect(run.stdout).toContain('<- JUNK\n');
      expect(run.stderr).toBe(
        'smtp-probe: after the greeting: server sent a line that is not an SMTP reply\n',
      );
    },
  );

  it.each([
    ['354 start mail input', 'EHLO answered with 354 where 250 belongs'],
    ['220 mx.probe.test ESMTP', 'EHLO answered with 220 where 250 belongs'],
    ['334 VXNlcm5hbWU6', 'EHLO answered with 334 where 250 belongs'],
  ])(
    'when EHLO is answered with "%s" then it is a protocol error, not success',
    async (reply, message) => {
      const target = await serve([
        send(GREETING_220),
        expectLine(/^EHLO/),
        send(`${reply}\r\n`),
        silent(500),
      ]);
      const run = await runCli([target, EHLO]);

      expect(run.exitCode).toBe(7);
      expect(run.stderr).toBe(`smtp-probe: ${message}; replies are out of step\n`);
    },
  );

  it('when STARTTLS is answered with 250 then no TLS handshake is attempted', async () => {
    const target = await serve([
      send(GREETING_220),
      expectLine(/^EHLO/),
      send(EHLO_WITH_STARTTLS),
      expectLine(/^STARTTLS$/),
      send('250 ok\r\n'),
      silent(500),
    ]);
    const run = await runCli([target, EHLO]);

    expect(run.exitCode).toBe(7);
    expect(run.stderr).toContain('STARTTLS answered with 250 where 220 belongs');
    expect(server().received[0]!.toString('latin1')).toBe('EHLO probe.test\r\nSTARTTLS\r\n');
  });

  it('when the greeting is 354 then it is a protocol error', async () => {
    const target = await serve([send('354 go ahead\r\n'), silent(500)]);
    const run = await runCli([target, EHLO]);

    expect(run.exitCode).toBe(7);
    expect(run.stderr).toContain('the greeting answered with 354 where 220 belongs');
  });
});

describe('floods', () => {
  it('when replies come unasked then five are shown and the rest counted', async () => {
    const extra = '250 unasked\r\n'.repeat(40);
    const target = await serve([
      send(GREETING_220 + extra),
      expectLine(/^EHLO/),
      send(EHLO_PLAIN),
      expectLine(/^QUIT/),
      send(REPLY_221_BYE),
    ]);
    const run = await runCli([target, EHLO]);

    expect(run.exitCode).toBe(0);
    expect(run.stdout.match(/^<- 250 unasked/gm)).toHaveLength(5);
    expect(run.stdout.match(/nobody asked for/g)).toHaveLength(1);
    expect(run.stdout).toContain('== 35 more unsolicited replies not shown');
  });

  it('when more than 100 replies pile up unasked then reading stops', async () => {
    const target = await serve([send(GREETING_220 + '220 x\r\n'.repeat(500)), silent(1_000)]);
    const run = await runCli([target, EHLO]);

    expect(run.exitCode).toBe(7);
    expect(run.stderr).toContain('more than 100 replies nobody asked for');
    expect(run.stdout.match(/^<- 220 x/gm)).toHaveLength(5);
    expect(run.stdout).toContain('!! the server sent a reply nobody asked for');
  });

  it('when only empty lines come then the flood is stopped and said so', async () => {
    const target = await serve([send('\r\n'.repeat(1_000)), silent(1_000)]);
    const run = await runCli([target, EHLO]);

    expect(run.exitCode).toBe(7);
    expect(run.stderr).toContain('more than 200 empty lines in a row');
  });
});

describe('QUIT', () => {
  it(
    'when QUIT draws something that is not a ' + 'reply then those bytes are shown, escaped',
    async () => {
      const target = await serve([
        send(GREETING_220),
        expectLine(/^QUIT/),
        send('HTTP/1.0 \x1b[31m200\r\n'),
        close(),
      ]);
      const run = await runCli([target, '--banner']);

      expect(run.exitCode).toBe(0);
      expect(run.stdout).toContain('<- HTTP/1.0 \\x1b[31m200\n');
      expect(run.stdout).toContain('== QUIT failed: unreadable reply to QUIT');
    },
  );
});

describe('TLS after the handshake', () => {
  it('when a corrupt TLS record arrives then it is a TLS error at the stage it hit', async () => {
    const target = await serve([
      send(GREETING_220),
      expectLine(/^EHLO/),
      send(EHLO_WITH_STARTTLS),
      expectLine(/^STARTTLS$/),
      send(REPLY_220_STARTTLS),
      startTls(pair),
      expectLine(/^EHLO/),
      sendRaw(Buffer.concat([Buffer.from([0x17, 0x03, 0x03, 0x00, 0x20]), Buffer.alloc(32, 'A')])),
      silent(1_000),
    ]);
    const run = await runCli([target, EHLO]);

    expect(run.exitCode).toBe(6);
    expect(run.stderr).toMatch(
      /^smtp-probe: TLS error \(.+\) while waiting for the reply to EHLO\n$/,
    );
    expect(run.stderr).not.toContain('routines');
  });
});

describe('interruptions', () => {
  it('when SIGTERM comes during the TLS handshake then it ends at once with 143', async () => {
    const target = await serve([
      send(GREETING_220),
      expectLine(/^EHLO/),
      send(EHLO_WITH_STARTTLS),
      expectLine(/^STARTTLS$/),
      send(REPLY_220_STARTTLS),
      readAny(),
      silent(10_000),
    ]);
    const started = Date.now();
    const running = spawnCli([target, EHLO, '--timeout', '8s']);
    setTimeout(() => running.child.kill('SIGTERM'), 700);
    const run = await running;

    expect(Date.now() - started).toBeLessThan(4_000);
    expect(run.exitCode).toBe(143);
    expect(run.stdout).toContain('result: INTERRUPTED at TLS (exit 143)');
    expect(run.stderr).toBe(
      'smtp-probe: interrupted by SIGTERM while waiting for the TLS handshake\n',
    );
  });

  it(
    'when Ctrl-C comes while the greeting is ' + 'awaited then the verdict names it, exit 130',
    async () => {
      const target = await serve([silent(10_000)]);
      const running = spawnCli([target]);
      setTimeout(() => running.child.kill('SIGINT'), 700);
      const run = await running;

      expect(run.exitCode).toBe(130);
      expect(run.stdout).toContain('result: INTERRUPTED at greeting (exit 130)');
    },
  );
});

describe('closed pipes', () => {
  it(
    'when the reader of stdout goes away then ' + 'there is no crash and the exit status stays',
    async () => {
      const target = await serve([
        send('220-mx.probe.test\r\n'),
        silent(300),
        send('220 ready\r\n'),
        expectLine(/^QUIT/),
        send(REPLY_221_BYE),
      ]);
      const run = await spawnCli(
        ['-c', `node "$0" ${target} --banner | head -1; exit \${PIPESTATUS[0]}`],
        {},
        20_000,
        'bash',
      );

      expect(run.stderr).toBe('');
      expect(run.exitCode).toBe(0);
      expect(run.stdout).toMatch(/^== probing /);
    },
  );
});

describe('faults found just before QUIT', () => {
  it(
    'when junk follows the greeting of a banner ' + 'check then the verdict is the fault, not OK',
    async () => {
      const target = await serve([send(`${GREETING_220}JUNK\r\n`), silent(1_000)]);
      const run = await runCli([target, '--banner']);

      expect(run.exitCode).toBe(7);
      expect(run.stdout).not.toMatch(/^-> QUIT/m);
      expect(run.stderr).toContain(
        'after the greeting: server sent a line that is not an SMTP reply',
      );
    },
  );

  it('when replies keep coming after the QUIT reply then they are shown, not dropped', async () => {
    const target = await serve([
      send(GREETING_220),
      expectLine(/^QUIT/),
      send(Buffer.from('221 bye\r\n250 extra \u202e one\r\n', 'utf8')),
      silent(500),
    ]);
    const run = await runCli([target, '--banner']);

    expect(run.exitCode).toBe(0);
    expect(run.stdout).toMatch(/^<- 250 extra \\u202e one {2}/m);
    expect(run.stdout).toContain('nobody asked for');
  });

  it('when SIGTERM comes while QUIT is awaited then the run is interrupted, exit 143', async () => {
    const target = await serve([send(GREETING_220), expectLine(/^QUIT/), silent(10_000)]);
    const running = spawnCli([target, '--banner', '--timeout', '8s']);
    setTimeout(() => running.child.kill('SIGTERM'), 800);
    const run = await running;

    expect(run.exitCode).toBe(143);
    expect(run.stdout).toContain('result: INTERRUPTED at QUIT (exit 143)');
  });
});

describe('output that cannot be written', () => {
  it('when stdout is a full disk then there is no crash and the exit status stays', async () => {
    const target = await serve([send(GREETING_220), expectLine(/^QUIT/), send(REPLY_221_BYE)]);
    const run = await spawnCli(
      ['-c', `node "$0" ${target} --banner > /dev/full`],
      {},
      20_000,
      'bash',
    );

    expect(run.stderr).toBe('');
    expect(run.exitCode).toBe(0);
  });
});

describe('the message stage', () => {
  const ENVELOPE = [
    'send',
    '--from',
    'a@probe.test',
    '--to',
    'b@probe.test',
    '--starttls',
    'never',
  ];
  const EHLO_PIPELINING = '250-mx.probe.test\r\n250 PIPELINING\r\n';
  const envelope: Step[] = [
    send(GREETING_220),
    expectLine(/^EHLO/),
    send(EHLO_PIPELINING),
    expectLine(/^MAIL/),
    expectLine(/^RCPT/),
    expectLine(/^DATA/),
  ];
  const probe = (target: string, ...extra: string[]) =>
    runCli([
      ENVELOPE[0]!,
      target,
      ...ENVELOPE.slice(1),
      '--timeout',
      '1s',
      '--data-timeout',
      '1s',
      ...extra,
    ]);

  it(
    'when a reply comes before the message was sent ' +
      'then it is out of step, not the message reply',
    async () => {
      const target = await serve([
        ...envelope,
        send('250 Ok\r\n250 Ok\r\n354 go\r\n250 2.0.0 queued as EARLY1\r\n'),
        silent(1_000),
      ]);
      const run = await probe(target);

      expect(run.exitCode).toBe(7);
      expect(run.stderr).toContain('the server replied before the message was sent');
      expect(run.stdout).not.toContain('took the message as EARLY1');
    },
  );

  it(
    'when MAIL is refused but DATA still gets 354 then ' +
      'the refusal stays the verdict after the lone dot',
    async () => {
      const target = await serve([
        ...envelope,
        send('550 5.7.1 sender rejected\r\n503 5.5.1 need MAIL\r\n354 go\r\n'),
        silent(3_000),
      ]);
      const run = await probe(target);

      expect(run.exitCode).toBe(65);
      expect(run.stdout).toContain('== ending the empty message failed');
      expect(run.stderr).toMatch(/^smtp-probe: MAIL FROM refused \(permanent failure\): 550 /);
    },
  );

  it('when the server stops reading the message then the wait ends at the timeout', async () => {
    const file = writeTempFile(
      'big.eml',
      `Subject: big\r\n\r\n${'x'.repeat(76)}\r\n`
        .repeat(1)
        .concat(`${'y'.repeat(998)}\r\n`.repeat(25_000)),
    );
    const target = await serve([
      ...envelope,
      send('250 Ok\r\n250 Ok\r\n354 go\r\n'),
      stopReading(),
      silent(5_000),
    ]);
    const started = Date.now();
    const run = await probe(target, '--data', file);

    expect(Date.now() - started).toBeLessThan(4_000);
    expect(run.exitCode).toBe(5);
    expect(run.stderr).toMatch(
      /^smtp-probe: the server stopped reading: \d+ bytes not taken after 1\.00 s\n$/,
    );
    removeTempFiles();
  });
});

describe('floods cut short', () => {
  it(
    'when a greeting hits the line cap on its unterminated ' +
      'last line at close then it is exit 7, not a crash',
    async () => {
      const target = await serve([send(`${'220-x\r\n'.repeat(200)}220 last`), close()]);
      const run = await runCli([target]);

      expect(run.exitCode).toBe(7);
      expect(run.stderr).toMatch(/^smtp-probe: unreadable greeting: reply exceeded limits/);
      expect(run.stdout).toContain('more lines not shown');
      expect(
        run.stdout.split('\n').filter((line) => line.startsWith('<- 220-x')).length,
      ).toBeLessThan(10);
    },
  );
});
