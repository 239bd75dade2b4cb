/**
 * Expectations: what the user asserts a stage's reply will be
 * (`--expect rcpt=550`, `--expect greeting=/Postfix/`). They turn a probe
 * into a test: a refusal that was expected is a pass, an acceptance that
 * was not is a failure with its own exit status.
 */
import { ExpectationError, ReplyError, UsageError, type ProbeError } from '../errors.js';
import { formatEnhancedStatusCode, formatReply, type Reply } from '../protocol/reply.js';
import { stripLineEnding } from '../protocol/reply-reader.js';
import type { SessionLog } from './log.js';
import { describeStage, type Stage } from './stage.js';

/** What a reply must be: an exact code, a class, an enhanced status code or a pattern. */
export type ReplyMatcher =
  | { readonly kind: 'code'; readonly code: number }
  | { readonly kind: 'class'; readonly digit: number }
  | { readonly kind: 'enhanced'; readonly status: string }
  | { readonly kind: 'pattern'; readonly pattern: RegExp };

/** One `--expect STAGE=WHAT`, parsed. */
export interface Expectation {
  readonly stage: Stage;
  readonly matcher: ReplyMatcher;
  /** As the user wrote it, for messages: `rcpt=550`, or a scenario's `file:line: expect 550`. */
  readonly source: string;
  /** An expect line of a scenario rather than an --expect option. */
  readonly inScenario?: boolean;
  /** `ehlo_tls`: the EHLO said again after STARTTLS, rather than the first one. */
  readonly overTls?: boolean;
}

/** How an expectation fared. */
export interface ExpectationOutcome {
  readonly expectation: Expectation;
  readonly status: 'met' | 'failed' | 'not-reached';
  /** The reply that decided, as `code text`; undefined when none came. */
  readonly got: string | undefined;
  /** Not reached because the command went unanswered, rather than unsent. */
  readonly unanswered?: boolean;
}

/** The stages whose replies can be expected, with the other names people use for them. */
const STAGE_NAMES: Record<string, Stage> = {
  greeting: 'greeting',
  banner: 'greeting',
  ehlo: 'ehlo',
  helo: 'ehlo',
  ehlo_tls: 'ehlo',
  'ehlo-tls': 'ehlo',
  starttls: 'starttls',
  auth: 'auth',
  mail: 'mail',
  rcpt: 'rcpt',
  data: 'data',
  message: 'message',
  quit: 'quit',
};

export const EXPECTABLE_STAGES = Object.keys(STAGE_NAMES);

/** Parses `STAGE=CODE|CLASS|ENHANCED|/regex/flags`; a usage error says what is wrong. */
export function parseExpectation(source: string): Expectation {
  const equals = source.indexOf('=');
  const name = (equals < 0 ? source : source.slice(0, equals)).trim().toLowerCase();
  const what = equals < 0 ? '' : source.slice(equals + 1).trim();
  const form = 'expected STAGE=CODE, STAGE=5xx, STAGE=5.1.1 or STAGE=/regex/';

  if (equals < 0 || what === '') throw new UsageError(`invalid --expect "${source}": ${form}`);
  const stage = STAGE_NAMES[name];
  if (stage === undefined) {
    const names = 'greeting, ehlo, ehlo_tls, starttls, auth, mail, rcpt, data, message, quit';
    throw new UsageError(`invalid --expect "${source}": no stage "${name}" (stages: ${names})`);
  }
  const overTls = name === 'ehlo_tls' || name === 'ehlo-tls';
  const matcher = parseMatcher(what, source, form);
  return { stage, matcher, source: `${name}=${what}`, ...(overTls ? { overTls } : {}) };
}

function parseMatcher(what: string, source: string, form: string): ReplyMatcher {
  let matcher: ReplyMatcher | undefined;
  try {
    matcher = parseReplyMatcher(what);
  } catch (error) {
    const problem = error instanceof Error ? error.message : String(error);
    throw new UsageError(`invalid --expect "${source}": ${problem}`);
  }
  if (!matcher) throw new UsageError(`invalid --expect "${source}": ${form}`);
  return matcher;
}

/**
 * Parses one matcher: `250`, `5xx`, `5.1.1` or `/regex/flags`. Undefined
 * when the text is none of these; a SyntaxError for a broken pattern.
 */
export function parseReplyMatcher(what: string): ReplyMatcher | undefined {
  if (/^[2-5]\d\d$/.test(what)) return { kind: 'code', code: Number(what) };
  if (/^[2-5]xx$/i.test(what)) return { kind: 'class', digit: Number(what[0]) };
  if (/^[245]\.\d{1,3}\.\d{1,3}$/.test(what)) return { kind: 'enhanced', status: what };

  const pattern = /^\/(.*)\/([imsu]*)$/s.exec(what);
  return pattern ? { kind: 'pattern', pattern: new RegExp(pattern[1]!, pattern[2]) } : undefined;
}

/** True when the reply is what the matcher asks for. */
export function matchesReply(matcher: ReplyMatcher, reply: Reply): boolean {
  switch (matcher.kind) {
    case 'code':
      return reply.code === matcher.code;
    case 'class':
      return Math.floor(reply.code / 100) === matcher.digit;
    case 'enhanced':
      return (
        reply.enhancedStatus !== undefined &&
        formatEnhancedStatusCode(reply.enhancedStatus) === matcher.status
      );
    case 'pattern':
      // Whole lines, code included, so that /^250-PIPELINING$/m can be asked for.
      return matcher.pattern.test(reply.lines.map((line) => lineText(line.raw)).join('\n'));
  }
}

function lineText(raw: Buffer): string {
  return stripLineEnding(raw).toString('utf8');
}

/**
 * Judges each expectation against the replies of its stage. Every reply of
 * the stage must match (each RCPT TO, an EHLO and the HELO after it); in
 * AUTH only the last counts, the 334 challenges before it being the
 * dialogue. `ehlo` is the EHLO before STARTTLS and `ehlo_tls` the one
 * after: RFC 3207 has the second leave STARTTLS out, so one assertion
 * cannot hold for both.
 */
export function judgeExpectations(
  expectations: readonly Expectation[],
  log: SessionLog,
): ExpectationOutcome[] {
  return expectations.map((expectation) => {
    const all = repliesFor(expectation, log);
    const replies = expectation.stage === 'auth' ? all.slice(-1) : all;
    if (replies.length === 0) {
      // Sent but never answered (a server that closes on QUIT) is not "never sent".
      const unanswered = log.exchanges.some(
        (exchange) => exchange.stage === expectation.stage && !exchange.reply,
      );
      return { expectation, status: 'not-reached', got: undefined, unanswered };
    }

    const wrong = replies.find((reply) => !matchesReply(expectation.matcher, reply));
    const decisive = wrong ?? replies.at(-1)!;
    return { expectation, status: wrong ? 'failed' : 'met', got: formatReply(decisive) };
  });
}

/**
 * What ends the run, expectations considered. A refusal at a stage whose
 * expectation was met is what the user asked for; an expectation not met
 * is a failure of its own (exit 10). A failure elsewhere — a timeout, a
 * refusal at another stage — keeps its own exit status: it is why a later
 * stage was never reached.
 */
export function decideFailure(
  error: ProbeError | undefined,
  outcomes: readonly ExpectationOutcome[],
): ProbeError | undefined {
  const atStage = (stage: Stage | undefined) =>
    outcomes.filter((outcome) => outcome.expectation.stage === stage);

  const refusal = error instanceof ReplyError ? atStage(error.stage) : [];
  const excused = refusal.length > 0 && refusal.every((outcome) => outcome.status === 'met');
  if (error && !excused && refusal.length === 0) return error;

  const unmet = outcomes.filter((outcome) => outcome.status !== 'met');
  if (unmet.length === 0) return excused ? undefined : error;
  return new ExpectationError(unmet.map(describeOutcome), unmet[0]!.expectation.stage);
}

/** One sentence on an expectation: met, not met and why, or never reached. */
export function describeOutcome(outcome: ExpectationOutcome): string {
  const { expectation, status, got } = outcome;
  const expected = expectation.inScenario ? expectation.source : `--expect ${expectation.source}`;
  const stage = `${describeStage(expectation.stage)}${expectation.overTls ? ' over TLS' : ''}`;
  if (status === 'met') return `${expected}: met (${got})`;
  if (status === 'failed') return `${expected}: not met, ${stage} was answered ${got}`;
  if (outcome.unanswered) return `${expected}: not met, ${stage} was sent but never answered`;
  const never = expectation.stage === 'greeting' ? 'received' : 'sent';
  return `${expected}: not met, ${stage} was never ${never}`;
}

function repliesFor(expectation: Expectation, log: SessionLog): Reply[] {
  if (expectation.stage !== 'ehlo') return log.repliesTo(expectation.stage);

  const ehlos = log.exchanges.filter((e) => e.stage === 'ehlo' && !e.unsolicited && e.reply);
  const firstSecure = ehlos[0]?.secure ?? false;
  const side = ehlos.filter((exchange) =>
    expectation.overTls ? exchange.secure && !firstSecure : exchange.secure === firstSecure,
  );
  return side.map((exchange) => exchange.reply!);
}
