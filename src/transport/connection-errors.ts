/**
 * The errors a connection reports, worded for the person reading them: which
 * stage, what happened on the wire, and what to try. Kept apart from the
 * connection itself, which only decides when one applies.
 */
import {
  ConnectionLostError,
  ProtocolError,
  TimeoutError,
  TlsError,
  type ProbeError,
} from '../errors.js';
import { formatDuration } from '../output/duration.js';
import { describeStage, type Stage } from '../session/stage.js';
import type { TlsUpgrade } from './connection.js';
import type { HandshakeTap } from './handshake-tap.js';

/** Said when the TLS handshake gets no answer. */

/** Said when a connection is accepted but no greeting ever comes. */
export const SILENT_GREETING_HINT =
  'the server accepts connections but stays silent; if this port expects implicit TLS ' +
  '(usually 465), try --tls';

// The reply reader knows bytes, not stages: say which reply was unreadable,
// or, when the fault came after a complete reply, that it followed it.
export function placeFault(
  error: ProbeError,
  stage: Stage | undefined,
  afterReply: boolean,
): ProbeError {
  if (!(error instanceof ProtocolError) || error.stage !== undefined || !stage) return error;
  const what = stage === 'greeting' ? 'greeting' : `reply to ${describeStage(stage)}`;
  const message = afterReply
    ? `after the ${what}: ${error.message}`
    : `unreadable ${what}: ${error.message}`;
  return new ProtocolError(message, { stage, received: error.received, cause: error.cause });
}

// A TLS error on an established session is a TLS failure (exit 6), said in
// OpenSSL's reason, not its full error string; anything else lost the line.
export function brokenConnection(
  error: NodeJS.ErrnoException,
  stage: Stage,
  secure: boolean,
): ProbeError {
  const waiting = waitingFor(stage, false);
  const tlsReason = secure ? openSslReason(error) : undefined;
  if (tlsReason) {
    return new TlsError(`TLS error (${tlsReason}) ${waiting}`, { stage, cause: error });
  }
  return new ConnectionLostError(`connection failed ${waiting}: ${error.message}`, {
    stage,
    cause: error,
  });
}

function openSslReason(error: NodeJS.ErrnoException): string | undefined {
  return routineReason(error) ?? (error.code?.startsWith('ERR_SSL') ? error.code : undefined);
}

// OpenSSL's errors read "…:SSL routines:function:reason:file:line": the reason
// is what a person needs, the rest is noise.
function routineReason(error: Error): string | undefined {
  return /routines:[^:]*:([^:\n]+)/.exec(error.message)?.[1];
}

export function waitingFor(stage: Stage, partial: boolean): string {
  if (stage === 'greeting')
    return partial ? 'in the middle of the greeting' : 'before any greeting';
  const what = `the reply to ${describeStage(stage)}`;
  return partial ? `in the middle of ${what}` : `while waiting for ${what}`;
}

/**
 * A handshake that did not finish in time. Plaintext bytes are shown, as
 * they tell what the server speaks; TLS records are binary, and only
 * their size is said.
 */
export function handshakeTimeout(tap: HandshakeTap, timeoutMs: number): TimeoutError {
  const waited = formatDuration(timeoutMs);
  const bytes = tap.receivedBytes();
  if (tap.plaintextAnswer() !== undefined || bytes === 0) {
    return new TimeoutError(`TLS handshake did not finish after ${waited}`, timeoutMs, {
      stage: 'tls',
      received: tap.received(),
      hint:
        'the server took the connection but did not answer the TLS handshake; ' +
        'it may not speak TLS',
    });
  }
  const message =
    `TLS handshake did not finish after ${waited}: ` +
    `the server sent ${bytes} bytes of it, then nothing more`;
  return new TimeoutError(message, timeoutMs, {
    stage: 'tls',
    hint:
      'the server stalled inside the TLS handshake: ' +
      'look at its TLS logs, or try --tls-max TLSv1.2',
  });
}

export function handshakeFailure(error: Error, tap: HandshakeTap, upgrade: TlsUpgrade): TlsError {
  const plaintext = tap.plaintextAnswer();
  if (plaintext !== undefined) {
    return new TlsError(`TLS handshake failed: the server answered in plaintext: "${plaintext}"`, {
      stage: 'tls',
      received: tap.received(),
      hint: upgrade.hintOnPlaintext,
      cause: error,
    });
  }
  // TLS records are binary: shown as server lines they would only be noise.
  return new TlsError(`TLS handshake failed: ${describeOpenSslError(error, upgrade)}`, {
    stage: 'tls',
    cause: error,
  });
}

function describeOpenSslError(error: Error, upgrade: TlsUpgrade): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ECONNRESET') return 'the server closed the connection during the handshake';
  if (/unsupported protocol|alert protocol version|no protocols available/i.test(error.message)) {
    return `no TLS version in common (${describeVersionsOffered(upgrade)})`;
  }
  // OpenSSL 3 at its default security level refuses the SHA-1 signatures
  // that TLS 1.0 and 1.1 key exchange depends on.
  if (/legacy sigalg disallowed/i.test(error.message)) {
    return (
      'TLS 1.0 and 1.1 need SHA-1 signatures, refused at OpenSSL’s default security level; ' +
      "--ciphers 'DEFAULT:@SECLEVEL=0' allows them"
    );
  }
  const alert = /(?:sslv3|tlsv1[0-9]?) alert ([a-z ]+)/i.exec(error.message)?.[1];
  if (alert) return `the server ended it with the TLS alert "${alert.trim()}"`;
  const reason = routineReason(error);
  if (reason && MALFORMED.test(reason)) {
    return `the server sent a malformed TLS message (OpenSSL: ${reason})`;
  }
  return reason ?? error.message;
}

// OpenSSL's reasons for a message whose lengths or encoding are wrong.
const MALFORMED = /length|too long|decode error|bad packet|unexpected message|record layer/i;

// What was offered, so that a refusal reads against it; Node.js offers
// TLS 1.2 and 1.3 unless told otherwise.
function describeVersionsOffered({ settings }: TlsUpgrade): string {
  const { minVersion, maxVersion } = settings;
  if (minVersion === undefined && maxVersion === undefined) {
    return 'TLS 1.2 and 1.3 offered; the server may offer only TLS 1.0 or 1.1';
  }
  const range = `${minVersion ?? 'TLSv1.2'} to ${maxVersion ?? 'TLSv1.3'}`;
  return `${range} offered with --tls-min/--tls-max; the server offers none of them`;
}
