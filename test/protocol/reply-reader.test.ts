import { describe, expect, it } from 'vitest';
import { ProtocolError } from '../../src/errors.js';
import { formatEnhancedStatusCode, replyText, type Reply } from '../../src/protocol/reply.js';
import { ReplyReader, type ReplyLimits } from '../../src/protocol/reply-reader.js';

const GREETING_MULTILINE =
  '220-mx.example.test ESMTP Exim 4.97\r\n' +
  '220-This system does not accept unsolicited bulk mail;\r\n' +
  '220 abuse is logged and reported.\r\n';

const EHLO_REPLY =
  '250-mx.example.test Hello probe.example.test\r\n250-SIZE ' +
  '52428800\r\n250-PIPELINING\r\n250 HELP\r\n';

/** Reads a whole byte string; a protocol fault is thrown, as the connection raises it. */
function readAll(text: string | Buffer, limits?: ReplyLimits): Reply[] {
  const result = new ReplyReader(limits).push(
    Buffer.isBuffer(text) ? text : Buffer.from(text, 'latin1'),
    0,
  );
  if (result.error) throw result.error;
  return result.replies;
}

/** Pushes one chunk and returns only its replies, failing the test on a fault. */
function push(reader: ReplyReader, bytes: Buffer, at: number): Reply[] {
  const { replies, error } = reader.push(bytes, at);
  expect(error).toBeUndefined();
  return replies;
}

function texts(reply: Reply): string[] {
  return reply.lines.map((line) => line.text);
}

describe('ReplyReader', () => {
  it('when a multi-line greeting arrives then it is one reply with every line', () => {
    const [reply, ...rest] = readAll(GREETING_MULTILINE);

    expect(rest).toEqual([]);
    expect(reply!.code).toBe(220);
    expect(texts(reply!)).toEqual([
      'mx.example.test ESMTP Exim 4.97',
      'This system does not accept unsolicited bulk mail;',
      'abuse is logged and reported.',
    ]);
    expect(Buffer.concat(reply!.lines.map((line) => line.raw)).toString()).toBe(GREETING_MULTILINE);
    expect(reply!.warnings).toEqual([]);
  });

  it('when the bytes are split at every possible point then the same replies come out', () => {
    const stream = Buffer.from(GREETING_MULTILINE + EHLO_REPLY);

    for (let first = 1; first < stream.length; first += 1) {
      for (const second of [first + 1, Math.floor((first + stream.length) / 2), stream.length]) {
        const reader = new ReplyReader();
        const replies = [
          ...push(reader, stream.subarray(0, first), 1),
          ...push(reader, stream.subarray(first, second), 2),
          ...push(reader, stream.subarray(second), 3),
        ];
        expect(replies.map((reply) => reply.code)).toEqual([220, 250]);
        expect(replies[1]!.lines).toHaveLength(4);
        expect(reader.hasPartialReply).toBe(false);
      }
    }
  });

  it(
    'when the reply arrives one byte at a time ' + 'then its first byte and final line are timed',
    () => {
      const reader = new ReplyReader();
      const bytes = Buffer.from('250-a\r\n250 b\r\n');
      const replies = [...bytes].flatMap((byte, index) =>
        push(reader, Buffer.from([byte]), index * 10),
      );

      expect(replies).toHaveLength(1);
      expect(replies[0]!.firstByteAt).toBe(0);
      expect(replies[0]!.completedAt).toBe((bytes.length - 1) * 10);
    },
  );

  it('when replies are code only, with or without a space, then each is final', () => {
    const replies = readAll('250-mx.example.test\r\n250\r\n354\r\n250 \r\n');

    expect(replies.map((reply) => reply.code)).toEqual([250, 354, 250]);
    expect(texts(replies[1]!)).toEqual(['']);
    // Code-only replies are allowed (RFC 5321 §4.2) and noted; text elsewhere is not.
    expect(replies.map((reply) => reply.warnings.map((w) => w.code))).toEqual([
      [],
      ['code-only'],
      ['code-only'],
    ]);
  });

  it('when lines end in bare LF then the reply is read and flagged', () => {
    const [greeting, ehlo] = readAll(
      '220 post.example.test ESMTP\n250-post.example.test\r\n\n250 AUTH LOGIN\r\n\n',
    );

    expect(greeting!.code).toBe(220);
    expect(greeting!.warnings.map((w) => w.code)).toEqual(['bare-lf']);
    expect(texts(ehlo!)).toEqual(['post.example.test', 'AUTH LOGIN']);
    expect(ehlo!.warnings.map((w) => w.code)).toEqual(['bare-lf', 'empty-line']);
  });

  it(
    'when continuation lines carry another code ' + 'then the final code decides, with a warning',
    () => {
      const [reply] = readAll(
        '220-mx.example.test ESMTP\r\n521 5.7.1 Service ' +
          'unavailable; client [192.0.2.10] blocked\r\n',
      );

      expect(reply!.code).toBe(521);
      expect(formatEnhancedStatusCode(reply!.enhancedStatus!)).toBe('5.7.1');
      expect(reply!.warnings[0]!.message).toBe('reply lines carry different codes (220, 521)');
    },
  );

  it('when a reply carries an enhanced status code then it is recognised', () => {
    const [reply] = readAll(
      '550-5.7.26 Unauthenticated email is not accepted\r\n550 5.7.26 see the guidelines\r\n',
    );

    expect(reply!.enhancedStatus).toEqual({ class: 5, subject: 7, detail: 26 });
    expect(replyText(reply!)).toBe(
      '5.7.26 Unauthenticated email is not accepted see the guidelines',
    );
  });

  it('when only a middle line carries the enhanced code then it is the reply’s', () => {
    const [reply] = readAll('550-mx.example.test\r\n550-5.7.1 refused\r\n550 see the policy\r\n');

    expect(reply!.enhancedStatus).toEqual({ class: 5, subject: 7, detail: 1 });
  });

  it('when the text only looks like an enhanced code then none is recognised', () => {
    expect(readAll('250 2.0.0.1 ok\r\n')[0]!.enhancedStatus).toBeUndefined();
    expect(readAll('250 3.1.1 ok\r\n')[0]!.enhancedStatus).toBeUndefined();
    expect(readAll('250 1234.5.6\r\n')[0]!.enhancedStatus).toBeUndefined();
  });

  it('when a line is not a reply then reading stops with a protocol error', () => {
    expect(() => readAll('HTTP/1.1 400 Bad Request\r\n')).toThrow(ProtocolError);
    expect(() => readAll('220mx.example.test\r\n')).toThrow('not an SMTP reply');
    expect(() => readAll('120 wait\r\n')).toThrow(ProtocolError);
    expect(() => readAll('22\r\n')).toThrow(ProtocolError);
  });

  it('when a line grows past the limit without ending then reading stops early', () => {
    const reader = new ReplyReader({
      maxLineBytes: 100,
      maxLinesPerReply: 10,
      maxReplyBytes: 1000,
    });
    push(reader, Buffer.from('250-'), 0);

    expect(reader.push(Buffer.alloc(200, 'A'), 1).error?.message).toBe(
      'reply line longer than 100 bytes, reading aborted',
    );
  });

  it('when continuation lines never end then the line and byte caps stop reading', () => {
    const limits = { maxLineBytes: 100, maxLinesPerReply: 5, maxReplyBytes: 1000 };
    expect(() => readAll('220-x\r\n'.repeat(6), limits)).toThrow('reply exceeded limits (6 lines');

    const bytes = { maxLineBytes: 100, maxLinesPerReply: 500, maxReplyBytes: 300 };
    expect(() => readAll(`220-${'x'.repeat(60)}\r\n`.repeat(10), bytes)).toThrow(
      /\d+ bytes; at most 500 lines and 300 bytes/,
    );
  });

  it('when the limit error is thrown then what arrived is kept, bounded', () => {
    const limits = { maxLineBytes: 100, maxLinesPerReply: 3, maxReplyBytes: 1000 };
    try {
      readAll('220-one\r\n220-two\r\n220-three\r\n220-four\r\n', limits);
      expect.unreachable();
    } catch (error) {
      const received = (error as ProtocolError).received.map((raw) => raw.toString());
      expect(received).toEqual(['220-one\r\n', '220-two\r\n', '220-three\r\n', '220-four\r\n']);
    }
  });

  it(
    'when a line is longer than RFC 5321 allows ' +
      'but within the cap then it is read and flagged',
    () => {
      const [reply] = readAll(`250 ${'x'.repeat(600)}\r\n`);
      expect(reply!.warnings.map((w) => w.code)).toEqual(['long-line']);
    },
  );

  it('when the text is not UTF-8 then it is kept byte for byte and flagged', () => {
    const raw = Buffer.concat([Buffer.from('220 caf'), Buffer.from([0xe9]), Buffer.from('\r\n')]);
    const [reply] = readAll(raw);

    expect(reply!.lines[0]!.raw).toEqual(raw);
    expect(reply!.warnings.map((w) => w.code)).toEqual(['not-utf8']);
  });

  it('when the server closes after an unterminated final line then the reply still counts', () => {
    const reader = new ReplyReader();
    expect(push(reader, Buffer.from('250-PIPELINING\r\n250 SIZE 10485760'), 0)).toEqual([]);
    expect(reader.pendingLines().map(String)).toEqual(['250-PIPELINING\r\n', '250 SIZE 10485760']);

    const [reply] = reader.finish(5).replies;
    expect(reply!.code).toBe(250);
    expect(texts(reply!)).toEqual(['PIPELINING', 'SIZE 10485760']);
    expect(reply!.warnings.map((w) => w.code)).toEqual(['unterminated-line']);
  });

  it('when the server closes mid-line on a continuation then nothing is made up', () => {
    const reader = new ReplyReader();
    push(reader, Buffer.from('250-PIPELI'), 0);
    expect(reader.finish(1)).toEqual({ replies: [], error: undefined });
    expect(reader.hasPartialReply).toBe(true);
  });

  it('when empty lines come between replies then they are skipped, not taken for a reply', () => {
    const replies = readAll('220 mx.example.test ESMTP\r\n\r\n250 OK\r\n');
    expect(replies.map((reply) => reply.code)).toEqual([220, 250]);
    expect(replies[1]!.warnings.map((w) => w.code)).toEqual(['empty-line']);
    expect(readAll('220 a\r\n\r\n\n\r\n250 b\r\n')[1]!.warnings[0]!.message).toBe(
      'server sent 3 empty lines; ignored',
    );
  });

  it(
    'when junk follows a complete reply in the ' + 'same read then the reply is still delivered',
    () => {
      const result = new ReplyReader().push(
        Buffer.from('220 mx.example.test ESMTP ready\r\nJUNK\r\n'),
        0,
      );

      expect(result.replies.map((reply) => reply.code)).toEqual([220]);
      expect(result.error?.message).toBe('server sent a line that is not an SMTP reply');
      expect(result.error?.received.map(String)).toEqual(['JUNK\r\n']);
    },
  );

  it('when the server sends nothing but empty lines then the flood is capped too', () => {
    const limits = { maxLineBytes: 100, maxLinesPerReply: 5, maxReplyBytes: 1000 };
    expect(() => readAll('\r\n'.repeat(5), limits)).not.toThrow();
    expect(() => readAll('\r\n'.repeat(6), limits)).toThrow('more than 5 empty lines in a row');
    expect(() => readAll('\r\n\r\n\r\n220 ok\r\n\r\n\r\n\r\n', limits)).not.toThrow();
  });

  it('when the text is not UTF-8 then its text keeps one character per byte', () => {
    const [reply] = readAll(Buffer.from([0x35, 0x35, 0x30, 0x20, 0xff, 0xfe, 0x0d, 0x0a]));
    expect(reply!.lines[0]!.text).toBe('\u00ff\u00fe');
  });

  it(
    'when the last unterminated line breaks a cap at ' +
      'the end then the fault is returned, not thrown',
    () => {
      const reader = new ReplyReader({
        maxLineBytes: 100,
        maxLinesPerReply: 3,
        maxReplyBytes: 1000,
      });
      push(reader, Buffer.from('220-a\r\n220-b\r\n220-c\r\n220 last'), 0);

      const { replies, error } = reader.finish(1);
      expect(replies).toEqual([]);
      expect(error?.message).toMatch(/^reply exceeded limits \(4 lines/);
    },
  );
});
