/**
 * Properties of the reply reader over generated input: whatever bytes a server sends, split
 * wherever the network splits them, the reader answers with replies or a ProtocolError, holds
 * no more than its limits, and reads the same replies however the bytes were cut.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ProtocolError } from '../../src/errors.js';
import type { Reply } from '../../src/protocol/reply.js';
import {
  DEFAULT_REPLY_LIMITS,
  ReplyReader,
  type ReplyLimits,
} from '../../src/protocol/reply-reader.js';

/** Enough runs to reach every limit a few times; the whole file stays within a few seconds. */
const RUNS = 300;
/** The reader keeps at most this many bytes of an unfinished line for the transcript. */
const KEPT_HEAD_BYTES = 160;
/** Longest stream fed; enough to pass every default limit. */
const MAX_STREAM_BYTES = 200_000;

/** What a stream came to: the replies in order, and the fault that stopped reading, if any. */
interface Outcome {
  readonly replies: Reply[];
  readonly error: ProtocolError | undefined;
}

/** Thrown when the reader scans one chunk more often than it has bytes: it is going round. */
class LoopError extends Error {}

// Arbitrary limits, small so that short streams reach them, or the defaults.
const limitsArbitrary: fc.Arbitrary<ReplyLimits> = fc.oneof(
  fc.constant(DEFAULT_REPLY_LIMITS),
  fc.record({
    maxLineBytes: fc.integer({ min: 1, max: 200 }),
    maxLinesPerReply: fc.integer({ min: 1, max: 12 }),
    maxReplyBytes: fc.integer({ min: 1, max: 1000 }),
  }),
);

const SMTP_TOKENS = ['0', '2', '5', '9', '-', ' ', '\r', '\n', '\r\n', 'x', '220-', '250 ', '354'];

/** Something like a reply line: a code or near-code, a separator, text, a line ending. */
const lineLike: fc.Arbitrary<string> = fc
  .tuple(
    fc.oneof(
      { weight: 6, arbitrary: fc.constantFrom('220', '250', '421', '550') },
      { weight: 1, arbitrary: fc.constantFrom('120', '25', '2x0', '') },
    ),
    fc.oneof({ weight: 6, arbitrary: fc.constantFrom('-', ' ', '') }, fc.constant('x')),
    fc.string({ unit: fc.constantFrom('0', '5', '-', ' ', 'x', '\r'), maxLength: 6 }),
    fc.constantFrom('\r\n', '\r\n', '\n', '\r', ''),
  )
  .map((parts) => parts.join(''));

// Bytes biased towards what replies are made of, with long runs of one line or token so that
// floods of lines, long lines and empty lines pass the default limits as well as small ones.
const smtpPiece: fc.Arbitrary<Buffer> = fc.oneof(
  { weight: 8, arbitrary: lineLike.map((line) => Buffer.from(line)) },
  { weight: 2, arbitrary: fc.constantFrom(...SMTP_TOKENS).map((token) => Buffer.from(token)) },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 8 }).map((bytes) => Buffer.from(bytes)) },
  {
    weight: 2,
    arbitrary: fc
      .tuple(fc.oneof(lineLike, fc.constantFrom('x', '\r\n', '220-x\r\n')), fc.nat(5000))
      .map(([token, times]) => Buffer.from(token.repeat(times))),
  },
);

const smtpLikeStream: fc.Arbitrary<Buffer> = fc
  .array(smtpPiece, { maxLength: 60 })
  .map((pieces) => Buffer.concat(pieces).subarray(0, MAX_STREAM_BYTES));

const anyStream: fc.Arbitrary<Buffer> = fc
  .uint8Array({ maxLength: 2000 })
  .map((bytes) => Buffer.from(bytes));

/** Cut points into a stream of any length; they are folded into range when used. */
const cutsArbitrary = fc.array(fc.nat(), { maxLength: 40 });

/** Splits `stream` at the given points (taken modulo its length), empty chunks included. */
function splitAt(stream: Buffer, cuts: readonly number[]): Buffer[] {
  const points = cuts.map((cut) => cut % (stream.length + 1)).sort((a, b) => a - b);
  const bounds = [0, ...points, stream.length];
  return bounds.slice(1).map((end, index) => stream.subarray(bounds[index], end));
}

function oneByteAtATime(stream: Buffer): Buffer[] {
  return [...stream].map((byte) => Buffer.from([byte]));
}

/**
 * Feeds chunks as the connection does: stop at the first fault, and call `finish` when the
 * stream ends without one. After every chunk, what the reader holds must fit its limits.
 */
function readChunks(chunks: readonly Buffer[], limits: ReplyLimits): Outcome {
  const reader = new ReplyReader(limits);
  const replies: Reply[] = [];

  for (const [index, chunk] of chunks.entries()) {
    const result = reader.push(guardAgainstLoops(chunk), index);
    replies.push(...result.replies);
    expectHeldWithinLimits(reader, limits);
    if (result.error) return { replies, error: result.error };
  }

  // The end of the stream may complete a last line, or fault on it: never throw.
  const last = reader.finish(chunks.length);
  replies.push(...last.replies);
  if (last.error) return { replies, error: last.error };
  return { replies, error: undefined };
}

/**
 * Counts the reader's scans for LF in this chunk: each one finds a line or ends the chunk, so
 * more scans than bytes mean the reader is not advancing, and the property fails instead of
 * hanging the run.
 */
function guardAgainstLoops(chunk: Buffer): Buffer {
  const guarded = Buffer.from(chunk);
  let scans = 0;
  const indexOf = guarded.indexOf.bind(guarded);
  Object.defineProperty(guarded, 'indexOf', {
    value: (...args: Parameters<Buffer['indexOf']>): number => {
      scans += 1;
      if (scans > guarded.length + 1) throw new LoopError('the reader scans one chunk forever');
      return indexOf(...args);
    },
  });
  return guarded;
}

/**
 * Lines of the unfinished reply fit the line cap (or the kept head of an over-long line), and
 * together the reply cap plus the one line that broke it.
 */
function expectHeldWithinLimits(reader: ReplyReader, limits: ReplyLimits): void {
  const pending = reader.pendingLines();
  const bytes = pending.reduce((sum, line) => sum + line.length, 0);

  expect(pending.length).toBeLessThanOrEqual(limits.maxLinesPerReply + 2);
  for (const line of pending) {
    expect(line.length).toBeLessThanOrEqual(Math.max(limits.maxLineBytes, KEPT_HEAD_BYTES));
  }
  expect(bytes).toBeLessThanOrEqual(limits.maxReplyBytes + limits.maxLineBytes + KEPT_HEAD_BYTES);
}

/** Every reply the reader hands back is a well-formed one, whatever the input was. */
function expectWellFormed(outcome: Outcome): void {
  for (const reply of outcome.replies) {
    expect(reply.code).toBeGreaterThanOrEqual(200);
    expect(reply.code).toBeLessThanOrEqual(599);
    expect(reply.lines.map((line) => line.final)).toEqual(
      reply.lines.map((_, index) => index === reply.lines.length - 1),
    );
  }
  if (outcome.error) expect(outcome.error.code).toBe('protocol-error');
}

/** The parts of an outcome that must not depend on how the bytes were cut. */
function comparable(outcome: Outcome) {
  return {
    replies: outcome.replies.map((reply) => ({
      code: reply.code,
      enhancedStatus: reply.enhancedStatus,
      lines: reply.lines.map(({ code, final, text, raw }) => ({ code, final, text, raw })),
      warnings: reply.warnings.map((warning) => warning.code),
    })),
    // Not `received`: of an over-long line it keeps what had arrived when the cap broke.
    error: outcome.error?.message,
  };
}

/** A generated reply line: text, or null for a line that is the code alone. */
type LineText = string | null;

interface GeneratedReply {
  readonly code: number;
  readonly texts: readonly LineText[];
}

const lineText: fc.Arbitrary<LineText> = fc.oneof(
  fc.string({ unit: 'grapheme-ascii', maxLength: 60 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.constant(null),
);

const validReplies: fc.Arbitrary<GeneratedReply[]> = fc.array(
  fc.record({
    code: fc.integer({ min: 200, max: 599 }),
    texts: fc.array(lineText, { minLength: 1, maxLength: 20 }),
  }),
  { minLength: 1, maxLength: 4 },
);

/** The wire form: `250-text` lines, then `250 text`; a code-only line is `250-` or `250`. */
function encodeReply({ code, texts }: GeneratedReply): Buffer {
  const lines = texts.map((text, index) => {
    const final = index === texts.length - 1;
    if (text === null) return final ? `${code}\r\n` : `${code}-\r\n`;
    return `${code}${final ? ' ' : '-'}${text}\r\n`;
  });
  return Buffer.from(lines.join(''), 'utf8');
}

describe('ReplyReader properties', () => {
  it(
    'when arbitrary bytes arrive in any chunks then only ' +
      'replies or a protocol error come back, within the limits',
    () => {
      fc.assert(
        fc.property(anyStream, cutsArbitrary, limitsArbitrary, (stream, cuts, limits) => {
          expectWellFormed(readChunks(splitAt(stream, cuts), limits));
        }),
        { numRuns: RUNS },
      );
    },
  );

  it(
    'when SMTP-like bytes and floods arrive in any chunks then ' +
      'only replies or a protocol error come back, within the limits',
    () => {
      fc.assert(
        fc.property(smtpLikeStream, cutsArbitrary, limitsArbitrary, (stream, cuts, limits) => {
          expectWellFormed(readChunks(splitAt(stream, cuts), limits));
        }),
        { numRuns: RUNS },
      );
    },
  );

  it(
    'when valid replies arrive in any chunks, even one byte ' +
      'at a time, then each comes out whole and byte-exact',
    () => {
      fc.assert(
        fc.property(validReplies, cutsArbitrary, (generated, cuts) => {
          const stream = Buffer.concat(generated.map(encodeReply));
          const expected = generated.map(({ code, texts }) => ({
            code,
            texts: texts.map((text) => text ?? ''),
          }));

          for (const chunks of [splitAt(stream, cuts), oneByteAtATime(stream)]) {
            const { replies, error } = readChunks(chunks, DEFAULT_REPLY_LIMITS);
            const lines = replies.flatMap((reply) => reply.lines);

            expect(error).toBeUndefined();
            expect(
              replies.map((r) => ({ code: r.code, texts: r.lines.map((l) => l.text) })),
            ).toEqual(expected);
            expect(Buffer.concat(lines.map((line) => line.raw)).equals(stream)).toBe(true);
            for (const reply of replies) {
              const long = reply.lines.some((line) => line.raw.length > 512);
              const textless = reply.lines.every((line) => line.text.trim() === '');
              const expectedWarnings = [
                ...(long ? ['long-line'] : []),
                ...(textless ? ['code-only'] : []),
              ];
              expect(reply.warnings.map((w) => w.code)).toEqual(expectedWarnings);
            }
          }
        }),
        { numRuns: RUNS },
      );
    },
  );

  it(
    'when the same bytes arrive in one chunk or in ' +
      'many then the replies and the error are the same',
    () => {
      fc.assert(
        fc.property(
          fc.oneof(smtpLikeStream, anyStream),
          cutsArbitrary,
          limitsArbitrary,
          (stream, cuts, limits) => {
            const whole = readChunks([stream], limits);
            const split = readChunks(splitAt(stream, cuts), limits);
            expect(comparable(split)).toEqual(comparable(whole));
          },
        ),
        { numRuns: RUNS },
      );
    },
  );
});
