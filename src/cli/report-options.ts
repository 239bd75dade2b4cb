/**
 * The options that decide what a run reports and how: the output format
 * and the expectations that turn a probe into a test.
 */
import { Option, type Command } from 'commander';
import { UsageError } from '../errors.js';
import { parseThreshold, type Threshold } from '../report/thresholds.js';
import { parseExpectation, type Expectation } from '../session/expectations.js';
import type { ProbeOptions } from '../session/options.js';
import { describeStage, type Stage } from '../session/stage.js';

/** How a run is printed. */
export type OutputFormat = 'text' | 'json' | 'ndjson' | 'nagios' | 'prometheus';

export const OUTPUT_FORMATS: readonly OutputFormat[] = [
  'text',
  'json',
  'ndjson',
  'nagios',
  'prometheus',
];

/** The report options as commander hands them over. */
export interface RawReportOptions {
  format: OutputFormat;
  json?: boolean;
  expect: string[];
  warning: string[];
  critical: string[];
}

/** What the report options decide. */
export interface ReportRequest {
  readonly format: OutputFormat;
  readonly expectations: readonly Expectation[];
  /** --warning and --critical, for --format nagios only. */
  readonly thresholds: readonly Threshold[];
}

const collect = (value: string, list: string[]): string[] => [...list, value];

/** Adds the report options to a command. */
export function addReportOptions(command: Command): Command {
  return command
    .option(
      '--expect <stage=reply>',
      'assert a reply: rcpt=550, ehlo=2xx, mail=5.7.1, greeting=/Postfix/ (repeatable)',
      collect,
      [],
    )
    .addOption(
      new Option('--format <format>', 'output: text, json, ndjson, nagios or prometheus')
        .choices(OUTPUT_FORMATS)
        .default('text'),
    )
    .option('--json', 'same as --format json')
    .option(
      '--warning <threshold>',
      'with --format nagios: WARNING above a time (2s, greeting=1s) ' +
        'or below cert-days=N (repeatable)',
      collect,
      [],
    )
    .option(
      '--critical <threshold>',
      'with --format nagios: CRITICAL above a time (5s, tls=3s) or below cert-days=N (repeatable)',
      collect,
      [],
    );
}

/** Turns the report options into a request. */
export function toReportRequest(raw: RawReportOptions): ReportRequest {
  if (raw.json && raw.format !== 'text' && raw.format !== 'json') {
    throw new UsageError(`--json and --format ${raw.format} ask for two formats: choose one`);
  }
  const format = raw.json ? 'json' : raw.format;
  return {
    format,
    expectations: raw.expect.map(parseExpectation),
    thresholds: toThresholds(raw, format),
  };
}

// Only the Nagios format has a WARNING state to report a threshold with;
// for Prometheus, thresholds belong in alerting rules.
function toThresholds(raw: RawReportOptions, format: OutputFormat): Threshold[] {
  const thresholds = [
    ...raw.warning.map((text) => parseThreshold(text, 'warning')),
    ...raw.critical.map((text) => parseThreshold(text, 'critical')),
  ];
  if (thresholds.length > 0 && format !== 'nagios') {
    const option = `--${thresholds[0]!.level} ${thresholds[0]!.source}`;
    throw new UsageError(`${option}: thresholds need --format nagios`);
  }

  const seen = new Set<string>();
  for (const { level, metric, source } of thresholds) {
    const key = `${level} ${metric}`;
    if (seen.has(key))
      throw new UsageError(`--${level} ${source}: a second --${level} for ${metric}`);
    seen.add(key);
  }
  return thresholds;
}

/**
 * A send that asserts MAIL FROM or RCPT TO will be refused (an open-relay
 * check) stops after RCPT TO, as --quit-after rcpt does: should the
 * assertion fail — the server accepts — no message is delivered through it.
 */
export function stopForRefusal(expectations: readonly Expectation[]): 'rcpt' | undefined {
  const refusal = expectations.some(
    (expectation) =>
      (expectation.stage === 'mail' || expectation.stage === 'rcpt') && assertsRefusal(expectation),
  );
  return refusal ? 'rcpt' : undefined;
}

function assertsRefusal({ matcher }: Expectation): boolean {
  switch (matcher.kind) {
    case 'code':
      return matcher.code >= 400;
    case 'class':
      return matcher.digit >= 4;
    case 'enhanced':
      return !matcher.status.startsWith('2.');
    case 'pattern':
      return false;
  }
}

/**
 * Refuses expectations on stages the run will never reach, so that a
 * typo-level mistake (`--expect rcpt=550` without `send`) is a usage error
 * now rather than a failed check later.
 */
export function checkExpectationsReachable(
  expectations: readonly Expectation[],
  probe: Omit<ProbeOptions, 'expectations'>,
): void {
  for (const expectation of expectations) {
    const why = expectation.overTls
      ? unreachableOverTls(probe)
      : unreachable(expectation.stage, probe);
    if (why) {
      const stage = describeStage(expectation.stage);
      throw new UsageError(
        `--expect ${expectation.source}: this run never reaches ${stage}: ${why}`,
      );
    }
  }
}

// Stages in the order a send reaches them, for --quit-after.
const ORDER: readonly Stage[] = [
  'connect',
  'greeting',
  'ehlo',
  'tls',
  'starttls',
  'auth',
  'mail',
  'rcpt',
  'data',
  'message',
];

// The EHLO after STARTTLS needs a STARTTLS that may happen.
function unreachableOverTls(probe: Omit<ProbeOptions, 'expectations'>): string | undefined {
  if (probe.target.implicitTls) return 'with implicit TLS there is one EHLO: use ehlo=';
  if (probe.startTls === 'never') return '--starttls never';
  return unreachable('starttls', probe);
}

function unreachable(stage: Stage, probe: Omit<ProbeOptions, 'expectations'>): string | undefined {
  const { mode, quitAfter } = probe;
  if (mode === 'banner' && stage !== 'greeting' && stage !== 'quit') {
    return '--banner stops after the greeting';
  }
  if (mode === 'session' && ORDER.indexOf(stage) > ORDER.indexOf('starttls')) {
    return 'it needs `smtp-probe send`';
  }
  if (stage === 'starttls' && (probe.target.implicitTls || probe.startTls === 'never')) {
    return probe.target.implicitTls ? 'the connection is TLS from the start' : '--starttls never';
  }
  if (stage === 'auth' && !probe.auth) return 'no --auth or --auth-user was given';
  if (quitAfter === 'connect' && stage === 'quit') return '--quit-after connect says nothing';
  const after = quitAfter === 'tls' ? 'starttls' : quitAfter;
  if (after !== undefined && ORDER.indexOf(stage) > ORDER.indexOf(after)) {
    const implied = probe.quitAfterReason ? `, as ${probe.quitAfterReason}` : '';
    return `it stops after ${describeStage(after)} (--quit-after ${quitAfter}${implied})`;
  }
  return undefined;
}
