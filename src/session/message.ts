/**
 * The message itself: DATA and the content with its end-of-data dot
 * (RFC 5321 §4.5.2 transparency), or BDAT chunks (RFC 3030), and the reply
 * that says whether the server took it, with the queue id it names.
 */
import { buildCommand } from '../protocol/command.js';
import type { ExtensionSet } from '../protocol/extensions.js';
import { replyText, type Reply } from '../protocol/reply.js';
import { encodeForData, encodeRawForData, splitIntoChunks } from '../message/data.js';
import { requireCode } from './expect.js';
import type { TransactionOptions } from './options.js';
import type { Session } from './session.js';

/** What became of the message. */
export interface Delivery {
  readonly reply: Reply;
  /** The id the server gave the message, when its reply names one. */
  readonly queueId: string | undefined;
  readonly bytes: number;
}

/** Says DATA and insists on 354 (a BDAT transaction needs no DATA). */
export async function askForData(
  session: Session,
  options: TransactionOptions,
  extensions: ExtensionSet,
  timeoutMs: number,
): Promise<Reply | undefined> {
  if (usesBdat(options, extensions)) return undefined;
  if (options.chunking) {
    const message = '--chunking: the server does not offer CHUNKING; sending with DATA';
    session.emit({ type: 'warning', warning: { code: 'no-chunking', message } });
  }

  const reply = await session.exchange('data', buildCommand('DATA'), timeoutMs);
  requireCode('data', reply, 354, 'DATA');
  return reply;
}

/** Sends the message after DATA's 354, or as BDAT chunks when there was no DATA. */
export async function sendMessage(
  session: Session,
  options: TransactionOptions,
  dataReply: Reply | undefined,
  replyTimeoutMs: number,
): Promise<Delivery> {
  const reply =
    dataReply === undefined
      ? await sendChunks(session, options, replyTimeoutMs)
      : await sendData(session, options);

  requireCode('message', reply, 250, 'the end of data');
  const queueId = findQueueId(reply);
  if (queueId) session.emit({ type: 'note', text: `the server took the message as ${queueId}` });
  return { reply, queueId, bytes: options.message.length };
}

function sendData(session: Session, options: TransactionOptions): Promise<Reply> {
  if (options.raw && options.message.includes('\r\n.\r\n')) {
    const message =
      'the raw message holds <CRLF>.<CRLF>: the server ends the data there ' +
      'and reads the rest as commands';
    session.emit({ type: 'warning', warning: { code: 'raw-end-of-data', message } });
  }
  const content = options.raw ? encodeRawForData(options.message) : encodeForData(options.message);
  const how = options.raw ? 'raw, untouched' : 'dot-stuffed';
  const summary = `${describeSize(options.message)} (${how}), then <CRLF>.<CRLF>`;
  return session.exchangeContent('message', content, summary, options.dataTimeoutMs);
}

async function sendChunks(
  session: Session,
  options: TransactionOptions,
  replyTimeoutMs: number,
): Promise<Reply> {
  const chunks = splitIntoChunks(options.message, options.chunkSize);
  let last: Reply | undefined;

  for (const [index, chunk] of chunks.entries()) {
    const final = index === chunks.length - 1;
    const command = buildCommand('BDAT', `${chunk.length}${final ? ' LAST' : ''}`);
    const stage = final ? 'message' : 'data';
    const timeoutMs = final ? options.dataTimeoutMs : replyTimeoutMs;
    last = await session.exchangeContent(stage, chunk, describeSize(chunk), timeoutMs, command);
    if (!final) requireCode('data', last, 250, command.display);
  }
  return last!;
}

/** True when the message goes by BDAT: asked for, and CHUNKING offered. */
export function usesBdat(options: TransactionOptions, extensions: ExtensionSet): boolean {
  return options.chunking && extensions.has('CHUNKING');
}

/** Describes message content by size, never by its text: `<message: 120 bytes, 4 lines>`. */
export function describeSize(bytes: Buffer): string {
  let lines = 0;
  for (const byte of bytes) if (byte === 0x0a) lines += 1;
  return `<message: ${bytes.length} bytes, ${lines} ${lines === 1 ? 'line' : 'lines'}>`;
}

// Postfix "queued as 4Xyz", Exim "id=1abc-000DEF-GH", Sendmail "xB4H0Bx012345
// Message accepted", Exchange "InternalId=123", Gmail "… 2adb3069b0e04-… - gsmtp".
const QUEUE_ID_PATTERNS = [
  /\bqueued as ([0-9A-Za-z]+)/i,
  /\bid=([\w.-]+)/,
  /\b([0-9A-Za-z]{8,}) Message accepted for delivery/i,
  /\bInternalId=(\d+)/,
  /\s(\S+) - gsmtp$/,
];

/** The queue id a final reply names, if any pattern of the common MTAs finds one. */
export function findQueueId(reply: Reply): string | undefined {
  const text = replyText(reply);
  for (const pattern of QUEUE_ID_PATTERNS) {
    const id = pattern.exec(text)?.[1];
    if (id) return id;
  }
  return undefined;
}
