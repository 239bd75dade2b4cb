/**
 * One line of a scenario, read into a step. Each function gets the text
 * after the step's name, variables already expanded, and throws a
 * ScenarioSyntaxError saying what was expected; the parser adds the line.
 */
import { parseAuthMechanism } from '../protocol/auth/index.js';
import { parseReplyMatcher, type ReplyMatcher } from '../session/expectations.js';
import { stageOfVerb } from '../session/stage.js';
import { parseDuration } from '../cli/duration.js';
import type { AuthStep, ExpectClause, SendStep, StepSource } from './script.js';

/** A line that is not what its step needs; the message says what was expected. */
export class ScenarioSyntaxError extends Error {}

const MATCHER_FORMS = 'a reply code (250), a class (2xx), an enhanced status code (5.1.1), /regex/';

// `within` comes last; its duration holds no slash, so a pattern ending in
// "within 5s/" stays a pattern.
const WITHIN = /(?:^|\s+)within\s+([^\s/]+)$/;

/** `expect 250 /text/ within 5s`: every matcher must hold. */
export function parseExpect(argument: string, source: StepSource, soft: boolean): ExpectClause {
  const within = WITHIN.exec(argument);
  const body = within ? argument.slice(0, within.index).trim() : argument;
  const withinMs = within ? duration(within[1]!, 'within') : undefined;

  const slash = body.indexOf('/');
  const words = (slash === -1 ? body : body.slice(0, slash)).split(/\s+/).filter(Boolean);
  const pattern = slash === -1 ? [] : [body.slice(slash).trim()];
  const matchers = [...words, ...pattern].map(parseMatcher);
  if (matchers.length === 0) throw new ScenarioSyntaxError(`expect needs ${MATCHER_FORMS}`);
  return { ...source, matchers, soft, withinMs };
}

function parseMatcher(word: string): ReplyMatcher {
  let matcher: ReplyMatcher | undefined;
  try {
    matcher = parseReplyMatcher(word);
  } catch (error) {
    throw new ScenarioSyntaxError(`invalid pattern ${word}: ${(error as Error).message}`);
  }
  if (matcher) return matcher;
  const hint = word.startsWith('/') ? ' (a pattern ends with / and optional flags imsu)' : '';
  throw new ScenarioSyntaxError(`expected ${MATCHER_FORMS}, not "${word}"${hint}`);
}

/** `send LINE`: the line goes out as written, with CRLF. */
export function parseSend(argument: string, source: StepSource): SendStep {
  if (argument === '') throw new ScenarioSyntaxError('send needs a command, e.g. send NOOP');
  // A CR or LF would end the command early and smuggle in another.
  if (/[\r\n\0]/.test(argument)) {
    throw new ScenarioSyntaxError('the command holds CR, LF or NUL (from a variable?)');
  }
  const verb = argument.split(/\s/, 1)[0]!.toUpperCase();
  const stage = stageOfVerb(verb);
  return {
    ...source,
    kind: 'send',
    stage,
    command: { verb, wire: argument, display: argument },
    expects: [],
  };
}

const PASSWORD_ENV = /^password-env=([A-Za-z_][A-Za-z0-9_]*)$/;

/** `auth MECHANISM USER [password-env=NAME]`; the secret is read before connecting. */
export function parseAuth(argument: string, source: StepSource, env: NodeJS.ProcessEnv): AuthStep {
  const words = argument.split(/\s+/).filter(Boolean);
  const form = 'auth MECHANISM USER [password-env=NAME]';
  if (words.length < 2 || words.length > 3) throw new ScenarioSyntaxError(`expected ${form}`);

  const [named, user, third] = words as [string, string, string | undefined];
  const mechanism = named.toLowerCase() === 'auto' ? 'auto' : parseAuthMechanism(named);
  if (mechanism === undefined) {
    const known = 'PLAIN, LOGIN, CRAM-MD5, XOAUTH2 or auto';
    throw new ScenarioSyntaxError(`unknown AUTH mechanism "${named}": ${known}`);
  }
  if (/[\0\x01]/.test(user)) throw new ScenarioSyntaxError('the user name holds NUL or \\x01');

  const variable = third === undefined ? undefined : PASSWORD_ENV.exec(third)?.[1];
  if (third !== undefined && variable === undefined) {
    throw new ScenarioSyntaxError(`expected ${form}, not "${third}"`);
  }
  return {
    ...source,
    kind: 'auth',
    mechanism,
    user,
    secretVariable: variable,
    secret: secretFrom(variable, env),
    expects: [],
  };
}

// An empty variable counts as unset, as for SMTP_PROBE_AUTH_PASSWORD.
function secretFrom(variable: string | undefined, env: NodeJS.ProcessEnv): string | undefined {
  if (variable === undefined) return undefined;
  const secret = env[variable];
  if (secret === undefined || secret === '') {
    throw new ScenarioSyntaxError(`password-env=${variable}: the variable is not set or empty`);
  }
  if (/[\0\x01]/.test(secret)) throw new ScenarioSyntaxError(`${variable} holds NUL or \\x01`);
  return secret;
}

/** `wait 2s`: a pause, in the duration forms of --timeout. */
export function parseWait(argument: string): number {
  return duration(argument, 'wait');
}

function duration(text: string, what: string): number {
  try {
    return parseDuration(text, what);
  } catch (error) {
    throw new ScenarioSyntaxError((error as Error).message);
  }
}

/** Refuses anything after a step that takes no arguments. */
export function noArgument(keyword: string, argument: string): void {
  if (argument !== '') throw new ScenarioSyntaxError(`${keyword} takes nothing after it`);
}
