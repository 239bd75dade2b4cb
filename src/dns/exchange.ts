/**
 * One DNS query and its response on the wire: a UDP datagram, or a TCP
 * stream with a two-byte length before each message (RFC 1035 §4.2.2).
 * Each exchange is bounded in time and in size.
 */
import { createSocket } from 'node:dgram';
import { connect } from 'node:net';
import { isIPv6 } from 'node:net';
import { randomInt } from 'node:crypto';
import {
  AUTHENTIC_DATA,
  decode,
  encode,
  RECURSION_DESIRED,
  type DecodedPacket,
  type RecordType,
} from 'dns-packet';
import { ExchangeFailure } from './failure.js';
import type { DnsServer } from './server-address.js';

// RFC 6891 §6.2.5 lets a server send up to the size the query offered;
// anything much larger on UDP is not a response to our query.
const MAX_UDP_BYTES = 4096;

/** Asks one server one question: over UDP, and over TCP when the answer is truncated. */
export async function askServer(
  server: DnsServer,
  name: string,
  type: RecordType,
  timeoutMs: number,
  signal: AbortSignal | undefined,
): Promise<DecodedPacket> {
  const query = encodeQuery(name, type);
  const started = performance.now();
  const response = answering(await exchangeUdp(server, query, timeoutMs, signal), name, type);
  if (!response.flag_tc) return response;

  // A truncated response is asked again over TCP (RFC 7766 §5), within
  // the same try's time: UDP and TCP together take no longer than one wait.
  const left = Math.max(1, timeoutMs - (performance.now() - started));
  return answering(await exchangeTcp(server, query, left, signal), name, type);
}

// A response must answer the question asked (RFC 5452 §9.1): one about
// another name or type is no answer, whatever records it carries.
function answering(response: DecodedPacket, name: string, type: RecordType): DecodedPacket {
  const [question] = response.questions ?? [];
  const same =
    question !== undefined &&
    question.type === type &&
    question.name.replace(/\.$/, '').toLowerCase() === name.replace(/\.$/, '').toLowerCase();
  if (same) return response;
  throw new ExchangeFailure(
    'network',
    `the response answers another question than ${name} ${type}`,
  );
}

// The EDNS payload size the DNS flag day 2020 settled on: no fragmentation.
const UDP_PAYLOAD_SIZE = 1232;

function encodeQuery(name: string, type: RecordType): Buffer {
  return encode({
    type: 'query',
    id: randomInt(0x10000),
    // AD in a query asks a validating resolver to report validation (RFC 6840 §5.7).
    flags: RECURSION_DESIRED | AUTHENTIC_DATA,
    questions: [{ type, name, class: 'IN' }],
    additionals: [
      {
        type: 'OPT',
        name: '.',
        udpPayloadSize: UDP_PAYLOAD_SIZE,
        extendedRcode: 0,
        ednsVersion: 0,
        flags: 0,
        flag_do: false,
        options: [],
      },
    ],
  });
}

/** Sends the query over UDP and waits for the response with its id. */
export function exchangeUdp(
  server: DnsServer,
  query: Buffer,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<DecodedPacket> {
  const id = query.readUInt16BE(0);
  const socket = createSocket(isIPv6(server.address) ? 'udp6' : 'udp4');

  return bounded(
    timeoutMs,
    signal,
    () => socket.close(),
    (resolve, reject) => {
      socket.on('error', (error) => reject(new ExchangeFailure('network', error.message)));
      socket.on('message', (message, from) => {
        // A datagram from elsewhere, oversized, or for another query is ignored (RFC 5452 §9.1).
        const elsewhere = from.port !== server.port || !sameHost(from.address, server.address);
        if (elsewhere || message.length > MAX_UDP_BYTES) return;
        const packet = decodeOrUndefined(message);
        if (packet && packet.id === id && packet.type === 'response') resolve(packet);
      });
      socket.send(query, server.port, server.address);
    },
  );
}

/** Sends the query over TCP, as after a truncated UDP response (RFC 7766 §5). */
export function exchangeTcp(
  server: DnsServer,
  query: Buffer,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<DecodedPacket> {
  const socket = connect({ host: server.address, port: server.port });
  let received = Buffer.alloc(0);

  return bounded(
    timeoutMs,
    signal,
    () => socket.destroy(),
    (resolve, reject) => {
      socket.on('error', (error) => reject(new ExchangeFailure('network', error.message)));
      socket.on('close', () => reject(new ExchangeFailure('network', 'closed before a response')));
      socket.on('data', (chunk: Buffer) => {
        received = Buffer.concat([received, chunk]);
        // The length prefix caps a message at 65,535 bytes: nothing more is kept.
        if (received.length < 2 || received.length < 2 + received.readUInt16BE(0)) return;
        const packet = decodeOrUndefined(received.subarray(2, 2 + received.readUInt16BE(0)));
        const id = query.readUInt16BE(0);
        if (packet && packet.id === id && packet.type === 'response') resolve(packet);
        else
          reject(new ExchangeFailure('network', 'the response is not a DNS response to the query'));
      });
      const prefix = Buffer.alloc(2);
      prefix.writeUInt16BE(query.length);
      socket.write(Buffer.concat([prefix, query]));
    },
  );
}

// ::ffff:127.0.0.1 and 127.0.0.1 are one host to a dual-stack socket.
function sameHost(a: string, b: string): boolean {
  const plain = (address: string): string => address.replace(/^::ffff:/i, '').toLowerCase();
  return plain(a) === plain(b);
}

type Settle = (resolve: (packet: DecodedPacket) => void, reject: (error: Error) => void) => void;

// Runs the exchange until it settles, the time runs out or the signal
// aborts; the socket is closed in every case.
function bounded(
  timeoutMs: number,
  signal: AbortSignal | undefined,
  close: () => void,
  run: Settle,
): Promise<DecodedPacket> {
  return new Promise<DecodedPacket>((resolve, reject) => {
    let settled = false;
    // Only the first outcome counts: a close after the response is no failure.
    const finish = (): boolean => {
      if (settled) return false;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      close();
      return true;
    };
    const timer = setTimeout(() => {
      fail(new ExchangeFailure('timeout', `no response within ${timeoutMs} ms`));
    }, timeoutMs);
    const fail = (error: Error): void => {
      if (finish()) reject(error);
    };
    const onAbort = (): void => fail(new ExchangeFailure('aborted', 'aborted'));

    signal?.addEventListener('abort', onAbort, { once: true });
    if (signal?.aborted) return onAbort();
    run((packet) => {
      if (finish()) resolve(packet);
    }, fail);
  });
}

function decodeOrUndefined(message: Buffer): DecodedPacket | undefined {
  try {
    return decode(message);
  } catch {
    return undefined;
  }
}
