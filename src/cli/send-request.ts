/**
 * The request `smtp-probe send` makes of its options: envelope, message,
 * AUTH and ESMTP choices. Files and the secret are read here, before
 * connecting, so that a missing file is a usage error and a password
 * prompt never interrupts a session under way.
 */
import { createReadStream } from 'node:fs';
import { hostname } from 'node:os';
import { basename } from 'node:path';
import { UsageError } from '../errors.js';
import { composeMessage } from '../message/compose.js';
import { parseHeaderOption } from '../message/header.js';
import { normalisePrepared } from '../message/prepared.js';
import { newProbeId } from '../message/probe-id.js';
import { parseMailbox } from '../protocol/address.js';
import { parseAuthMechanism } from '../protocol/auth/index.js';
import type { AuthRequest, MailParameter, TransactionOptions } from '../session/options.js';
import { formatHostPort, type Target } from '../transport/target.js';
import { parseDuration } from './duration.js';
import { describeFileError } from './file-error.js';
import { readBounded } from './bounded-read.js';
import { readSecret } from './secret.js';
import {
  MAX_INPUT_BYTES,
  PASSWORD_VARIABLE,
  type InputSources,
  type RawSendOptions,
} from './send-options.js';

/** The transaction and AUTH parts of a send request; reads files and the secret. */
export async function toSendRequest(
  raw: RawSendOptions,
  target: Target,
  input: InputSources,
): Promise<{ transaction: TransactionOptions; auth: AuthRequest | undefined }> {
  const from = parseMailbox(raw.from, '--from', true);
  if (raw.to.length === 0) throw new UsageError('no recipient: give at least one --to');
  const to = raw.to.map((address) => parseMailbox(address, '--to'));
  checkMessageOptions(raw);

  const message = await buildMessage(
    raw,
    target,
    input,
    from.address,
    to.map((m) => m.address),
  );
  return {
    transaction: {
      from,
      to,
      message,
      raw: raw.raw === true,
      pipelining: raw.pipelining,
      chunking: raw.chunking === true,
      chunkSize: parseChunkSize(raw.chunkSize),
      mailParameters: parseParameters(raw.mailParam, '--mail-param'),
      rcptParameters: parseParameters(raw.rcptParam, '--rcpt-param'),
      dsn: { notify: parseNotify(raw.dsnNotify), ret: raw.dsnRet, envid: raw.dsnEnvid },
      requireTls: raw.requiretls === true,
      forceParameters: raw.forceParameters === true,
      dataTimeoutMs: parseDuration(raw.dataTimeout, '--data-timeout'),
    },
    auth: await authRequest(raw, input),
  };
}

function checkMessageOptions(raw: RawSendOptions): void {
  const composed = raw.subject !== undefined || raw.body !== undefined || raw.header.length > 0;
  if (raw.data !== undefined && (composed || raw.attach.length > 0)) {
    throw new UsageError(
      '--data sends a prepared message: it excludes --subject, --header, --body and --attach',
    );
  }
  if (raw.raw && raw.data === undefined) throw new UsageError('--raw goes with --data');
  if (raw.data === '-' && raw.body === '-')
    throw new UsageError('only one of --data and --body can read standard input');
}

async function buildMessage(
  raw: RawSendOptions,
  target: Target,
  input: InputSources,
  from: string,
  to: string[],
): Promise<Buffer> {
  if (raw.data !== undefined) {
    const bytes = await readInput(raw.data, input, '--data');
    return raw.raw ? bytes : normalisePrepared(bytes);
  }

  const date = new Date();
  const attachments = await Promise.all(
    raw.attach.map(async (path) => ({
      name: basename(path),
      content: await readInput(path, input, '--attach'),
    })),
  );
  return composeMessage({
    from,
    to,
    subject: raw.subject,
    headers: raw.header.map((text) => {
      const { name, value } = parseHeaderOption(text);
      return `${name}: ${value}`;
    }),
    body: raw.body === undefined ? undefined : await readBody(raw.body, input),
    attachments,
    probeId: newProbeId(date),
    hostname: hostname(),
    target: formatHostPort(target.host, target.port),
    date,
  });
}

function readBody(body: string, input: InputSources): Promise<Buffer> {
  if (body === '-') return readInput('-', input, '--body');
  if (body.startsWith('@')) return readInput(body.slice(1), input, '--body');
  return Promise.resolve(Buffer.from(body, 'utf8'));
}

async function readInput(path: string, input: InputSources, option: string): Promise<Buffer> {
  const what = path === '-' ? `${option} -` : `${option} ${path}`;
  try {
    const stream = path === '-' ? input.stdin() : createReadStream(path);
    const bytes = await readBounded(stream, MAX_INPUT_BYTES);
    if (!bytes) throw new UsageError(`${what}: more than ${MAX_INPUT_BYTES / 1024 / 1024} MiB`);
    return bytes;
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(`${what}: ${describeFileError(error)}`);
  }
}

async function authRequest(
  raw: RawSendOptions,
  input: InputSources,
): Promise<AuthRequest | undefined> {
  if (raw.auth === undefined && raw.authUser === undefined) return undefined;
  if (raw.authUser === undefined) throw new UsageError('--auth needs --auth-user');
  const named = raw.auth === undefined || raw.auth === true ? 'auto' : raw.auth.trim();
  const mechanism = named.toLowerCase() === 'auto' ? 'auto' : parseAuthMechanism(named);
  if (mechanism === undefined) {
    throw new UsageError(
      `unknown --auth mechanism "${named}": PLAIN, LOGIN, CRAM-MD5, XOAUTH2 or auto`,
    );
  }
  if (raw.authUser === '' || /[\0\x01]/.test(raw.authUser)) {
    throw new UsageError('--auth-user is empty, or contains NUL or \\x01');
  }
  // --dump connects nowhere, so it needs no password.
  if (raw.dump) return undefined;

  const secret = await readSecret({
    file: raw.authPasswordFile,
    env: input.env,
    envName: PASSWORD_VARIABLE,
    stdin: input.stdin(),
    stderr: input.stderr,
    prompt: `password for ${raw.authUser}: `,
  });
  if (/[\0\x01]/.test(secret)) throw new UsageError('the password or token contains NUL or \\x01');
  return {
    mechanism,
    user: raw.authUser,
    secret,
    allowInsecure: raw.authInsecure === true,
    revealSecrets: raw.showSecrets === true,
  };
}

// RFC 1869 §6: a keyword may appear only once on a command.
function parseParameters(texts: readonly string[], option: string): MailParameter[] {
  const parameters = texts.map((text) => parseParameter(text, option));
  const keywords = parameters.map((parameter) => parameter.keyword);
  const repeated = keywords.find((keyword, index) => keywords.indexOf(keyword) !== index);
  if (repeated) throw new UsageError(`${option} ${repeated} is given twice`);
  return parameters;
}

// RFC 5321 §4.1.2: esmtp-keyword and esmtp-value (no '=', no space, no controls).
function parseParameter(text: string, option: string): MailParameter {
  const match = /^([A-Za-z0-9][A-Za-z0-9-]*)(?:=([\x21-\x3c\x3e-\x7e]+))?$/.exec(text);
  if (!match) throw new UsageError(`invalid ${option} "${text}": expected KEY or KEY=VALUE`);
  return { keyword: match[1]!.toUpperCase(), value: match[2] };
}

function parseNotify(notify: string | undefined): string | undefined {
  if (notify === undefined) return undefined;
  const values = notify.toUpperCase().split(',');
  const valid = values.every((value) => ['SUCCESS', 'FAILURE', 'DELAY'].includes(value));
  if (notify.toUpperCase() === 'NEVER' || valid) return values.join(',');
  throw new UsageError(`invalid --dsn-notify "${notify}": NEVER, or SUCCESS, FAILURE, DELAY`);
}

function parseChunkSize(text: string): number {
  const size = /^\d+$/.test(text) ? Number(text) : NaN;
  if (!(size >= 1 && size <= 100 * 1024 * 1024)) {
    throw new UsageError(`invalid --chunk-size "${text}": a number of bytes up to 100 MiB`);
  }
  return size;
}
