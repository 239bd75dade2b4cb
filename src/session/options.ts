/**
 * What a probe is asked to do, with every limit spelled out. Defaults are
 * chosen for diagnosis, not for delivery: RFC 5321 §4.5.3.2 lets a sender
 * wait 5 minutes for a greeting or a MAIL reply, but a healthy server
 * answers in well under a second, and a person at a terminal or a monitoring
 * check wants a verdict long before 5 minutes.
 */
import type { Target } from '../transport/target.js';

export type StartTlsPolicy = 'auto' | 'require' | 'never';

/** Every bounded wait, in milliseconds. */
export interface Timeouts {
  readonly resolveMs: number;
  readonly connectMs: number;
  readonly greetingMs: number;
  readonly replyMs: number;
  readonly tlsMs: number;
  /** QUIT is a courtesy: a server that lingers is not kept waiting for. */
  readonly quitMs: number;
}

export const DEFAULT_TIMEOUTS: Timeouts = {
  resolveMs: 10_000,
  connectMs: 10_000,
  // Postfix's postscreen and Sendmail's greet_pause hold the greeting for
  // up to 6 s on purpose; 30 s leaves room for them and still ends a stall.
  greetingMs: 30_000,
  replyMs: 30_000,
  tlsMs: 30_000,
  quitMs: 5_000,
};

/** A probe's request: the target and what to do there. */
export interface ProbeOptions {
  readonly target: Target;
  /** `banner` reads the greeting and quits; `session` also says EHLO and tries STARTTLS. */
  readonly mode: 'banner' | 'session';
  /** The EHLO name; undefined picks one from this host (see hello.ts). */
  readonly ehloName: string | undefined;
  readonly startTls: StartTlsPolicy;
  /** The name sent as SNI and checked in the certificate, instead of the target host. */
  readonly sni: string | undefined;
  /** Make an untrusted certificate fatal. */
  readonly tlsVerify: boolean;
  readonly ca: string | undefined;
  readonly trustStore: string;
  readonly timeouts: Timeouts;
}
