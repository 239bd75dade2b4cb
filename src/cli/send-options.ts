/**
 * The options of `smtp-probe send`: envelope, message, AUTH and ESMTP
 * choices. The request they make is built in send-request.ts, loaded only
 * when `send` runs.
 */
import { Option, type Command } from 'commander';

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

/**
 * Most a single --body, --data or --attach input may hold. Servers rarely
 * take more than 50 MB; the cap keeps a mistaken /dev/zero or an endless
 * pipe from filling the memory.
 */
export const MAX_INPUT_BYTES = 100 * 1024 * 1024;
