/**
 * What a probe is asked to do, with every limit spelled out. Defaults are
 * chosen for diagnosis, not for delivery: RFC 5321 §4.5.3.2 lets a sender
 * wait 5 minutes for a greeting or a MAIL reply, but a healthy server
 * answers in well under a second, and a person at a terminal or a monitoring
 * check wants a verdict long before 5 minutes.
 */
import type { AddressFamily } from '../dns/addresses.js';
import type { Resolver } from '../dns/resolver.js';
import type { SecretMask } from '../output/secret-mask.js';
import type { Mailbox } from '../protocol/address.js';
import type { AuthMechanism } from '../protocol/auth/index.js';
import type { Target } from '../transport/target.js';
import type { TlsSettings } from '../transport/tls-settings.js';
import type { Expectation } from './expectations.js';
import type { Stage } from './stage.js';

export type StartTlsPolicy = 'auto' | 'require' | 'never';

/** What to do about DANE: see ProbeOptions.dane. */
export type DanePolicy = 'check' | 'require' | 'off';

/** Every bounded wait, in milliseconds. */
export interface Timeouts {
  readonly resolveMs: number;
  readonly connectMs: number;
  readonly greetingMs: number;
  readonly replyMs: number;
  readonly tlsMs: number;
  /** QUIT is a courtesy: a server that lingers is not kept waiting for. */
  readonly quitMs: number;
  /** The whole run, every stage included (--deadline). */
  readonly deadlineMs: number;
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
  // A send may wait two minutes for the end of data; five leaves room for
  // that and still ends any run that is stuck.
  deadlineMs: 300_000,
};

/** A probe's request: the target and what to do there. */
export interface ProbeOptions {
  readonly target: Target;
  /**
   * `banner` reads the greeting and quits; `session` also says EHLO and tries
   * STARTTLS; `send` goes on to AUTH and a mail transaction; `scenario`
   * plays a script (`smtp-probe run`, src/scenario/).
   */
  readonly mode: 'banner' | 'session' | 'send' | 'scenario';
  /** The EHLO name; undefined picks one from this host (see hello.ts). */
  readonly ehloName: string | undefined;
  readonly startTls: StartTlsPolicy;
  /** The name sent as SNI and checked in the certificate, instead of the target host. */
  readonly sni: string | undefined;
  /** Make an untrusted certificate fatal. */
  readonly tlsVerify: boolean;
  readonly ca: string | undefined;
  readonly trustStore: string;
  /** Versions, ciphers, SNI on or off, client certificate; undefined: the defaults. */
  readonly tlsSettings?: TlsSettings | undefined;
  readonly timeouts: Timeouts;
  /** Stop after this stage (send mode); see stopsAfter in converse(), probe.ts. */
  readonly quitAfter?: Stage | undefined;
  /** Why quitAfter was set when the user did not set it, for the transcript and errors. */
  readonly quitAfterReason?: string | undefined;
  readonly auth?: AuthRequest | undefined;
  /** Learns every AUTH line sent, so that no output can show one. */
  readonly secretMask?: SecretMask | undefined;
  readonly transaction?: TransactionOptions | undefined;
  /** What the user asserts the replies will be (--expect). */
  readonly expectations?: readonly Expectation[] | undefined;
  /**
   * smtp-probe's own resolver (--dns-server, or --mx): names resolve through
   * it instead of the system's lookup, and the reverse DNS check uses it.
   */
  readonly resolver?: Resolver | undefined;
  /** Only IPv4 (-4) or only IPv6 (-6) addresses. */
  readonly family?: AddressFamily;
  /** Check the connected address's PTR (on whenever a resolver is given; --no-rdns). */
  readonly reverseDns?: boolean | undefined;
  /**
   * Once the session is over, try MAIL FROM:<> without TLS on a second
   * connection (--check-starttls-enforced, tls-enforcement.ts).
   */
  readonly checkStartTlsEnforced?: boolean | undefined;
  /**
   * The TLSA check after the handshake (RFC 7672), whenever a resolver is
   * given: `check` reports, `require` makes anything but a match fatal
   * (--dane-require), `off` skips it (--no-dane). Undefined: `check`.
   */
  readonly dane?: DanePolicy | undefined;
  /**
   * Explain every 4xx/5xx reply: its codes' meanings and, where it is well
   * known, its cause (src/explain/). Undefined: on; --no-explain turns it off.
   */
  readonly explain?: boolean | undefined;
  /** The host whose TLSA records apply (the MX name with --mx); default: the target host. */
  readonly daneHost?: string | undefined;
  /**
   * When daneHost is an alias, the name its CNAME chain ends at: its TLSA
   * records are asked for first, then daneHost's (RFC 7672 §2.2.2).
   */
  readonly daneAliasTarget?: string | undefined;
}

/** AUTH as asked for on the command line; the secret has been read already. */
export interface AuthRequest {
  readonly mechanism: AuthMechanism | 'auto';
  readonly user: string;
  readonly secret: string;
  /**
   * AUTH without TLS, or over TLS whose certificate is not trusted: allowed
   * only when the user says so (a warning is shown).
   */
  readonly allowInsecure: boolean;
  /** Show credentials in the transcript instead of hiding them. */
  readonly revealSecrets: boolean;
}

/** An ESMTP parameter for MAIL FROM or RCPT TO: `KEY=VALUE` or `KEY`. */
export interface MailParameter {
  readonly keyword: string;
  readonly value: string | undefined;
}

/** The message and how to send it. */
export interface TransactionOptions {
  readonly from: Mailbox;
  readonly to: readonly Mailbox[];
  /** The message, CRLF line endings, not dot-stuffed (or the raw bytes, with raw). */
  readonly message: Buffer;
  /** Send the bytes untouched (bare LF and end-of-data tests). */
  readonly raw: boolean;
  readonly pipelining: boolean;
  /** Use BDAT (CHUNKING, RFC 3030) when offered. */
  readonly chunking: boolean;
  readonly chunkSize: number;
  readonly mailParameters: readonly MailParameter[];
  readonly rcptParameters: readonly MailParameter[];
  readonly dsn: DsnOptions;
  readonly requireTls: boolean;
  /** Send parameters even where their extension is not offered. */
  readonly forceParameters: boolean;
  /** The wait for the reply after the end of data (RFC 5321 §4.5.3.2.6 allows 10 minutes). */
  readonly dataTimeoutMs: number;
}

/** Delivery status notification requests (RFC 3461). */
export interface DsnOptions {
  readonly notify: string | undefined;
  readonly ret: 'FULL' | 'HDRS' | undefined;
  readonly envid: string | undefined;
}
