/**
 * A scripted SMTP server on 127.0.0.1 (or ::1), port 0. Each connection plays the
 * script step by step, byte for byte, including broken behaviour (resets,
 * silence, garbage, plaintext where TLS belongs), and records everything
 * the client sent so tests can assert the exact bytes.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { afterEach } from 'vitest';
import { TLSSocket, type TLSSocketOptions } from 'node:tls';
import type { Duplex } from 'node:stream';
import type { CertificatePair } from './certificates.js';

/** One thing the server does. */
export type Step =
  | { readonly kind: 'send'; readonly bytes: Buffer }
  | { readonly kind: 'send-raw'; readonly bytes: Buffer }
  | { readonly kind: 'delay'; readonly ms: number }
  | { readonly kind: 'drip'; readonly bytes: Buffer; readonly perByteMs: number }
  | { readonly kind: 'expect'; readonly line: RegExp }
  | { readonly kind: 'read-any' }
  | { readonly kind: 'expect-message' }
  | { readonly kind: 'punish-early-talk' }
  | { readonly kind: 'silent'; readonly ms: number }
  | { readonly kind: 'stop-reading' }
  | { readonly kind: 'close' }
  | { readonly kind: 'reset' }
  | {
      readonly kind: 'start-tls';
      readonly pair: CertificatePair;
      readonly options: TlsStepOptions;
    };

/** TLS server options for a start-tls step, and a look at the session once it is up. */
export interface TlsStepOptions extends Omit<TLSSocketOptions, 'isServer'> {
  readonly onSecure?: (socket: TLSSocket) => void;
}

/** S: — write these bytes (escapes like \r\n are real characters here). */
export const send = (text: string | Buffer): Step => ({
  kind: 'send',
  bytes: typeof text === 'string' ? Buffer.from(text, 'latin1') : text,
});
/** Writes bytes on the TCP socket beneath TLS: a forged or corrupt record. */
export const sendRaw = (bytes: Buffer): Step => ({ kind: 'send-raw', bytes });
/** S(delay N ms). */
export const delay = (ms: number): Step => ({ kind: 'delay', ms });
/** S(drip N ms/byte). */
export const drip = (text: string, perByteMs: number): Step => ({
  kind: 'drip',
  bytes: Buffer.from(text, 'latin1'),
  perByteMs,
});
/** C: — wait for one client line and check it. */
export const expectLine = (line: RegExp): Step => ({ kind: 'expect', line });
/** C: — the message after 354: lines up to and including the lone dot. */
export const expectMessage = (): Step => ({ kind: 'expect-message' });
/**
 * From here on, a client that sends before the server has answered its
 * last line (or before the greeting) is a problem, and its connection is
 * reset, as Postfix's postscreen does with clients that talk too early.
 */
export const punishEarlyTalk = (): Step => ({ kind: 'punish-early-talk' });
/** C(any): — wait for any bytes from the client. */
export const readAny = (): Step => ({ kind: 'read-any' });
/** S(silent N ms): keep the socket open and say nothing. */
export const silent = (ms: number): Step => ({ kind: 'silent', ms });
/** Stops reading the client's bytes: its writes back up until it gives up. */
export const stopReading = (): Step => ({ kind: 'stop-reading' });
/** S(close): FIN. */
export const close = (): Step => ({ kind: 'close' });
/** S(reset): RST. */
export const reset = (): Step => ({ kind: 'reset' });
/** TLS(start): from here on, the script runs inside TLS. */
export const startTls = (pair: CertificatePair, options: TlsStepOptions = {}): Step => ({
  kind: 'start-tls',
  pair,
  options,
});

/** A running fake server. */
export interface FakeServer {
  readonly port: number;
  /** Everything each connection's client sent, in order. */
  readonly received: Buffer[];
  /** Script steps that did not go as written (a client line that did not match). */
  readonly problems: string[];
  /** The client's lines on the first connection, CRLF removed. */
  clientLines(): string[];
  /** Resolves once every connection's script has ended. */
  settled(): Promise<void>;
  close(): Promise<void>;
}

/** How long a script waits for the client before giving up on it. */
const CLIENT_WAIT_MS = 5_000;

/** Scripts for successive connections: the n-th connection plays the n-th (the last beyond). */
export interface ConnectionScripts {
  readonly connections: readonly (readonly Step[])[];
}

/**
 * Starts a server that plays the script on every connection (or each
 * connection its own script); by default on 127.0.0.1 port 0, or at another
 * loopback address and port (::1, 127.0.0.3).
 */
export async function startFakeServer(
  scripts: readonly Step[] | ConnectionScripts,
  host = '127.0.0.1',
  port = 0,
): Promise<FakeServer> {
  const received: Buffer[] = [];
  const problems: string[] = [];
  const running: Promise<void>[] = [];
  const sockets = new Set<Duplex>();

  const server: Server = createServer((socket) => {
    const index = received.push(Buffer.alloc(0)) - 1;
    const script = 'connections' in scripts ? scriptFor(scripts, index) : scripts;
    const record = (chunk: Buffer): void => {
      received[index] = Buffer.concat([received[index]!, chunk]);
    };
    sockets.add(socket);
    socket.on('error', () => undefined);
    running.push(play(socket, script, record, problems, sockets));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, resolve);
  });

  return {
    port: (server.address() as { port: number }).port,
    received,
    problems,
    clientLines: () =>
      (received[0] ?? Buffer.alloc(0))
        .toString('latin1')
        .split('\r\n')
        .filter((l) => l !== ''),
    settled: async () => {
      await Promise.all(running);
    },
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function scriptFor(scripts: ConnectionScripts, index: number): readonly Step[] {
  const { connections } = scripts;
  return connections[Math.min(index, connections.length - 1)] ?? [];
}

/** Buffers what the client sends and hands it out by line or in any amount. */
class ClientInput {
  private buffer = Buffer.alloc(0);
  private wake: (() => void) | undefined;
  private ended = false;
  /** Set by punishEarlyTalk: called with what the client said out of turn. */
  onEarly: ((bytes: Buffer) => void) | undefined;
  /** True while the server owes the client an answer: client bytes now are early. */
  owed = true;

  attach(stream: Duplex, record: (chunk: Buffer) => void): void {
    stream.on('data', (chunk: Buffer) => {
      record(chunk);
      if (this.owed) this.onEarly?.(chunk);
      this.buffer = Buffer.concat([this.buffer, chunk]);
      this.wake?.();
    });
    stream.on('end', () => {
      this.ended = true;
      this.wake?.();
    });
  }

  /** Takes whatever is buffered, for handing the socket to TLS. */
  drain(): Buffer {
    const rest = this.buffer;
    this.buffer = Buffer.alloc(0);
    return rest;
  }

  async line(): Promise<string | undefined> {
    for (;;) {
      const end = this.buffer.indexOf('\n');
      if (end !== -1) {
        const line = this.buffer.subarray(0, end + 1).toString('latin1');
        this.buffer = this.buffer.subarray(end + 1);
        this.owed = true;
        // A second line in the same breath came before this one's answer.
        if (this.buffer.length > 0) this.onEarly?.(this.buffer);
        return line.replace(/\r?\n$/, '');
      }
      if (!(await this.more())) return undefined;
    }
  }

  /** A line of message text: the client may send the next one at once. */
  async lineOfMessage(): Promise<string | undefined> {
    const early = this.onEarly;
    this.onEarly = undefined;
    try {
      return await this.line();
    } finally {
      this.onEarly = early;
    }
  }

  async any(): Promise<boolean> {
    if (this.buffer.length > 0) {
      this.buffer = Buffer.alloc(0);
      return true;
    }
    const got = await this.more();
    this.buffer = Buffer.alloc(0);
    return got;
  }

  private more(): Promise<boolean> {
    if (this.ended) return Promise.resolve(false);
    return new Promise((resolve) => {
      const timer = setTimeout(() => finish(false), CLIENT_WAIT_MS);
      const finish = (value: boolean): void => {
        clearTimeout(timer);
        this.wake = undefined;
        resolve(value);
      };
      this.wake = () => finish(!this.ended || this.buffer.length > 0);
    });
  }
}

async function play(
  socket: Socket,
  script: readonly Step[],
  record: (chunk: Buffer) => void,
  problems: string[],
  sockets: Set<Duplex>,
): Promise<void> {
  let stream: Duplex = socket;
  let input = new ClientInput();
  input.attach(stream, record);

  for (const step of script) {
    if (stream.destroyed) return;
    switch (step.kind) {
      case 'send':
        input.owed = false;
        stream.write(step.bytes);
        break;
      case 'punish-early-talk':
        input.onEarly = (bytes) => {
          const said = JSON.stringify(bytes.toString('latin1'));
          problems.push(`the client talked before the server answered: ${said}`);
          socket.resetAndDestroy();
        };
        break;
      case 'expect-message': {
        // Message lines draw no answers: none is owed until the lone dot.
        for (;;) {
          input.owed = false;
          const line = await input.lineOfMessage();
          if (line === undefined) {
            problems.push('the message ended without its lone dot');
            return;
          }
          if (line === '.') break;
        }
        input.owed = true;
        break;
      }
      case 'send-raw':
        socket.write(step.bytes);
        break;
      case 'delay':
      case 'silent':
        await sleep(step.ms);
        break;
      case 'drip':
        for (const byte of step.bytes) {
          if (stream.destroyed) return;
          stream.write(Buffer.from([byte]));
          await sleep(step.perByteMs);
        }
        break;
      case 'expect': {
        const line = await input.line();
        if (line === undefined || !step.line.test(line)) {
          problems.push(`expected ${step.line} but the client sent ${JSON.stringify(line)}`);
          stream.destroy();
          return;
        }
        break;
      }
      case 'read-any':
        if (!(await input.any())) problems.push('expected client bytes, got none');
        break;
      case 'stop-reading':
        stream.pause();
        break;
      case 'close':
        stream.end();
        return;
      case 'reset':
        socket.resetAndDestroy();
        return;
      case 'start-tls': {
        socket.removeAllListeners('data');
        socket.removeAllListeners('end');
        const early = input.drain();
        if (early.length > 0) socket.unshift(early);
        const { onSecure, ...tlsOptions } = step.options;
        const secure = new TLSSocket(socket, { isServer: true, ...step.pair, ...tlsOptions });
        secure.on('error', () => undefined);
        sockets.add(secure);
        await new Promise<void>((resolve) => {
          secure.once('secure', () => (onSecure?.(secure), resolve()));
          secure.once('error', () => resolve());
          secure.once('close', () => resolve());
        });
        stream = secure;
        const punish = input.onEarly;
        input = new ClientInput();
        // After the handshake the client speaks first: nothing is owed to it.
        input.owed = false;
        input.onEarly = punish;
        input.attach(stream, record);
        break;
      }
    }
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * One fake server at a time for the tests of a file: `serve(script)` starts
 * it and returns its target, `server()` is the one running; it is closed
 * after each test.
 */
export function fakeServerPerTest(): {
  serve: (script: readonly Step[]) => Promise<string>;
  server: () => FakeServer;
} {
  let current: FakeServer | undefined;
  afterEach(async () => {
    await current?.close();
    current = undefined;
  });

  return {
    serve: async (script) => {
      await current?.close();
      current = await startFakeServer(script);
      return `127.0.0.1:${current.port}`;
    },
    server: () => current!,
  };
}
