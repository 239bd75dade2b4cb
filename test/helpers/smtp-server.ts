/**
 * A real SMTP implementation in-process: the smtp-server package, with
 * STARTTLS (or implicit TLS) on a certificate made for the run, AUTH for
 * a test user by PLAIN, LOGIN, CRAM-MD5 or XOAUTH2, recipients refused on
 * cue, and every message it accepts kept for the test to inspect.
 */
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';
import type { CertificatePair } from './certificates.js';

/** A running smtp-server on 127.0.0.1. */
export interface RealServer {
  readonly port: number;
  /** Every message accepted, exactly as received after DATA. */
  readonly messages: Buffer[];
  close(): Promise<void>;
}

/** Options for the real server. */
export interface RealServerOptions {
  readonly pair: CertificatePair;
  /** Implicit TLS: the handshake before the greeting. */
  readonly implicitTls?: boolean;
  readonly banner?: string;
  /** The host name the server gives itself in the greeting and EHLO reply. */
  readonly name?: string;
  /** user → password (PLAIN, LOGIN, CRAM-MD5) or OAuth token (XOAUTH2). */
  readonly users?: Readonly<Record<string, string>>;
  /** Recipients refused with 550 5.1.1. */
  readonly unknownRecipients?: readonly string[];
  /** SIZE limit in bytes. */
  readonly size?: number;
  /** Extensions to leave out of the EHLO reply, e.g. ['PIPELINING']. */
  readonly hide?: readonly ('PIPELINING' | '8BITMIME' | 'SMTPUTF8' | 'STARTTLS')[];
}

/** Starts smtp-server on 127.0.0.1 port 0. */
export async function startRealServer(options: RealServerOptions): Promise<RealServer> {
  const messages: Buffer[] = [];
  const hide = new Set(options.hide ?? []);
  const server = new SMTPServer({
    name: options.name ?? 'mx.probe.test',
    banner: options.banner ?? 'smtp-server ready for smtp-probe',
    // smtp-server looks up the client's PTR by default; tests make no DNS queries.
    disableReverseLookup: true,
    secure: options.implicitTls === true,
    key: options.pair.key,
    cert: options.pair.cert,
    authMethods: ['PLAIN', 'LOGIN', 'CRAM-MD5', 'XOAUTH2'],
    authOptional: true,
    allowInsecureAuth: false,
    size: options.size ?? 10 * 1024 * 1024,
    hidePIPELINING: hide.has('PIPELINING'),
    hide8BITMIME: hide.has('8BITMIME'),
    hideSMTPUTF8: hide.has('SMTPUTF8'),
    hideSTARTTLS: hide.has('STARTTLS'),
    logger: false,
    onAuth: authenticate(options.users ?? {}),
    onRcptTo(address, _session, callback) {
      if (!options.unknownRecipients?.includes(address.address)) return callback();
      const error = Object.assign(new Error('5.1.1 <' + address.address + '>: user unknown'), {
        responseCode: 550,
      });
      callback(error);
    },
    onData(stream, _session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        messages.push(Buffer.concat(chunks));
        callback(null, 'Ok: queued as TEST1234');
      });
    },
  });
  server.on('error', () => undefined);

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.server.address() as { port: number };
  return {
    port: address.port,
    messages,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

function authenticate(users: Readonly<Record<string, string>>): SMTPServerOptions['onAuth'] {
  return (auth, _session, callback) => {
    const expected = auth.username === undefined ? undefined : users[auth.username];
    const valid =
      expected !== undefined &&
      (auth.method === 'XOAUTH2'
        ? auth.accessToken === expected
        : auth.method === 'CRAM-MD5'
          ? auth.validatePassword(expected)
          : auth.password === expected);
    if (valid) return callback(null, { user: auth.username });
    // XOAUTH2's error dance (334 with a JSON error, then 535) is smtp-server's.
    if (auth.method === 'XOAUTH2') return callback(null, { data: { status: '401' } });
    return callback(new Error('Invalid username or password'));
  };
}
