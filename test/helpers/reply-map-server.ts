/**
 * A server that answers every command from a map keyed by its verb and
 * greets at once: the quickest honest SMTP peer, for benchmarks (smtp-server
 * holds its greeting 100 ms on purpose) and for clients whose command order
 * a fixed script cannot foresee. STARTTLS upgrades for real; DATA reads to
 * the end-of-data dot.
 */
import { createServer, type Socket } from 'node:net';
import { TLSSocket } from 'node:tls';
import type { Duplex } from 'node:stream';
import type { CertificatePair } from './certificates.js';

/** A running reply-map server on 127.0.0.1. */
export interface ReplyMapServer {
  readonly port: number;
  close(): Promise<void>;
}

const GREETING = '220 mx.probe.test ESMTP reply-map server\r\n';
const EHLO = ['250-mx.probe.test', '250-PIPELINING', '250-SIZE 10240000', '250 8BITMIME'];

const REPLIES: Record<string, string> = {
  HELO: '250 mx.probe.test\r\n',
  MAIL: '250 2.1.0 Ok\r\n',
  RCPT: '250 2.1.5 Ok\r\n',
  RSET: '250 2.0.0 Ok\r\n',
  NOOP: '250 2.0.0 Ok\r\n',
  DATA: '354 End data with <CR><LF>.<CR><LF>\r\n',
  QUIT: '221 2.0.0 Bye\r\n',
};

/** Starts the server; with a certificate it offers STARTTLS. */
export async function startReplyMapServer(pair?: CertificatePair): Promise<ReplyMapServer> {
  const sockets = new Set<Duplex>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
    converse(socket, socket, pair, sockets);
    socket.write(GREETING);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));

  return {
    port: (server.address() as { port: number }).port,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function converse(
  raw: Socket,
  stream: Duplex,
  pair: CertificatePair | undefined,
  all: Set<Duplex>,
): void {
  let pending = '';
  let inData = false;

  const onData = (chunk: Buffer): void => {
    pending += chunk.toString('latin1');
    for (let end = pending.indexOf('\r\n'); end !== -1; end = pending.indexOf('\r\n')) {
      const line = pending.slice(0, end);
      pending = pending.slice(end + 2);

      if (inData) {
        if (line !== '.') continue;
        inData = false;
        stream.write('250 2.0.0 Ok: queued\r\n');
        continue;
      }
      const verb = line.split(' ')[0]!.toUpperCase();
      if (verb === 'STARTTLS' && pair && stream === raw) {
        stream.off('data', onData);
        stream.write('220 2.0.0 Ready to start TLS\r\n');
        const secure = new TLSSocket(raw, { isServer: true, ...pair });
        secure.on('error', () => undefined);
        all.add(secure);
        converse(raw, secure, pair, all);
        return;
      }
      if (verb === 'EHLO') stream.write(ehloReply(pair !== undefined && stream === raw));
      else stream.write(REPLIES[verb] ?? '502 5.5.2 Command not recognized\r\n');
      if (verb === 'DATA') inData = true;
      if (verb === 'QUIT') stream.end();
    }
  };
  stream.on('data', onData);
}

function ehloReply(offerStartTls: boolean): string {
  const lines = offerStartTls ? [...EHLO.slice(0, -1), '250-STARTTLS', EHLO.at(-1)!] : EHLO;
  return lines.map((line) => `${line}\r\n`).join('');
}
