/**
 * What goes on MAIL FROM and RCPT TO, and what goes after DATA, checked
 * byte for byte against the scripted fake server.
 */
import { Readable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { runCli } from '../helpers/cli.js';
import {
  expectLine,
  send,
  startFakeServer,
  type FakeServer,
  type Step,
} from '../helpers/fake-server.js';
import { removeTempFiles, writeTempFile } from '../helpers/temp-files.js';
import { GREETING_220, REPLY_221_BYE } from '../fixtures/replies.js';

let server: FakeServer | undefined;

afterEach(async () => {
  await server?.close();
  server = undefined;
  removeTempFiles();
});

const EHLO_ALL = [
  'mx.probe.test',
  'PIPELINING',
  'SIZE 1000000',
  '8BITMIME',
  'SMTPUTF8',
  'DSN',
  'REQUIRETLS',
]
  .map((line, index, all) => `250${index === all.length - 1 ? ' ' : '-'}${line}\r\n`)
  .join('');
const EHLO_BARE = '250-mx.probe.test\r\n250 PIPELINING\r\n';
const COMMON = [
  '--ehlo',
  'probe.test',
  '--starttls',
  'never',
  '--timeout',
  '1s',
  '--data-timeout',
  '1s',
];

/** A server that answers the envelope and QUITs after --quit-after rcpt; returns the client's lines. */
async function envelope(
  ehlo: string,
  args: string[],
  replies = 2,
): Promise<{ lines: string[]; exitCode: number; stderr: string }> {
  const script: Step[] = [send(GREETING_220), expectLine(/^EHLO/), send(ehlo)];
  for (let n = 0; n < replies; n += 1) script.push(expectLine(/^(MAIL|RCPT)/));
  script.push(send('250 Ok\r\n'.repeat(replies)), expectLine(/^QUIT/), send(REPLY_221_BYE));
  server = await startFakeServer(script);
  const run = await runCli([
    'send',
    `127.0.0.1:${server.port}`,
    ...COMMON,
    '--quit-after',
    'rcpt',
    ...args,
  ]);
  return { lines: server.clientLines(), exitCode: run.exitCode, stderr: run.stderr };
}

describe('MAIL FROM and RCPT TO parameters', () => {
  it('when the sender is <> then MAIL FROM carries the null reverse-path', async () => {
    const { lines } = await envelope(EHLO_ALL, ['--from', '<>', '--to', 'you@probe.test']);
    expect(lines[1]).toMatch(/^MAIL FROM:<> SIZE=\d+$/);
  });

  it('when an address is not ASCII and SMTPUTF8 is offered then it is declared', async () => {
    const { lines } = await envelope(EHLO_ALL, [
      '--from',
      'jörg@probe.test',
      '--to',
      'you@probe.test',
    ]);
    // The fake server keeps bytes as latin1; the address went as UTF-8.
    const mail = Buffer.from(lines[1]!, 'latin1').toString('utf8');
    expect(mail).toMatch(/^MAIL FROM:<jörg@probe\.test> SIZE=\d+ BODY=8BITMIME SMTPUTF8$/);
  });

  it(
    'when an address is not ASCII and SMTPUTF8 ' + 'is not offered then nothing is sent, exit 9',
    async () => {
      server = await startFakeServer([
        send(GREETING_220),
        expectLine(/^EHLO/),
        send(EHLO_BARE),
        expectLine(/^QUIT/),
        send(REPLY_221_BYE),
      ]);
      const run = await runCli([
        'send',
        `127.0.0.1:${server.port}`,
        ...COMMON,
        '--from',
        'jörg@probe.test',
        '--to',
        'you@probe.test',
      ]);

      expect(run.exitCode).toBe(9);
      expect(run.stderr).toContain(
        'an address is not ASCII but the server does not offer SMTPUTF8',
      );
      expect(server.clientLines()).toEqual(['EHLO probe.test', 'QUIT']);
    },
  );

  it(
    'when DSN options are given and DSN is offered ' +
      'then RET, ENVID and NOTIFY go where they belong',
    async () => {
      const dsn = ['--dsn-ret', 'HDRS', '--dsn-envid', 'id+1=2', '--dsn-notify', 'success,failure'];
      const { lines } = await envelope(EHLO_ALL, [
        '--from',
        'me@probe.test',
        '--to',
        'you@probe.test',
        ...dsn,
      ]);

      expect(lines[1]).toMatch(/^MAIL FROM:<me@probe\.test> SIZE=\d+ RET=HDRS ENVID=id\+2B1\+3D2$/);
      expect(lines[2]).toBe('RCPT TO:<you@probe.test> NOTIFY=SUCCESS,FAILURE');
    },
  );

  it('when ENVID is not ASCII then it goes as xtext of its UTF-8 octets', async () => {
    const args = ['--from', 'me@probe.test', '--to', 'you@probe.test', '--dsn-envid', 'é😀'];
    const { lines } = await envelope(EHLO_ALL, args);
    expect(lines[1]).toMatch(/ ENVID=\+C3\+A9\+F0\+9F\+98\+80$/);
  });

  it(
    'when DSN is not offered then its parameters ' + 'are left out with a warning, unless forced',
    async () => {
      const args = ['--from', 'me@probe.test', '--to', 'you@probe.test', '--dsn-notify', 'never'];
      const left = await envelope(EHLO_BARE, args);
      expect(left.lines[2]).toBe('RCPT TO:<you@probe.test>');

      await server!.close();
      const forced = await envelope(EHLO_BARE, [...args, '--force-parameters']);
      expect(forced.lines[2]).toBe('RCPT TO:<you@probe.test> NOTIFY=NEVER');
    },
  );

  it('when REQUIRETLS is asked for without TLS then nothing is sent, exit 9', async () => {
    server = await startFakeServer([
      send(GREETING_220),
      expectLine(/^EHLO/),
      send(EHLO_ALL),
      expectLine(/^QUIT/),
      send(REPLY_221_BYE),
    ]);
    const run = await runCli([
      'send',
      `127.0.0.1:${server.port}`,
      ...COMMON,
      '--from',
      'me@probe.test',
      '--to',
      'you@probe.test',
      '--requiretls',
    ]);

    expect(run.exitCode).toBe(9);
    expect(run.stderr).toContain(
      '--requiretls: the session is not encrypted, so the message may not go',
    );
  });

  it('when a given parameter has the keyword of a generated one then it replaces it', async () => {
    const args = ['--from', 'me@probe.test', '--to', 'you@probe.test', '--dsn-notify', 'success'];
    const { lines } = await envelope(EHLO_ALL, [
      ...args,
      '--rcpt-param',
      'NOTIFY=NEVER',
      '--mail-param',
      'SIZE=5',
    ]);

    expect(lines[1]).toBe('MAIL FROM:<me@probe.test> SIZE=5');
    expect(lines[2]).toBe('RCPT TO:<you@probe.test> NOTIFY=NEVER');
  });

  it('when extra parameters are given then unknown ones are sent as asked', async () => {
    const args = [
      '--from',
      'me@probe.test',
      '--to',
      'you@probe.test',
      '--mail-param',
      'MT-PRIORITY=3',
      '--rcpt-param',
      'XFLAG',
    ];
    const { lines } = await envelope(EHLO_BARE, args);

    expect(lines[1]).toBe('MAIL FROM:<me@probe.test> MT-PRIORITY=3');
    expect(lines[2]).toBe('RCPT TO:<you@probe.test> XFLAG');
  });
});

/** A server that takes one message by DATA; returns what came after 354. */
async function dataAfter354(args: string[], stdin?: string): Promise<string> {
  server = await startFakeServer([
    send(GREETING_220),
    expectLine(/^EHLO/),
    send(EHLO_BARE),
    expectLine(/^MAIL/),
    expectLine(/^RCPT/),
    expectLine(/^DATA/),
    send('250 Ok\r\n250 Ok\r\n354 go\r\n'),
  ]);
  const argv = [
    'send',
    `127.0.0.1:${server.port}`,
    ...COMMON,
    '--from',
    'me@probe.test',
    '--to',
    'you@probe.test',
    ...args,
  ];
  const sink = { text: '', write: (s: string) => ((sink.text += s), true) };
  await main(argv, {
    stdout: sink,
    stderr: sink,
    env: {},
    stdin: () => Readable.from([Buffer.from(stdin ?? '')]),
  });
  const wire = server.received[0]!.toString('latin1');
  return wire.slice(wire.indexOf('DATA\r\n') + 'DATA\r\n'.length);
}

describe('the message after DATA', () => {
  it(
    'when --data gives a prepared message with LF ' + 'endings then it goes with CRLF, dot-stuffed',
    async () => {
      const file = writeTempFile('mail.eml', 'Subject: prepared\n\n.dot\nend\n');
      expect(await dataAfter354(['--data', file])).toBe(
        'Subject: prepared\r\n\r\n..dot\r\nend\r\n.\r\n',
      );
    },
  );

  it(
    'when --raw is given then the bytes go untouched, ' +
      'bare LF and all, then the real end of data',
    async () => {
      const file = writeTempFile('raw.eml', 'Subject: raw\r\n\r\nline one\n.\nNOOP\r\n');
      expect(await dataAfter354(['--data', file, '--raw'])).toBe(
        'Subject: raw\r\n\r\nline one\n.\nNOOP\r\n\r\n.\r\n',
      );
    },
  );

  it('when --data - is given then the message is read from standard input', async () => {
    expect(await dataAfter354(['--data', '-'], 'Subject: piped\r\n\r\nhello\r\n')).toBe(
      'Subject: piped\r\n\r\nhello\r\n.\r\n',
    );
  });
});
