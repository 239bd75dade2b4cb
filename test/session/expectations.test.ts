import { describe, expect, it } from 'vitest';
import { ConnectError, ReplyError, UsageError } from '../../src/errors.js';
import { ReplyReader } from '../../src/protocol/reply-reader.js';
import {
  decideFailure,
  judgeExpectations,
  matchesReply,
  parseExpectation,
  type ExpectationOutcome,
} from '../../src/session/expectations.js';
import { SessionLog } from '../../src/session/log.js';
import { buildCommand } from '../../src/protocol/command.js';
import type { Reply } from '../../src/protocol/reply.js';

function reply(text: string): Reply {
  return new ReplyReader().push(Buffer.from(text, 'latin1'), 0).replies[0]!;
}

describe('parseExpectation', () => {
  it.each([
    ['rcpt=550', { kind: 'code', code: 550 }],
    ['RCPT=5xx', { kind: 'class', digit: 5 }],
    ['mail=5.7.1', { kind: 'enhanced', status: '5.7.1' }],
    ['helo=250', { kind: 'code', code: 250 }],
  ])('when given %s then the matcher is parsed', (source, matcher) => {
    expect(parseExpectation(source).matcher).toEqual(matcher);
  });

  it('when given a pattern with flags then it becomes a regular expression', () => {
    const { stage, matcher } = parseExpectation('banner=/postfix/i');

    expect(stage).toBe('greeting');
    expect(matcher.kind === 'pattern' && matcher.pattern.flags).toBe('i');
  });

  it.each([
    ['rcpt', 'expected STAGE=CODE'],
    ['rcpt=', 'expected STAGE=CODE'],
    ['connect=220', 'no stage "connect"'],
    ['rcpt=600', 'expected STAGE=CODE'],
    ['rcpt=55', 'expected STAGE=CODE'],
    ['rcpt=6xx', 'expected STAGE=CODE'],
    ['rcpt=/(/', 'Invalid regular expression'],
    ['rcpt=/x/g', 'expected STAGE=CODE'],
  ])('when given %s then it is a usage error saying %s', (source, said) => {
    expect(() => parseExpectation(source)).toThrow(UsageError);
    expect(() => parseExpectation(source)).toThrow(said);
  });
});

describe('matchesReply', () => {
  const refused = reply('550-5.1.1 <x@y.test>: Recipient\r\n550 5.1.1 address rejected\r\n');

  it('when the pattern spans lines then it sees them whole, code included', () => {
    expect(matchesReply(parseExpectation('rcpt=/^550 5\\.1\\.1 address/m').matcher, refused)).toBe(
      true,
    );
    expect(matchesReply(parseExpectation('rcpt=/Recipient\\n550/').matcher, refused)).toBe(true);
  });

  it('when the enhanced code differs then it does not match', () => {
    expect(matchesReply(parseExpectation('rcpt=5.1.1').matcher, refused)).toBe(true);
    expect(matchesReply(parseExpectation('rcpt=5.1.10').matcher, refused)).toBe(false);
    expect(matchesReply(parseExpectation('rcpt=5.7.1').matcher, refused)).toBe(false);
  });

  it('when the class or code differs then it does not match', () => {
    expect(matchesReply(parseExpectation('rcpt=5xx').matcher, refused)).toBe(true);
    expect(matchesReply(parseExpectation('rcpt=4xx').matcher, refused)).toBe(false);
    expect(matchesReply(parseExpectation('rcpt=551').matcher, refused)).toBe(false);
  });
});

function logOf(...exchanges: [string, string, string][]): SessionLog {
  const log = new SessionLog(0);
  for (const [stage, command, text] of exchanges) {
    log.add({
      type: 'command',
      stage: stage as never,
      command: buildCommand(command),
      secure: false,
    });
    log.add({
      type: 'reply',
      stage: stage as never,
      reply: reply(text),
      latencyMs: 1,
      secure: false,
      unsolicited: false,
    });
  }
  return log;
}

describe('judgeExpectations', () => {
  it('when one of two RCPT replies differs then the expectation fails on it', () => {
    const log = logOf(['rcpt', 'RCPT', '550 5.1.1 no\r\n'], ['rcpt', 'RCPT', '250 2.1.5 ok\r\n']);
    const [outcome] = judgeExpectations([parseExpectation('rcpt=550')], log);

    expect(outcome).toMatchObject({ status: 'failed', got: '250 2.1.5 ok' });
  });

  it('when AUTH had challenges then only its last reply counts', () => {
    const log = logOf(
      ['auth', 'AUTH LOGIN', '334 VXNlcm5hbWU6\r\n'],
      ['auth', 'x', '235 2.7.0 ok\r\n'],
    );
    const [outcome] = judgeExpectations([parseExpectation('auth=235')], log);

    expect(outcome!.status).toBe('met');
  });

  it('when the stage never ran then it is not reached', () => {
    const [outcome] = judgeExpectations([parseExpectation('starttls=220')], logOf());

    expect(outcome).toMatchObject({ status: 'not-reached', got: undefined });
  });
});

describe('decideFailure', () => {
  const refusal = new ReplyError('rcpt', reply('550 5.1.1 unknown\r\n'), 'RCPT TO:<x@y.test>');
  const outcome = (source: string, status: ExpectationOutcome['status']): ExpectationOutcome => ({
    expectation: parseExpectation(source),
    status,
    got: status === 'not-reached' ? undefined : '550 5.1.1 unknown',
  });

  it('when the refusal was expected then the run passes', () => {
    expect(decideFailure(refusal, [outcome('rcpt=550', 'met')])).toBeUndefined();
  });

  it('when the refusal was expected but another expectation failed then exit 10', () => {
    const failure = decideFailure(refusal, [
      outcome('rcpt=550', 'met'),
      outcome('message=250', 'not-reached'),
    ]);

    expect(failure?.exitCode).toBe(10);
    expect(failure?.message).toBe('--expect message=250: not met, the message was never sent');
  });

  it('when the stage was refused otherwise than expected then exit 10', () => {
    const failure = decideFailure(refusal, [outcome('rcpt=4xx', 'failed')]);

    expect(failure?.exitCode).toBe(10);
    expect(failure?.message).toBe(
      '--expect rcpt=4xx: not met, RCPT TO was answered 550 5.1.1 unknown',
    );
  });

  it('when the run failed elsewhere then that failure keeps its exit status', () => {
    const refused = new ConnectError('connection refused', {});

    expect(decideFailure(refused, [outcome('rcpt=550', 'not-reached')])).toBe(refused);
    expect(decideFailure(refusal, [outcome('greeting=220', 'met')])).toBe(refusal);
  });

  it('when nothing failed and every expectation was met then the run passes', () => {
    expect(decideFailure(undefined, [outcome('rcpt=550', 'met')])).toBeUndefined();
    expect(decideFailure(undefined, [])).toBeUndefined();
  });
});
