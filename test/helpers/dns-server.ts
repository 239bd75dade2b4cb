/**
 * A DNS server on 127.0.0.1, port 0, UDP and TCP on the same port,
 * answering from a zone the test gives. It can set the AD bit, answer
 * NXDOMAIN, SERVFAIL or REFUSED for a name, stay silent, or truncate
 * every UDP response so that the client must ask again over TCP.
 */
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { createServer, type Server, type Socket } from 'node:net';
import { decode, encode, type Answer, type DecodedPacket } from 'dns-packet';
import { afterEach } from 'vitest';

/** One record of the test zone, data as dns-packet takes it. */
export type ZoneRecord =
  | { readonly name: string; readonly type: 'A' | 'AAAA' | 'PTR' | 'CNAME'; readonly data: string }
  | {
      readonly name: string;
      readonly type: 'MX';
      readonly data: { preference: number; exchange: string };
    }
  | { readonly name: string; readonly type: 'TXT'; readonly data: string }
  | {
      readonly name: string;
      readonly type: 'TLSA';
      readonly data: { usage: number; selector: number; matchingType: number; certificate: Buffer };
    };

/** How the server misbehaves, by name (lowercase, no trailing dot). */
export interface DnsBehaviour {
  /** Set the AD bit on every response. */
  readonly authenticated?: boolean;
  /** But not on the answers about these names (an insecure part of the tree). */
  readonly insecure?: readonly string[];
  /** Answer these names with this response code, whatever the type. */
  readonly rcodes?: Readonly<Record<string, 'NXDOMAIN' | 'SERVFAIL' | 'REFUSED'>>;
  /** Say nothing to questions about these names (`*` for every name). */
  readonly silent?: readonly string[];
  /** Send every UDP response truncated (TC set, no records). */
  readonly truncate?: boolean;
}

/** A question the server received. */
export interface SeenQuery {
  readonly name: string;
  readonly type: string;
  readonly transport: 'udp' | 'tcp';
}

/** A running DNS server. */
export interface DnsTestServer {
  readonly port: number;
  /** `127.0.0.1:PORT`, for --dns-server. */
  readonly address: string;
  readonly queries: SeenQuery[];
  close(): Promise<void>;
}

const RCODE_NUMBERS = { NOERROR: 0, SERVFAIL: 2, NXDOMAIN: 3, REFUSED: 5 } as const;

/** Starts the server; close it after the test (or use dnsServerPerTest). */
export async function startDnsServer(
  zone: readonly ZoneRecord[],
  behaviour: DnsBehaviour = {},
): Promise<DnsTestServer> {
  const queries: SeenQuery[] = [];
  const answer = (query: DecodedPacket, transport: 'udp' | 'tcp'): Buffer | undefined => {
    const question = query.questions?.[0];
    if (!question) return undefined;
    const name = normal(question.name);
    queries.push({ name, type: question.type, transport });
    if (behaviour.silent?.includes(name) || behaviour.silent?.includes('*')) return undefined;
    return respond(query, zone, behaviour, transport);
  };

  const { udp, tcp, port } = await listenBoth(answer);
  return {
    port,
    address: `127.0.0.1:${port}`,
    queries,
    close: async () => {
      udp.close();
      await new Promise<void>((resolve) => tcp.close(() => resolve()));
    },
  };
}

/** One DNS server per test: `dns(zone)` starts it, closed after each test. */
export function dnsServerPerTest(): (
  zone: readonly ZoneRecord[],
  behaviour?: DnsBehaviour,
) => Promise<DnsTestServer> {
  const running: DnsTestServer[] = [];
  afterEach(async () => {
    await Promise.all(running.splice(0).map((server) => server.close()));
  });
  return async (zone, behaviour) => {
    const server = await startDnsServer(zone, behaviour);
    running.push(server);
    return server;
  };
}

function respond(
  query: DecodedPacket,
  zone: readonly ZoneRecord[],
  behaviour: DnsBehaviour,
  transport: 'udp' | 'tcp',
): Buffer {
  const question = query.questions![0]!;
  const name = normal(question.name);
  const forced = behaviour.rcodes?.[name];
  const answers = forced ? [] : lookUp(zone, name, question.type);
  const exists = zone.some((record) => normal(record.name) === name);
  const rcode = forced ?? (exists ? 'NOERROR' : 'NXDOMAIN');
  const truncated = behaviour.truncate === true && transport === 'udp';

  const flags =
    (1 << 8) | // RD copied
    (1 << 7) | // RA
    (behaviour.authenticated && !behaviour.insecure?.includes(name) ? 1 << 5 : 0) |
    (truncated ? 1 << 9 : 0) |
    RCODE_NUMBERS[rcode];
  return encode({
    type: 'response',
    id: query.id,
    flags,
    questions: [question],
    answers: truncated ? [] : answers,
  });
}

// The records for a question, following a CNAME as a recursive resolver does.
function lookUp(zone: readonly ZoneRecord[], name: string, type: string, depth = 0): Answer[] {
  const own = zone.filter((record) => normal(record.name) === name);
  const alias = own.find((record) => record.type === 'CNAME');
  if (alias && type !== 'CNAME' && depth < 8) {
    const target = normal(alias.data as string);
    return [asAnswer(alias), ...lookUp(zone, target, type, depth + 1)];
  }
  return own.filter((record) => record.type === type).map(asAnswer);
}

function asAnswer(record: ZoneRecord): Answer {
  return { ...record, ttl: 60, class: 'IN' } as Answer;
}

type Answerer = (query: DecodedPacket, transport: 'udp' | 'tcp') => Buffer | undefined;

// UDP first on port 0, then TCP on the same port; another program may
// hold that TCP port, so a few ports are tried.
async function listenBoth(
  answer: Answerer,
): Promise<{ udp: UdpSocket; tcp: Server; port: number }> {
  for (let attempt = 0; ; attempt += 1) {
    const udp = createSocket('udp4');
    await new Promise<void>((resolve) => udp.bind(0, '127.0.0.1', resolve));
    const port = udp.address().port;
    const tcp = createServer((socket) => serveTcp(socket, answer));
    const listening = await new Promise<boolean>((resolve) => {
      tcp.once('error', () => resolve(false));
      tcp.listen(port, '127.0.0.1', () => resolve(true));
    });
    if (listening) {
      udp.on('message', (message, from) => {
        const response = answerBytes(message, 'udp', answer);
        if (response) udp.send(response, from.port, from.address);
      });
      return { udp, tcp, port };
    }
    udp.close();
    if (attempt === 5) throw new Error('no port free for UDP and TCP at once');
  }
}

function serveTcp(socket: Socket, answer: Answerer): void {
  let buffer = Buffer.alloc(0);
  socket.on('error', () => undefined);
  socket.on('data', (chunk: Buffer) => {
    buffer = Buffer.concat([buffer, chunk]);
    while (buffer.length >= 2 && buffer.length >= 2 + buffer.readUInt16BE(0)) {
      const message = buffer.subarray(2, 2 + buffer.readUInt16BE(0));
      buffer = buffer.subarray(2 + message.length);
      const response = answerBytes(message, 'tcp', answer);
      if (!response) continue;
      const prefix = Buffer.alloc(2);
      prefix.writeUInt16BE(response.length);
      socket.write(Buffer.concat([prefix, response]));
    }
  });
}

function answerBytes(message: Buffer, transport: 'udp' | 'tcp', answer: Answerer) {
  try {
    return answer(decode(message), transport);
  } catch {
    return undefined;
  }
}

function normal(name: string): string {
  return name.toLowerCase().replace(/\.$/, '');
}
