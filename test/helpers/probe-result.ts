/**
 * Probe results made by hand, for renderer tests that need exact numbers:
 * a real run's times are never exact.
 */
import type { ProbeError } from '../../src/errors.js';
import type { Reply } from '../../src/protocol/reply.js';
import { SessionLog } from '../../src/session/log.js';
import type { ProbeResult } from '../../src/session/probe.js';
import type { StageTiming } from '../../src/session/session.js';
import type { TlsSession } from '../../src/transport/tls-session.js';

/** What a made-up result says; everything else is empty. */
export interface ResultParts {
  readonly host?: string;
  readonly port?: number;
  readonly timings?: readonly StageTiming[];
  readonly totalMs?: number;
  /** Only what the monitoring formats read of a TLS session. */
  readonly tls?: {
    readonly protocol: string;
    readonly certificate?: { readonly validTo: string; readonly daysLeft: number };
  };
  readonly failure?: ProbeError;
}

/** Makes a ProbeResult with the given parts. */
export function makeResult(parts: ResultParts): ProbeResult {
  const failure = parts.failure;
  return {
    target: { host: parts.host ?? '127.0.0.1', port: parts.port ?? 25, implicitTls: false },
    address: undefined,
    timings: parts.timings ?? [],
    totalMs: parts.totalMs ?? 0,
    greeting: undefined,
    extensions: undefined,
    extensionsAfterTls: undefined,
    tls: parts.tls as unknown as TlsSession | undefined,
    transaction: undefined,
    log: new SessionLog(0),
    expectations: [],
    error: failure,
    failure,
    exitCode: failure?.exitCode ?? 0,
  } as unknown as ProbeResult;
}

/** A plaintext timing of a stage. */
export function timing(stage: StageTiming['stage'], ms: number, secure = false): StageTiming {
  return { stage, label: stage, ms, secure };
}

/** A one-line reply as the reader would make it, e.g. `reply(554, '5.7.1 go away')`. */
export function reply(code: number, text: string): Reply {
  const raw = Buffer.from(`${code} ${text}\r\n`, 'utf8');
  return {
    code,
    lines: [{ code, final: true, text, raw }],
    warnings: [],
    firstByteAt: 0,
    completedAt: 0,
  };
}
