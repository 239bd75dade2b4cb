/**
 * A pass-through stream between the TCP socket and the TLS layer that
 * remembers what the server sent during the handshake. When the handshake
 * fails, the first bytes tell why: a server that answers a ClientHello with
 * "500 5.5.1" or "220 ..." is speaking plaintext, not TLS. When it works,
 * they hold the certificates as sent (certificate-message.ts).
 */
import type { Socket } from 'node:net';
import { isUtf8 } from 'node:buffer';
import { Duplex } from 'node:stream';

// The transcript shows at most this much of a failed handshake.
const SHOWN_BYTES = 512;
// Enough for any real chain: the Certificate message is read from these.
const RECORDED_BYTES = 256 * 1024;
// A TLS record starts with its content type: 20–23 (0x14–0x17).
const FIRST_TLS_CONTENT_TYPE = 0x14;
const LAST_TLS_CONTENT_TYPE = 0x17;

/** Carries the handshake and records what the server sent first. */
export class HandshakeTap extends Duplex {
  private readonly socket: Socket;
  private recorded: Buffer[] = [];
  private recordedBytes = 0;
  private recording = true;

  constructor(socket: Socket) {
    super();
    this.socket = socket;
    socket.on('data', (chunk: Buffer) => {
      this.record(chunk);
      if (!this.push(chunk)) socket.pause();
    });
    socket.on('end', () => this.push(null));
    socket.on('error', (error) => this.destroy(error));
  }

  /** Stops keeping bytes once the handshake is over, and gives those kept. */
  stopRecording(): Buffer {
    const bytes = Buffer.concat(this.recorded);
    this.recording = false;
    this.recorded = [];
    return bytes;
  }

  /** The first bytes recorded, line by line, for the transcript. */
  received(): Buffer[] {
    const bytes = this.shown();
    const lines: Buffer[] = [];
    for (let start = 0; start < bytes.length;) {
      const end = bytes.indexOf(0x0a, start);
      const next = end === -1 ? bytes.length : end + 1;
      lines.push(bytes.subarray(start, next));
      start = next;
    }
    return lines;
  }

  /** How many bytes the server has sent so far (up to the recording cap). */
  receivedBytes(): number {
    return this.recordedBytes;
  }

  /** The server's first line when it answered in plaintext rather than TLS. */
  plaintextAnswer(): string | undefined {
    const bytes = this.shown();
    const first = bytes[0];
    if (first === undefined) return undefined;
    if (first >= FIRST_TLS_CONTENT_TYPE && first <= LAST_TLS_CONTENT_TYPE) return undefined;

    const firstLine = bytes.subarray(0, Math.max(0, bytes.indexOf(0x0a)) || bytes.length);
    const text = firstLine.toString(isUtf8(firstLine) ? 'utf8' : 'latin1');
    return text.replace(/\r$/, '').slice(0, 200);
  }

  override _read(): void {
    this.socket.resume();
  }

  override _write(
    chunk: Buffer,
    _encoding: BufferEncoding,
    done: (error?: Error | null) => void,
  ): void {
    this.socket.write(chunk, done);
  }

  override _final(done: (error?: Error | null) => void): void {
    this.socket.end();
    done();
  }

  override _destroy(error: Error | null, done: (error?: Error | null) => void): void {
    this.socket.destroy();
    done(error);
  }

  private shown(): Buffer {
    return Buffer.concat(this.recorded).subarray(0, SHOWN_BYTES);
  }

  private record(chunk: Buffer): void {
    if (!this.recording || this.recordedBytes >= RECORDED_BYTES) return;
    const kept = chunk.subarray(0, RECORDED_BYTES - this.recordedBytes);
    this.recorded.push(Buffer.from(kept));
    this.recordedBytes += kept.length;
  }
}
