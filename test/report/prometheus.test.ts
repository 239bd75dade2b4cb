import { describe, expect, it } from 'vitest';
import { TimeoutError } from '../../src/errors.js';
import { renderPrometheus } from '../../src/report/prometheus.js';
import { makeResult, timing } from '../helpers/probe-result.js';

const STARTED = new Date('2030-01-01T00:00:00.000Z');

const OK_RUN = makeResult({
  host: 'mx1.probe.test',
  totalMs: 350,
  timings: [timing('connect', 2), timing('greeting', 200), timing('tls', 120, true)],
  tls: { protocol: 'TLSv1.3', certificate: { validTo: '2030-03-02T00:00:00.000Z', daysLeft: 60 } },
});

const FAILED_RUN = makeResult({
  host: 'mx2.probe.test',
  port: 587,
  totalMs: 1_000,
  timings: [timing('connect', 1)],
  failure: new TimeoutError('no greeting within 1 s', 1_000, { stage: 'greeting' }),
});

describe('the Prometheus exposition', () => {
  it(
    'when two runs are rendered then each metric has one ' + 'HELP and TYPE and a sample per run',
    () => {
      const text = renderPrometheus([
        { result: OK_RUN, startedAt: STARTED },
        { result: FAILED_RUN, startedAt: STARTED },
      ]);
      const lines = text.split('\n');

      expect(lines.filter((line) => line === '# TYPE smtp_probe_success gauge')).toHaveLength(1);
      expect(text).toContain(
        'smtp_probe_success{target="mx1.probe.test:25"} 1\n' +
          'smtp_probe_success{target="mx2.probe.test:587"} 0\n',
      );
      expect(text).toContain('smtp_probe_exit_code{target="mx2.probe.test:587"} 5\n');
      expect(text).toContain(
        'smtp_probe_stage_duration_seconds{target="mx1.probe.test:25",stage="greeting"} 0.2\n',
      );
      expect(text).toContain(
        'smtp_probe_failure_info{target="mx2.probe.test:587",stage="greeting",kind="timeout"} 1\n',
      );
      expect(text).toContain(
        'smtp_probe_tls_info{target="mx1.probe.test:25",version="TLSv1.3"} 1\n',
      );
      expect(text).toContain(
        'smtp_probe_tls_certificate_expiry_timestamp_seconds{target="mx1.probe.test:25"} 1898640000\n',
      );
      expect(text).toContain(
        'smtp_probe_timestamp_seconds{target="mx2.probe.test:587"} 1893456000\n',
      );
      expect(text.endsWith('\n')).toBe(true);
    },
  );

  it('when every HELP line is followed by its TYPE then samples come only after both', () => {
    const text = renderPrometheus([{ result: OK_RUN, startedAt: STARTED }]);
    let declared = '';
    for (const line of text.trimEnd().split('\n')) {
      const help = /^# HELP (\S+) /.exec(line);
      if (help) declared = help[1]!;
      else if (!line.startsWith('# TYPE')) expect(line.startsWith(`${declared}{`)).toBe(true);
    }
  });

  it('when no run failed or used TLS then those metrics are left out whole', () => {
    const text = renderPrometheus([{ result: makeResult({}), startedAt: STARTED }]);

    expect(text).not.toContain('failure_info');
    expect(text).not.toContain('tls_');
  });

  it('when a label value holds a backslash, a quote or a newline then each is escaped', () => {
    const odd = makeResult({ host: 'a\\b"c\nd' });
    const text = renderPrometheus([{ result: odd, startedAt: STARTED }]);

    expect(text).toContain('smtp_probe_success{target="a\\\\b\\"c\\nd:25"} 1\n');
  });
});
