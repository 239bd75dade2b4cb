/**
 * The Prometheus report checked by Prometheus's own linter: every run the
 * CLI can report (success, TLS with a certificate, refusal, timeout) and a
 * multi-target list through the renderer, piped to `promtool check metrics`.
 * promtool comes from Debian's prometheus package (.ci/mta/install.sh).
 */
import { spawnSync } from 'node:child_process';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { TimeoutError } from '../../src/errors.js';
import { renderPrometheus } from '../../src/report/prometheus.js';
import { makeSelfSigned, type CertificatePair } from '../helpers/certificates.js';
import { runCli } from '../helpers/cli.js';
import { startFakeServer, type FakeServer, type Step } from '../helpers/fake-server.js';
import {
  DELAYED_SESSION,
  REFUSED_SESSION,
  SILENT_SESSION,
  tlsSession,
} from '../helpers/monitoring-scripts.js';
import { makeResult, timing } from '../helpers/probe-result.js';

const PROMTOOL = 'promtool';
const found = spawnSync(PROMTOOL, ['--version'], { encoding: 'utf8' });
const missing = found.error !== undefined || found.status !== 0;
if (missing) {
  console.warn('promtool.test.ts skipped: promtool not found (apt-get install prometheus)');
}

let pair: CertificatePair;
let servers: FakeServer[] = [];

beforeAll(async () => {
  pair = await makeSelfSigned();
});
afterEach(async () => {
  await Promise.all(servers.map((server) => server.close()));
  servers = [];
});

async function serve(script: Step[]): Promise<string> {
  const server = await startFakeServer(script);
  servers.push(server);
  return `127.0.0.1:${server.port}`;
}

/** What promtool said; nothing at all, with status 0, is a pass. */
function checkMetrics(text: string): { status: number | null; said: string } {
  const run = spawnSync(PROMTOOL, ['check', 'metrics'], { input: text, encoding: 'utf8' });
  return { status: run.status, said: `${run.stdout}${run.stderr}` };
}

describe.skipIf(missing)('promtool check metrics', () => {
  it.each([
    ['a successful session', () => DELAYED_SESSION, [], 'smtp_probe_success{'],
    ['a session over STARTTLS', () => tlsSession(pair), [], 'smtp_probe_tls_certificate_expiry'],
    ['a refused greeting', () => REFUSED_SESSION, [], 'smtp_probe_failure_info{'],
    ['a timeout', () => SILENT_SESSION, ['--timeout', '300ms'], 'kind="timeout"'],
  ])(
    'when the CLI reports %s then promtool finds nothing to say',
    async (_w, script, args, has) => {
      const target = await serve(script());
      const run = await runCli([target, '--ehlo=probe.test', '--format', 'prometheus', ...args]);

      expect(run.stdout).toContain(has);
      expect(checkMetrics(run.stdout)).toEqual({ status: 0, said: '' });
    },
  );

  it('when the CLI probes two targets twice each then one exposition passes promtool', async () => {
    const first = await serve(DELAYED_SESSION);
    const second = await serve(REFUSED_SESSION);
    const args = ['--ehlo=probe.test', '--format', 'prometheus', '-c', '2', '--interval', '0'];
    const run = await runCli([first, second, ...args]);

    expect(run.exitCode).toBe(25);
    expect(run.stdout.match(/^smtp_probe_success\{/gm)).toHaveLength(2);
    expect(run.stdout).toMatch(/^smtp_probe_repeat_probes\{target="[^"]+"\} 2$/m);
    expect(run.stdout).toMatch(/^smtp_probe_repeat_failures\{target="[^"]+"\} 2$/m);
    expect(run.stdout).toMatch(
      /^smtp_probe_repeat_stage_duration_seconds\{target="[^"]+",stage="greeting",statistic="p95"\} /m,
    );
    expect(checkMetrics(run.stdout)).toEqual({ status: 0, said: '' });
  });

  it('when several targets are rendered together then promtool finds nothing to say', () => {
    const startedAt = new Date();
    const tls = {
      protocol: 'TLSv1.3',
      certificate: { validTo: '2030-01-01T00:00:00Z', daysLeft: 9 },
    };
    const failure = new TimeoutError('no greeting', 300, { stage: 'greeting' });
    const runs = [
      makeResult({ host: 'mx1.probe.test', timings: [timing('greeting', 5)], tls }),
      makeResult({ host: 'mx2.probe.test', port: 587, timings: [timing('connect', 1)], failure }),
      makeResult({ host: '::1', port: 2525, timings: [timing('greeting', 2)] }),
    ].map((result) => ({ result, startedAt }));
    const text = renderPrometheus(runs);

    expect(text.match(/^# TYPE smtp_probe_success gauge$/gm)).toHaveLength(1);
    expect(text.match(/^smtp_probe_success\{/gm)).toHaveLength(3);
    expect(checkMetrics(text)).toEqual({ status: 0, said: '' });
  });
});
