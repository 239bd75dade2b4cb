/**
 * Fake-server scripts for the monitoring formats: a session with known
 * delays, and the failures a monitoring check must call CRITICAL.
 */
import {
  EHLO_AFTER_TLS,
  EHLO_PLAIN,
  EHLO_WITH_STARTTLS,
  GREETING_220,
  GREETING_554,
  REPLY_220_STARTTLS,
  REPLY_221_BYE,
} from '../fixtures/replies.js';
import type { CertificatePair } from './certificates.js';
import {
  close,
  delay,
  expectLine,
  readAny,
  send,
  silent,
  startTls,
  type Step,
} from './fake-server.js';

/** The greeting comes this late after the connect. */
export const GREETING_DELAY_MS = 200;
/** The EHLO reply comes this late after EHLO. */
export const EHLO_DELAY_MS = 150;
/** Above the injected delay, what a busy machine may add. */
export const SLACK_MS = 60;

/** A plaintext session whose greeting and EHLO reply are delayed. */
export const DELAYED_SESSION: Step[] = [
  delay(GREETING_DELAY_MS),
  send(GREETING_220),
  expectLine(/^EHLO /),
  delay(EHLO_DELAY_MS),
  send(EHLO_PLAIN),
  expectLine(/^QUIT$/),
  send(REPLY_221_BYE),
  close(),
];

/** The greeting is a 554 refusal. */
export const REFUSED_SESSION: Step[] = [
  send(GREETING_554),
  expectLine(/^QUIT$/),
  send(REPLY_221_BYE),
  close(),
];

/** The server never greets (run with a short --timeout). */
export const SILENT_SESSION: Step[] = [silent(2_000), close()];

/** STARTTLS accepted, then plaintext where the handshake belongs. */
export const BROKEN_TLS_SESSION: Step[] = [
  send(GREETING_220),
  expectLine(/^EHLO /),
  send(EHLO_WITH_STARTTLS),
  expectLine(/^STARTTLS$/),
  send(REPLY_220_STARTTLS),
  // Apart from the 220, so that it lands where the handshake is expected.
  readAny(),
  send('hello, this is not TLS\r\n'),
  close(),
];

/** STARTTLS on the given certificate, EHLO again, QUIT. */
export function tlsSession(pair: CertificatePair): Step[] {
  return [
    send(GREETING_220),
    expectLine(/^EHLO /),
    send(EHLO_WITH_STARTTLS),
    expectLine(/^STARTTLS$/),
    send(REPLY_220_STARTTLS),
    startTls(pair),
    expectLine(/^EHLO /),
    send(EHLO_AFTER_TLS),
    expectLine(/^QUIT$/),
    send(REPLY_221_BYE),
    close(),
  ];
}
