/**
 * Servers that echo credentials back: in a 535, as a 334 challenge the
 * transcript would decode, in later replies, raw or in hex. None of it may
 * reach any output, with or without --quiet.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { stringifyJson } from '../../src/report/json.js';
import { runCli, type CliRun } from '../helpers/cli.js';
import {
  expectLine,
  send,
  silent,
  startFakeServer,
  type FakeServer,
  type Step,
} from '../helpers/fake-server.js';
import { GREETING_220, REPLY_221_BYE } from '../fixtures/replies.js';

const SECRET = 'S3cr3t-Pa55-XYZ';
const PLAIN_BLOB = Buffer.from(`\0probeuser\0${SECRET}`).toString('base64');
const SECRET_BASE64 = Buffer.from(SECRET).toString('base64');
const EHLO_AUTH = '250-mx.probe.test\r\n250 AUTH PLAIN LOGIN\r\n';
const ARGS = [
  '--from',
  'a@probe.test',
  '--to',
  'b@probe.test',
  '--starttls',
  'never',
  '--auth-insecure',
];

let server: FakeServer | undefined;

afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function run(script: Step[], mechanism: string, quiet: boolean): Promise<CliRun> {
  server = await startFakeServer(script);
  const args = [
    'send',
    `127.0.0.1:${server.port}`,
    ...ARGS,
    '--auth',
    mechanism,
    '--auth-user',
    'probeuser',
    '--timeout',
    '1s',
  ];
  return runCli(quiet ? [...args, '--quiet'] : args, { SMTP_PROBE_AUTH_PASSWORD: SECRET });
}

function expectHidden(result: CliRun): void {
  const output = result.stdout + result.stderr;
  for (const form of [SECRET, SECRET_BASE64, PLAIN_BLOB, Buffer.from(SECRET).toString('hex')]) {
    expect(output).not.toContain(form);
  }
  // An echo of a longer blob holds the secret's base64 at another alignment.
  expect(output).not.toContain(PLAIN_BLOB.slice(8, 20));
}

describe.each([false, true])('with --quiet %s', (quiet) => {
  it('when a 535 echoes the PLAIN line then the blob is hidden everywhere', async () => {
    const result = await run(
      [
        send(GREETING_220),
        expectLine(/^EHLO/),
        send(EHLO_AUTH),
        expectLine(/^AUTH PLAIN /),
        send(`535 5.7.8 bad credentials: AUTH PLAIN ${PLAIN_BLOB}\r\n`),
        expectLine(/^QUIT/),
        send(REPLY_221_BYE),
      ],
      'PLAIN',
      quiet,
    );
    expect(result.exitCode).toBe(55);
    expectHidden(result);
    expect(result.stdout + result.stderr).toContain('<hidden>');
  });

  it(
    'when the password comes back as a 334 ' + 'challenge then it is never shown, decoded or not',
    async () => {
      const result = await run(
        [
          send(GREETING_220),
          expectLine(/^EHLO/),
          send(EHLO_AUTH),
          expectLine(/^AUTH LOGIN$/),
          send('334 VXNlcm5hbWU6\r\n'),
          expectLine(/^cHJvYmV1c2Vy$/),
          send('334 UGFzc3dvcmQ6\r\n'),
          expectLine(/./),
          send(`334 ${SECRET_BASE64}\r\n`),
          expectLine(/^\*$/),
          send('501 5.7.0 cancelled\r\n'),
          silent(300),
        ],
        'LOGIN',
        quiet,
      );
      expect(result.exitCode).toBe(55);
      expectHidden(result);
    },
  );

  it('when later replies quote the secret raw or in hex then it is hidden there too', async () => {
    const hex = Buffer.from(SECRET).toString('hex');
    const result = await run(
      [
        send(GREETING_220),
        expectLine(/^EHLO/),
        send(EHLO_AUTH),
        expectLine(/^AUTH PLAIN /),
        send('235 2.7.0 ok\r\n'),
        expectLine(/^MAIL/),
        send(`550 5.7.1 sender ${SECRET} rejected (${hex})\r\n`),
        expectLine(/^QUIT/),
        send(REPLY_221_BYE),
      ],
      'PLAIN',
      quiet,
    );
    expect(result.exitCode).toBe(65);
    expectHidden(result);
  });
});

// Secrets holding characters that JSON escapes (`"`, `\`, a C1 control) or
// that the Nagios line rewrites (`|`): a mask over the rendered text would
// look for the wrong form.
describe.each([
  ['a double quote', 'S3cr"etPw-1'],
  ['a backslash', 'S3cr\\etPw-2'],
  ['a pipe', 'Sec|retPw-3'],
  ['a C1 control', 'Sec\u0085retPw-4'],
])('a secret with %s, echoed in a 535', (_what, secret) => {
  const echo = Buffer.from(`535-5.7.8 your password ${secret} is wrong\r\n535 5.7.8 no\r\n`);
  const script = [
    send(GREETING_220),
    expectLine(/^EHLO/),
    send(EHLO_AUTH),
    expectLine(/^AUTH PLAIN /),
    send(echo),
    expectLine(/^QUIT/),
    send(REPLY_221_BYE),
  ];

  it.each(['--json', '--format=ndjson', '--format=nagios', '--format=prometheus', '--quiet'])(
    'when the output is %s then no form of it appears',
    async (format) => {
      server = await startFakeServer(script);
      const target = `127.0.0.1:${server.port}`;
      const args = ['send', target, ...ARGS, '--auth', 'PLAIN', '--auth-user', 'probeuser'];
      const result = await runCli([...args, format], { SMTP_PROBE_AUTH_PASSWORD: secret });
      const output = result.stdout + result.stderr;

      // Prometheus carries no server text at all; the others must show the echo, masked.
      if (format !== '--format=prometheus') expect(output).toContain('your password');
      const inJson = stringifyJson(secret).slice(1, -1);
      for (const form of [secret, inJson, secret.replace('|', '/')]) {
        expect(output).not.toContain(form);
      }
      expect(output).not.toContain(echo.toString('base64').slice(8, 40));
    },
  );
});
