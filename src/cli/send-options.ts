/**
 * The options of `smtp-probe send`, and the request they make: envelope,
 * message, AUTH and ESMTP choices. Files and the secret are read here,
 * before connecting, so that a missing file is a usage error and a
 * password prompt never interrupts a session under way.
 */
import { Option, type Command } from 'commander';
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
import { readSecret } from './secret.js';

/** The send options as commander hands them over. */
export interface RawSendOptions {
  from: string;
  to: string[];
  auth?: string | true;
  authUser?: string;
  authPasswordFile?: string;
  authInsecure?: boolean;
  showSecrets?: boolean;
  quitAfter?: 'connect' | 'greeting' | 'ehlo' | 'tls' | 'auth' | 'mail' | 'rcpt' | 'data';
  subject?: string;
  header: string[];
  body?: string;
  attach: string[];
  data?: string;
  raw?: boolean;
  dump?: boolean;
  pipelining: boolean;
  chunking?: boolean;
  chunkSize: string;
  dsnNotify?: string;
  dsnRet?: 'FULL' | 'HDRS';
  dsnEnvid?: string;
  requiretls?: boolean;
  mailParam: string[];
  rcptParam: string[];
  forceParameters?: boolean;
  dataTimeout: string;
}

/** Where the CLI reads what the user pipes in or types. */
export interface InputSources {
  readonly stdin: () => NodeJS.ReadableStream & { isTTY?: boolean };
  readonly stderr: NodeJS.WritableStream;
  readonly env: NodeJS.ProcessEnv;
}

/** The environment variable that can hold the AUTH password or token. */
export const PASSWORD_VARIABLE = 'SMTP_PROBE_AUTH_PASSWORD';

const collect = (value: string, list: string[]): string[] => [...list, value];

/** Adds the send options to a command. */
export function addSendOptions(command: Command): Command {
  return command
    .requiredOption('--from <address>', 'envelope sender (MAIL FROM); <> for the null sender')
    .option('--to <address>', 'recipient (RCPT TO); repeat for more', collect, [])
    .option('--auth [mechanism]', 'AUTH with PLAIN, LOGIN, CRAM-MD5, XOAUTH2 or auto')
    .option('--auth-user <name>', 'user name for AUTH (implies --auth auto)')
    .option('--auth-password-file <file>', `file whose first line is the password or token`)
    .option(
      '--auth-insecure',
      'allow AUTH without TLS or over untrusted TLS (readable on the path)',
    )
    .option('--show-secrets', 'show credentials in the transcript instead of hiding them')
    .addOption(
      new Option('--quit-after <stage>', 'stop after this stage, without delivering').choices([
        'connect',
        'greeting',
        'ehlo',
        'tls',
        'auth',
        'mail',
        'rcpt',
        'data',
      ]),
    )
    .option('--subject <text>', 'subject of the generated message')
    .option('--header <"Name: value">', 'extra header; repeat for more', collect, [])
    .option('--body <text|@file|->', 'body text, a file (@file) or standard input (-)')
    .option('--attach <file>', 'attach a file (MIME, base64); repeat for more', collect, [])
    .option('--data <file|->', 'send a prepared RFC 5322 message instead of a generated one')
    .option('--raw', 'with --data: send the bytes untouched (bare LF and end-of-data tests)')
    .option('--dump', 'print the message that would be sent, and exit without connecting')
    .option('--no-pipelining', 'one command at a time, even when PIPELINING is offered')
    .option('--chunking', 'send the message with BDAT when CHUNKING is offered')
    .option('--chunk-size <bytes>', 'BDAT chunk size', '65536')
    .option('--dsn-notify <when>', 'DSN NOTIFY: NEVER, or SUCCESS,FAILURE,DELAY')
    .addOption(
      new Option('--dsn-ret <what>', 'DSN RET: FULL or HDRS')
        .choices(['FULL', 'HDRS'])
        .argParser((value) => value.toUpperCase()),
    )
    .option('--dsn-envid <id>', 'DSN ENVID: an id for delivery reports')
    .option('--requiretls', 'REQUIRETLS (RFC 8689): refuse to send unless the server offers it')
    .option('--mail-param <KEY[=VALUE]>', 'extra MAIL FROM parameter; repeatable', collect, [])
    .option('--rcpt-param <KEY[=VALUE]>', 'extra RCPT TO parameter; repeatable', collect, [])
    .option('--force-parameters', 'send parameters even where their extension is not offered')
    .option('--data-timeout <duration>', 'longest wait for the reply after the message', '2m');
}

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

/**
 * Most a single --body, --data or --attach input may hold. Servers rarely
 * take more than 50 MB; the cap keeps a mistaken /dev/zero or an endless
 * pipe from filling the memory.
 */
export const MAX_INPUT_BYTES = 100 * 1024 * 1024;

async function readInput(path: string, input: InputSources, option: string): Promise<Buffer> {
  const what = path === '-' ? `${option} -` : `${option} ${path}`;
  try {
    const stream = path === '-' ? input.stdin() : createReadStream(path);
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of stream) {
      size += (chunk as Buffer).length;
      if (size > MAX_INPUT_BYTES) {
        (stream as { destroy?: () => void }).destroy?.();
        throw new UsageError(`${what}: more than ${MAX_INPUT_BYTES / 1024 / 1024} MiB`);
      }
      chunks.push(Buffer.from(chunk as Buffer));
    }
    return Buffer.concat(chunks);
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
