/**
 * Implicit-TLS targets for certificate tests: a fake server that presents
 * the certificates given, exactly in the order given, then holds a short
 * session (greeting, EHLO, QUIT).
 */
import { EHLO_AFTER_TLS, GREETING_220, REPLY_221_BYE } from '../fixtures/replies.js';
import {
  expectLine,
  send,
  startFakeServer,
  startTls,
  type FakeServer,
  type TlsStepOptions,
} from './fake-server.js';

/** Starts targets and closes every one of them afterwards. */
export class TlsTargets {
  private servers: FakeServer[] = [];

  /** An smtps:// target presenting `cert` (one PEM, or several in the order sent). */
  async serve(
    cert: string,
    key: string,
    options: TlsStepOptions = {},
    host = '127.0.0.1',
  ): Promise<string> {
    const server = await startFakeServer(
      [
        startTls({ cert, key }, options),
        send(GREETING_220),
        expectLine(/^EHLO/),
        send(EHLO_AFTER_TLS),
        expectLine(/^QUIT/),
        send(REPLY_221_BYE),
      ],
      host,
    );
    this.servers.push(server);
    const address = host.includes(':') ? `[${host}]` : host;
    return `smtps://${address}:${server.port}`;
  }

  async closeAll(): Promise<void> {
    await Promise.all(this.servers.map((server) => server.close()));
    this.servers = [];
  }
}

/** The PEM certificates of several pairs, one after another, in this order. */
export const chainOf = (...pairs: { cert: string }[]): string =>
  pairs.map((pair) => pair.cert.trimEnd() + '\n').join('');
