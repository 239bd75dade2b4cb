/**
 * The JSON report: everything a run learned, as one document (--json) or
 * as a stream of events ending with that document (--format ndjson). The
 * shape is published in docs/json.md and docs/schema/report.schema.json;
 * a change to it is a change to that contract and bumps REPORT_VERSION
 * when a field is removed or changes meaning.
 */
import type { ExtensionSet } from '../protocol/extensions.js';
import type { SessionEvent } from '../session/events.js';
import type { Exchange } from '../session/log.js';
import type { ProbeResult } from '../session/probe.js';
import type { ExtensionComparison } from '../session/tls-policy.js';
import type { EnforcementResult } from '../session/tls-enforcement.js';
import type { ProbeError } from '../errors.js';
import { tlsJson } from './tls-json.js';
import { formatHostPort, type Target } from '../transport/target.js';
import { ReplyError, worstExitCode } from '../errors.js';
import type { TargetRuns } from '../session/batch.js';
import { summariseRuns, type Distribution } from './statistics.js';
import { rdnsJson } from './route-json.js';
import { daneJson } from './dane-json.js';
import { explanationJson } from './explanation-json.js';
import { decodeLine, replyJson } from './reply-json.js';

/** The version of the report's shape; see docs/json.md. */
export const REPORT_VERSION = 1;

/** What the report says about the run around the session. */
export interface RunInfo {
  readonly version: string;
  readonly mode: 'banner' | 'session' | 'send' | 'scenario';
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
/** A JSON object as the report builders make it. */
export type JsonObject = { [key: string]: Json };

/** The whole run as one JSON-ready object; `mx` is the route walked by --mx. */
export function buildReport(
  result: ProbeResult,
  run: RunInfo,
  mx?: JsonObject,
  mtaSts?: JsonObject,
): JsonObject {
  const { target, log } = result;
  return {
    reportVersion: REPORT_VERSION,
    kind: 'probe',
    tool: { name: 'smtp-probe', version: run.version },
    startedAt: result.startedAt.toISOString(),
    mode: run.mode,
    target: targetJson(target),
    resolved: log.resolved
      ? { ...log.resolved, addresses: [...log.resolved.addresses], ms: round(log.resolved.ms) }
      : null,
    address: result.address ?? null,
    localAddress: log.localAddress ?? null,
    ok: result.failure === undefined,
    exitCode: result.exitCode,
    verdict: result.failure ? errorJson(result.failure) : null,
    error: result.error ? errorJson(result.error) : null,
    totalMs: round(result.totalMs),
    timings: result.timings.map((timing) => ({
      stage: timing.stage,
      label: timing.label,
      ms: round(timing.ms),
      secure: timing.secure,
    })),
    greeting: result.greeting ? replyJson(result.greeting) : null,
    extensions: {
      beforeTls: extensionsJson(result.extensions),
      afterTls: extensionsJson(result.extensionsAfterTls),
    },
    starttlsPolicy: {
      comparison: result.comparison ? comparisonJson(result.comparison) : null,
      enforcement: result.enforcement ? enforcementJson(result.enforcement) : null,
    },
    tls: result.tls ? tlsJson(result.tls) : null,
    transaction: transactionJson(result),
    exchanges: log.exchanges.map(exchangeJson),
    expectations: result.expectations.map((outcome) => ({
      expect: outcome.expectation.source,
      stage: outcome.expectation.stage,
      status: outcome.status,
      got: outcome.got ?? null,
    })),
    mx: mx ?? null,
    rdns: result.rdns ? rdnsJson(result.rdns) : null,
    dane: result.dane ? daneJson(result.dane) : null,
    mtaSts: mtaSts ?? null,
    warnings: log.warnings.map((warning) => ({
      code: warning.code,
      message: warning.message,
      atMs: round(warning.atMs),
    })),
    notes: [...log.notes],
  };
}

/**
 * The probes of one target repeated with --count: the figures per stage
 * and every probe's own report.
 */
export function buildRepeatReport(
  runs: TargetRuns,
  run: RunInfo,
  schedule: { count: number; intervalMs: number },
): JsonObject {
  const { target, results } = runs;
  const statistics = summariseRuns(results);
  const exitCode = worstExitCode(results.map((result) => result.exitCode));
  return {
    reportVersion: REPORT_VERSION,
    kind: 'repeat',
    tool: { name: 'smtp-probe', version: run.version },
    startedAt: results[0]?.startedAt.toISOString() ?? new Date().toISOString(),
    mode: run.mode,
    target: targetJson(target),
    count: schedule.count,
    intervalMs: schedule.intervalMs,
    ok: statistics.failures === 0 && results.length === schedule.count,
    exitCode,
    runs: statistics.runs,
    failures: statistics.failures,
    statistics: {
      stages: statistics.stages.map(distributionJson),
      total: distributionJson(statistics.total),
    },
    reports: results.map((result) => buildReport(result, run)),
  };
}

function distributionJson(figures: Distribution): JsonObject {
  return {
    stage: figures.name,
    count: figures.count,
    minMs: round(figures.minMs),
    medianMs: round(figures.medianMs),
    p95Ms: round(figures.p95Ms),
    maxMs: round(figures.maxMs),
  };
}

function targetJson(target: Target): JsonObject {
  return {
    host: target.host,
    port: target.port,
    implicitTls: target.implicitTls,
    display: formatHostPort(target.host, target.port),
  };
}

/**
 * One event as an NDJSON line's object. `atMs` counts from the start of
 * the run; events a machine has no use for (waiting, connecting) are
 * left out by returning undefined.
 */
export function eventJson(event: SessionEvent, atMs: number): JsonObject | undefined {
  const at = { atMs: round(atMs) };
  switch (event.type) {
    case 'resolved':
      return { event: 'resolved', ...at, host: event.host, addresses: event.addresses };
    case 'connect-failed':
      return { event: 'connect-failed', ...at, message: event.message };
    case 'connected':
      return {
        event: 'connected',
        ...at,
        address: event.address,
        port: event.port,
        localAddress: event.localAddress,
        ms: round(event.ms),
      };
    case 'tls':
      return { event: 'tls', ...at, tls: tlsJson(event.session) };
    case 'command':
      return {
        event: 'command',
        ...at,
        stage: event.stage,
        command: event.command.display,
        secure: event.secure,
      };
    case 'content':
      return { event: 'content', ...at, stage: event.stage, content: event.summary };
    case 'reply':
      return {
        event: 'reply',
        ...at,
        stage: event.stage,
        secure: event.secure,
        unsolicited: event.unsolicited,
        latencyMs: event.unsolicited ? null : round(event.latencyMs),
        reply: replyJson(event.reply),
      };
    case 'warning':
      return { event: 'warning', ...at, code: event.warning.code, message: event.warning.message };
    case 'note':
      return { event: 'note', ...at, message: event.text };
    case 'failed':
      return { event: 'failed', ...at, error: errorJson(event.error) };
    case 'received':
    case 'waiting':
    case 'connecting':
      return undefined;
  }
}

/** A failure as the report's `verdict` and `error` give it. */
export function errorJson(error: ProbeError): JsonObject {
  return {
    code: error.code,
    exitCode: error.exitCode,
    stage: error.stage ?? null,
    message: error.message,
    hint: error.hint ?? null,
    received: error.received.map((raw) => decodeLine(raw)),
    explanation: error instanceof ReplyError ? explanationJson(error.reply.explanation) : null,
  };
}

function exchangeJson(exchange: Exchange): JsonObject {
  return {
    stage: exchange.stage,
    command: exchange.command ?? null,
    content: exchange.content ?? null,
    secure: exchange.secure,
    unsolicited: exchange.unsolicited,
    sentAtMs: roundOrNull(exchange.sentAtMs),
    receivedAtMs: roundOrNull(exchange.receivedAtMs),
    latencyMs: roundOrNull(exchange.latencyMs),
    reply: exchange.reply ? replyJson(exchange.reply) : null,
  };
}

function extensionsJson(extensions: ExtensionSet | undefined): Json {
  if (!extensions) return null;
  return extensions.list.map((extension) => ({
    keyword: extension.keyword,
    params: [...extension.params],
  }));
}

function comparisonJson(comparison: ExtensionComparison): JsonObject {
  return {
    both: [...comparison.both],
    beforeTlsOnly: comparison.beforeTlsOnly.map((extension) => extension.keyword),
    afterTlsOnly: comparison.afterTlsOnly.map((extension) => extension.keyword),
    changed: comparison.changed.map(({ keyword, beforeTls, afterTls }) => ({
      keyword,
      beforeTls: [...beforeTls],
      afterTls: [...afterTls],
    })),
    authBeforeTls: [...comparison.authBeforeTls],
    cleartextAuthBeforeTls: [...comparison.cleartextAuthBeforeTls],
    authAfterTls: [...comparison.authAfterTls],
    starttlsAfterTls: comparison.startTlsAfterTls,
  };
}

function enforcementJson(enforcement: EnforcementResult): JsonObject {
  return {
    status: enforcement.status,
    reply: enforcement.reply ? replyJson(enforcement.reply) : null,
    problem: enforcement.problem ?? null,
    exchanges: enforcement.exchanges.map(exchangeJson),
  };
}

function transactionJson(result: ProbeResult): Json {
  const transaction = result.transaction;
  if (!transaction) return null;
  const { delivery } = transaction;
  return {
    accepted: [...transaction.accepted],
    refused: transaction.refused.map(({ address, reply }) => ({
      address,
      reply: replyJson(reply),
    })),
    delivery: delivery
      ? {
          bytes: delivery.bytes,
          queueId: delivery.queueId ?? null,
          reply: replyJson(delivery.reply),
        }
      : null,
  };
}

/**
 * JSON text with every character that could drive a terminal written as a
 * \\u escape. JSON.stringify escapes only C0 controls; DEL, C1 controls
 * (U+009B is a one-byte CSI), line separators and bidirectional overrides
 * would otherwise reach whoever prints a field.
 */
export function stringifyJson(value: unknown, indent?: number): string {
  return JSON.stringify(value, null, indent).replace(
    TERMINAL_UNSAFE,
    (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

const TERMINAL_UNSAFE = /[\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

// Timings to a tenth of a millisecond: finer is noise, and shorter to read.
function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}

function roundOrNull(ms: number | undefined): number | null {
  return ms === undefined ? null : round(ms);
}
