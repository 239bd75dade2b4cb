/**
 * SIGINT and SIGTERM during `smtp-probe -i`: they end the session at once,
 * not at the next line, with QUIT when the session is idle, and without it
 * inside DATA, so that `timeout 60 smtp-probe -i …` does what it says.
 */
import type { ChildProcess } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import {
  expectLine,
  readAny,
  send,
  silent,
  startFakeServer,
  type FakeServer,
  type Step,
} from '../helpers/fake-server.js';
import { killPtysAfterEach, startPty } from '../helpers/pty.js';
import { spawnCliWithInput } from '../helpers/spawn-cli.js';
import { removeTempFiles, writeTempFile } from '../helpers/temp-files.js';
import { GREETING_220, REPLY_221_BYE, REPLY_250_OK } from '../fixtures/replies.js';

const REPLY_354_GO_AHEAD = '354 End data with <CR><LF>.<CR><LF>\r\n';

let server: FakeServer | undefined;

killPtysAfterEach();

afterEach(async () => {
  await server?.close();
  server = undefined;
  removeTempFiles();
});

async function serve(script: Step[]): Promise<number> {
  server = await startFakeServer(script);
  return server.port;
}

/** Resolves once the child has printed text matching the pattern; rejects after 5 s. */
function printed(child: ChildProcess, pattern: RegExp): Promise<void> {
  let seen = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`never printed ${pattern}: ${seen}`)), 5_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      seen += chunk.toString();
      if (!pattern.test(seen)) return;
      clearTimeout(timer);
      resolve();
    });
  });
}

describe('a signal in piped mode', () => {
  it.each([
    ['SIGTERM', 143],
    ['SIGINT', 130],
  ] as const)(
    'when %s comes while the input is still open then QUIT is said and the exit is %i',
    async (signal, status) => {
      const port = await serve([
        send(GREETING_220),
        expectLine(/^NOOP$/),
        send(REPLY_250_OK),
        expectLine(/^QUIT$/),
        send(REPLY_221_BYE),
      ]);
      const run = spawnCliWithInput(['-i', `127.0.0.1:${port}`], 'NOOP\n', 10_000, {
        keepOpen: true,
      });
      await printed(run.child, /<- 250 2\.0\.0 OK/);
      const sentAt = performance.now();
      run.child.kill(signal);
      const result = await run;

      expect(result.exitCode).toBe(status);
      expect(performance.now() - sentAt).toBeLessThan(3_000);
      expect(server!.received[0]!.toString()).toBe('NOOP\r\nQUIT\r\n');
      expect(result.stdout).toContain(`== ${signal}: saying QUIT`);
      expect(result.stdout).toContain('<- 221 2.0.0 Bye');
    },
  );

  it('when SIGTERM comes inside DATA then the connection closes without QUIT', async () => {
    const port = await serve([
      send(GREETING_220),
      expectLine(/^DATA$/),
      send(REPLY_354_GO_AHEAD),
      readAny(),
      silent(3_000),
    ]);
    const run = spawnCliWithInput(['-i', `127.0.0.1:${port}`], 'DATA\nSubject: x\n', 10_000, {
      keepOpen: true,
    });
    await printed(run.child, /<- 354 /);
    run.child.kill('SIGTERM');
    const result = await run;

    expect(result.exitCode).toBe(143);
    expect(server!.received[0]!.toString()).toBe('DATA\r\nSubject: x\r\n');
    expect(result.stdout).toContain('SIGTERM inside DATA: closing without QUIT');
  });

  it('when SIGTERM comes while a reply is awaited then the wait ends, exit 143', async () => {
    const port = await serve([send(GREETING_220), expectLine(/^NOOP$/), silent(5_000)]);
    const run = spawnCliWithInput(['-i', `127.0.0.1:${port}`], 'NOOP\n', 10_000, {
      keepOpen: true,
    });
    await printed(run.child, /-> NOOP/);
    run.child.kill('SIGTERM');
    const result = await run;

    expect(result.exitCode).toBe(143);
    expect(result.stderr).toContain('interrupted by SIGTERM while waiting for the reply');
  });
});

describe('a signal at the terminal', () => {
  it('when SIGTERM comes at the idle prompt then QUIT is said at once, exit 143', async () => {
    const port = await serve([send(GREETING_220), expectLine(/^QUIT$/), send(REPLY_221_BYE)]);
    const history = writeTempFile('history', '');
    const run = startPty(['-i', `127.0.0.1:${port}`, '--history-file', history]);
    await run.waitFor(/smtp-probe> $/);
    run.signal('SIGTERM');

    expect(await run.exited).toBe(143);
    expect(server!.received[0]!.toString()).toBe('QUIT\r\n');
    expect(run.screen()).toContain('== SIGTERM: saying QUIT');
    expect(run.screen()).not.toMatch(/smtp-probe> \n?.*result/);
  });
});
