import { describe, expect, it } from 'vitest';
import { ConnectError, ReplyError, toProbeError } from '../../src/errors.js';
import { renderNagios, renderNagiosUnknown, statusLine } from '../../src/report/nagios.js';
import { formatPerfdata } from '../../src/report/perfdata.js';
import { parseThreshold } from '../../src/report/thresholds.js';
import { parseStatusLine, perfItem } from '../helpers/perfdata.js';
import { makeResult, reply as makeReply, timing } from '../helpers/probe-result.js';

const PLAIN_RUN = makeResult({
  port: 2525,
  totalMs: 400,
  timings: [timing('connect', 2), timing('greeting', 200), timing('ehlo', 150), timing('quit', 1)],
});

const TLS_RUN = makeResult({
  totalMs: 900,
  timings: [
    timing('connect', 2),
    timing('greeting', 100),
    timing('ehlo', 50),
    timing('starttls', 10),
    timing('tls', 300, true),
    timing('ehlo', 70, true),
    timing('quit', 1, true),
  ],
  tls: { protocol: 'TLSv1.3', certificate: { validTo: '2030-01-01T00:00:00.000Z', daysLeft: 30 } },
});

describe('the Nagios status line', () => {
  it('when the run succeeded without thresholds then it is OK with every stage in perfdata', () => {
    const report = renderNagios(PLAIN_RUN, []);

    expect(report.exitCode).toBe(0);
    expect(report.line).toBe(
      "SMTP OK - 127.0.0.1:2525 answered in 0.4s | 'total'=0.4s;;;0 'connect'=0.002s;;;0 " +
        "'greeting'=0.2s;;;0 'ehlo'=0.15s;;;0 'quit'=0.001s;;;0\n",
    );
    expect(parseStatusLine(report.line).perf).toHaveLength(5);
  });

  it('when EHLO is said again after STARTTLS then it is ehlo_tls, beside cert_days', () => {
    const status = parseStatusLine(renderNagios(TLS_RUN, []).line);

    expect(status.perf.map((item) => item.label)).toEqual([
      'total',
      'connect',
      'greeting',
      'ehlo',
      'starttls',
      'tls',
      'ehlo_tls',
      'quit',
      'cert_days',
    ]);
    expect(perfItem(status, 'ehlo_tls').value).toBe(0.07);
    expect(perfItem(status, 'cert_days')).toMatchObject({ value: 30, uom: '' });
    expect(status.text).toBe(
      '127.0.0.1:25 answered in 0.9s, TLSv1.3, certificate expires in 30 days',
    );
  });

  it(
    'when measures sit exactly on the thresholds then it ' + 'is OK, the thresholds in perfdata',
    () => {
      const thresholds = [
        parseThreshold('900ms', 'warning'),
        parseThreshold('tls=300ms', 'critical'),
        parseThreshold('cert-days=30', 'warning'),
        parseThreshold('cert-days=7', 'critical'),
      ];
      const report = renderNagios(TLS_RUN, thresholds);
      const status = parseStatusLine(report.line);

      expect(report.exitCode).toBe(0);
      expect(perfItem(status, 'total')).toMatchObject({ warn: '0.9', crit: '', min: '0' });
      expect(perfItem(status, 'tls')).toMatchObject({ warn: '', crit: '0.3' });
      expect(perfItem(status, 'cert_days')).toMatchObject({ warn: '30:', crit: '7:' });
    },
  );

  it('when a warning and a critical threshold are passed then it is CRITICAL, naming both', () => {
    const thresholds = [
      parseThreshold('899ms', 'warning'),
      parseThreshold('cert-days=31', 'critical'),
    ];
    const report = renderNagios(TLS_RUN, thresholds);

    expect(report.exitCode).toBe(2);
    expect(parseStatusLine(report.line).text).toBe(
      '127.0.0.1:25 answered in 0.9s, TLSv1.3, certificate expires in 30 days; ' +
        'cert days 30 < 31 (critical); total 0.9s > 0.899s (warning)',
    );
  });

  it('when only a warning threshold is passed then it is WARNING, exit 1', () => {
    const report = renderNagios(PLAIN_RUN, [parseThreshold('greeting=199ms', 'warning')]);

    expect(report.exitCode).toBe(1);
    expect(report.line).toMatch(/^SMTP WARNING - .*; greeting 0\.2s > 0\.199s \(warning\) \| /);
  });

  it('when the probe failed then it is CRITICAL with the stage, whatever the thresholds', () => {
    const reply = makeReply(554, '5.7.1 go away');
    const failure = new ReplyError('greeting', reply);
    const result = makeResult({ totalMs: 5, timings: [timing('connect', 1)], failure });
    const report = renderNagios(result, [parseThreshold('60m', 'critical')]);

    expect(report.exitCode).toBe(2);
    expect(report.line).toBe(
      'SMTP CRITICAL - 127.0.0.1:25 failed at greeting (exit 25): ' +
        "greeting refused (permanent failure): 554 5.7.1 go away | 'total'=0.005s;;3600;0 'connect'=0.001s;;;0\n",
    );
  });

  it('when no connection was made then it is CRITICAL at connect', () => {
    const failure = new ConnectError('cannot connect to 127.0.0.1:1: connection refused', {});
    const report = renderNagios(makeResult({ port: 1, failure }), []);

    expect(report.exitCode).toBe(2);
    expect(parseStatusLine(report.line).text).toBe(
      '127.0.0.1:1 failed at connect (exit 4): cannot connect to 127.0.0.1:1: connection refused',
    );
  });

  it('when smtp-probe itself failed then it is UNKNOWN', () => {
    const failure = toProbeError(new Error('boom'));
    const report = renderNagios(makeResult({ failure }), []);

    expect(report.exitCode).toBe(3);
    expect(parseStatusLine(report.line).state).toBe('UNKNOWN');
  });

  it(
    'when server text holds | and control characters then ' + 'the line stays one parseable line',
    () => {
      const reply = makeReply(554, 'a|b \x1b[2J c\x07 | d');
      const report = renderNagios(makeResult({ failure: new ReplyError('greeting', reply) }), []);

      expect(report.line.split('|')).toHaveLength(2);
      expect(report.line).toContain('554 a/b \\x1b[2J c\\x07 / d |');
      expect(parseStatusLine(report.line).perf).toHaveLength(1);
    },
  );

  it('when a run could not be made then the UNKNOWN line has no perfdata', () => {
    expect(renderNagiosUnknown('usage: x|y')).toEqual({
      line: 'SMTP UNKNOWN - usage: x/y\n',
      exitCode: 3,
    });
  });
});

describe('statusLine', () => {
  it('when the text is cut then it, the ellipsis and the cause stay within 600 characters', () => {
    const line = statusLine('CRITICAL', `550 5.7.1 ${'x'.repeat(2000)}`, '', 'likely cause: x');
    const text = line.slice('SMTP CRITICAL - '.length, -1);

    expect(text).toHaveLength(600);
    expect(text).toMatch(/x…; likely cause: x$/);
  });
});

describe('formatPerfdata', () => {
  it('when a label holds a quote or = then it is doubled or replaced, and parses back', () => {
    const text = formatPerfdata([{ label: "it's=odd", value: 1e-7, uom: 's' }]);

    expect(text).toBe("'it''s_odd'=0s");
    expect(parseStatusLine(`X OK - y | ${text}\n`).perf[0]!.label).toBe("it's_odd");
  });
});
