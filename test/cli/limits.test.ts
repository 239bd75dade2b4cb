/**
 * Time limits: each wait has its own, the whole run has a deadline, and a
 * reply that trickles in is reported with its rate whatever else happens.
 */
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import {
  delay,
  drip,
  expectLine,
  send,
  silent,
  fakeServerPerTest,
} from '../helpers/fake-server.js';
import { EHLO_PLAIN, GREETING_220, REPLY_221_BYE } from '../fixtures/replies.js';

const { serve } = fakeServerPerTest();

describe('time limits', () => {
  it(
    'when the whole run passes --deadline then ' + 'it ends there, whatever the wait under way',
    async () => {
      const target = await serve([send(GREETING_220), expectLine(/^EHLO/), silent(5_000)]);
      const started = Date.now();
      const run = await runCli([target, '--timeout', '10s', '--deadline', '700ms']);

      expect(Date.now() - started).toBeLessThan(3_000);
      expect(run.exitCode).toBe(5);
      expect(run.stderr).toBe(
        'smtp-probe: the run passed its overall deadline ' +
          'of 700 ms while waiting for the reply to EHLO\n',
      );
    },
  );

  it('when --greeting-timeout is given then the greeting has its own limit', async () => {
    const target = await serve([silent(5_000)]);
    const run = await runCli([target, '--timeout', '10s', '--greeting-timeout', '400ms']);

    expect(run.exitCode).toBe(5);
    expect(run.stderr).toBe(
      'smtp-probe: no greeting after 400 ms (the TCP connection was accepted)\n',
    );
  });

  it('when a reply trickles in then it is reported as a tarpit with its rate', async () => {
    const target = await serve([
      delay(50),
      drip('220 slow.probe.test ESMTP\r\n', 60),
      expectLine(/^QUIT/),
      send(REPLY_221_BYE),
    ]);
    const run = await runCli([target, '--banner']);

    expect(run.exitCode).toBe(0);
    expect(run.stdout).toMatch(
      /^!! the reply trickled in over 1\.\d\d s \(\d+\.\d bytes\/s\): a tarpit or a congested path$/m,
    );
  });

  it(
    'when a trickling reply runs past its limit ' + 'then the limit holds and the rate is said',
    async () => {
      const target = await serve([send(GREETING_220), expectLine(/^EHLO/), drip(EHLO_PLAIN, 200)]);
      const started = Date.now();
      const run = await runCli([target, '--ehlo', 'probe.test', '--timeout', '1500ms']);

      expect(Date.now() - started).toBeLessThan(3_500);
      expect(run.exitCode).toBe(5);
      expect(run.stderr).toMatch(
        /^smtp-probe: reply to EHLO incomplete after 1\.50 s: .+ \(arriving at \d+\.\d bytes\/s: a tarpit\?\)\n$/,
      );
    },
  );

  it('when the deadline cuts a trickling reply short then what arrived is kept', async () => {
    const target = await serve([
      drip('220-mx.probe.test\r\n220-second line\r\n', 40),
      silent(5_000),
    ]);
    const run = await runCli([target, '--deadline', '1800ms']);

    expect(run.exitCode).toBe(5);
    expect(run.stdout).toMatch(
      /^<- 220-mx\.probe\.test\n<- 220-second line\n\*\* the run passed its overall deadline/m,
    );
  });
});
