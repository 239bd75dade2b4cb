/**
 * A real SMTP implementation in-process: the smtp-server package, with
 * STARTTLS (or implicit TLS) on a certificate made for the run.
 */
import { SMTPServer } from 'smtp-server';
import type { CertificatePair } from './certificates.js';

/** A running smtp-server on 127.0.0.1. */
export interface RealServer {
  readonly port: number;
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
}

/** Starts smtp-server on 127.0.0.1 port 0; it accepts and discards messages. */
export async function startRealServer(options: RealServerOptions): Promise<RealServer> {
  const server = new SMTPServer({
    name: options.name ?? 'mx.probe.test',
    // smtp-server looks up the client's PTR by default; tests make no DNS queries.
    disableReverseLookup: true,
    banner: options.banner ?? 'smtp-server ready for smtp-probe',
    secure: options.implicitTls === true,
    key: options.pair.key,
    cert: options.pair.cert,
    authOptional: true,
    size: 10 * 1024 * 1024,
    logger: false,
    onData(stream, _session, callback) {
      stream.resume();
      stream.on('end', () => callback());
    },
  });
  server.on('error', () => undefined);

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.server.address() as { port: number };
  return {
    port: address.port,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
