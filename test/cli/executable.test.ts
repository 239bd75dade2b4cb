/**
 * The built executable, as a user runs it: a real process with real pipes,
 * so exit statuses, stream separation and colour decisions are the true ones.
 */
import { afterEach, describe, expect, it } from 'vitest';
import {
  close,
  expectLine,
  send,
  startFakeServer,
  type FakeServer,
} from '../helpers/fake-server.js';
import { spawnCli } from '../helpers/spawn-cli.js';
import { GREETING_220, GREETING_554, REPLY_221_BYE } from '../fixtures/replies.js';

let server: FakeServer | undefined;

afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('dist/smtp-probe.js', () => {
  it('when run on a pipe then the transcript has no colour and the exit status is 0', async () => {
    server = await startFakeServer([
      send(GREETING_220),
      expectLine(/^QUIT/),
      send(REPLY_221_BYE),
      close(),
    ]);
    const run = await spawnCli([`127.0.0.1:${server.port}`, '--banner']);

    expect(run.exitCode).toBe(0);
    expect(run.stderr).toBe('');
    expect(run.stdout).not.toContain('\x1b[');
    expect(run.stdout).toMatch(/^<- 220 mx\.probe\.test ESMTP ready {2,}\d/m);
  });

  it('when FORCE_COLOR is set then replies are coloured by class, even on a pipe', async () => {
    server = await startFakeServer([
      send(GREETING_554),
      expectLine(/^QUIT/),
      send(REPLY_221_BYE),
      close(),
    ]);
    const run = await spawnCli([`127.0.0.1:${server.port}`], { FORCE_COLOR: '1' });

    expect(run.exitCode).toBe(25);
    expect(run.stdout).toContain('\x1b[31m<- 554 5.7.1');
    expect(run.stdout).toContain('\x1b[32m<- 221 2.0.0 Bye');
  });

  it(
    'when NO_COLOR and --no-color are given ' + 'then there is no colour even when forced',
    async () => {
      server = await startFakeServer([
        send(GREETING_554),
        expectLine(/^QUIT/),
        send(REPLY_221_BYE),
      ]);
      const run = await spawnCli([`127.0.0.1:${server.port}`, '--no-color'], { FORCE_COLOR: '1' });

      expect(run.stdout).not.toContain('\x1b[');
    },
  );

  it('when --quiet is given then stdout is the result line alone', async () => {
    server = await startFakeServer([send(GREETING_554), expectLine(/^QUIT/), send(REPLY_221_BYE)]);
    const run = await spawnCli([`127.0.0.1:${server.port}`, '-q']);

    expect(run.exitCode).toBe(25);
    expect(run.stdout).toBe(
      'result: FAILED at greeting: greeting refused (permanent failure): ' +
        '554 5.7.1 mx.probe.test no SMTP service for you (exit 25)\n',
    );
  });

  it('when given a usage error then it exits 2 without connecting', async () => {
    const run = await spawnCli(['127.0.0.1:2525', '--starttls', 'maybe']);

    expect(run.exitCode).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(
      /^smtp-probe: option '--starttls <when>' argument 'maybe' is invalid/,
    );
  });
});
