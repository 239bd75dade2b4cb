/**
 * Where the AUTH password or token comes from. Never from the command line
 * alone: any user on the machine can read another's arguments with ps. In
 * order: a file, an environment variable, then a prompt on the terminal
 * that echoes nothing.
 */
import { describeFileError } from './file-error.js';
import { open, stat } from 'node:fs/promises';

/** A password or token file holds one line; more than this is not one. */
const MAX_SECRET_FILE = 16 * 1024;
import { StringDecoder } from 'node:string_decoder';
import { InterruptedError, UsageError } from '../errors.js';

/** The places a secret may come from, and where the prompt and warnings go. */
export interface SecretSources {
  /** The path given with --auth-password-file. */
  readonly file?: string;
  readonly env: NodeJS.ProcessEnv;
  /** The variable to read, SMTP_PROBE_AUTH_PASSWORD. */
  readonly envName: string;
  readonly stdin: NodeJS.ReadableStream & { isTTY?: boolean; setRawMode?: (on: boolean) => void };
  readonly stderr: NodeJS.WritableStream;
  /** What to ask with, such as `password for bob: `. */
  readonly prompt: string;
}

/**
 * Reads the AUTH secret from the first source given: the file, the
 * environment variable, or the terminal. The secret is returned and never
 * written to any stream; a warning about the file goes to stderr.
 */
export async function readSecret(sources: SecretSources): Promise<string> {
  if (sources.file !== undefined) return readSecretFile(sources.file, sources.stderr);

  // An empty variable counts as unset: `VAR= smtp-probe …` should not
  // authenticate with an empty password.
  const fromEnv = sources.env[sources.envName];
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv;

  if (sources.stdin.isTTY === true && sources.stdin.setRawMode) return promptSecret(sources);

  throw new UsageError(
    'no password given for AUTH, and no terminal to ask on',
    `give it with --auth-password-file FILE or ${sources.envName}, or run on a terminal`,
  );
}

/**
 * Reads the first line of the secret file, without its CRLF or LF. A file
 * that group or others can read still works, since refusing would only
 * stop the probe, but draws a warning on stderr.
 */
async function readSecretFile(path: string, stderr: NodeJS.WritableStream): Promise<string> {
  const { text, mode } = await readWithMode(path);

  // Mode bits mean nothing on Windows, where every file reports 0o666.
  if ((mode & 0o044) !== 0 && process.platform !== 'win32') {
    const octal = (mode & 0o777).toString(8);
    stderr.write(
      `smtp-probe: warning: ${path} is readable by group or others (mode ${octal}); chmod 600 it\n`,
    );
  }

  // Editors on Windows may start the file with a byte order mark.
  const secret = (text.replace(/^\uFEFF/, '').split('\n')[0] ?? '').replace(/\r$/, '');
  if (secret === '') throw new UsageError(`the first line of ${path} is empty`);
  return secret;
}

/** Reads a file and its mode through one handle, so both describe the same file. */
async function readWithMode(path: string): Promise<{ text: string; mode: number }> {
  try {
    // A FIFO would block open() until a writer came, and a device could
    // feed it for ever: only a regular file, and only its first bytes, count.
    const info = await stat(path);
    if (!info.isFile()) throw Object.assign(new Error('not a regular file'), { code: 'ENOTFILE' });
    const handle = await open(path, 'r');
    try {
      const { mode } = await handle.stat();
      const { buffer, bytesRead } = await handle.read(
        Buffer.alloc(MAX_SECRET_FILE),
        0,
        MAX_SECRET_FILE,
        0,
      );
      return { text: buffer.subarray(0, bytesRead).toString('utf8'), mode };
    } finally {
      await handle.close();
    }
  } catch (error) {
    throw new UsageError(`cannot read the password file ${path}: ${describeFileError(error)}`);
  }
}

/**
 * Asks on the terminal in raw mode, so nothing typed is echoed. Enter or
 * Ctrl-D ends the entry; an empty entry is an error, because a stray Enter
 * should not spend one of the server's login attempts. Ctrl-C cancels as
 * SIGINT would, since raw mode keeps the terminal from sending the signal.
 */
async function promptSecret(sources: SecretSources): Promise<string> {
  sources.stderr.write(sources.prompt);
  let entry: HiddenEntry;
  try {
    entry = await readHiddenLine(sources.stdin);
  } finally {
    // Enter was not echoed either: end the prompt's line here.
    sources.stderr.write('\n');
  }

  if (entry.ended === 'interrupted') throw new InterruptedError('SIGINT', 'auth', 'the password');
  if (entry.typed === '') throw new UsageError('no password typed at the prompt');
  return entry.typed;
}

/** Reads one line in raw mode, restoring the terminal however the line ends. */
function readHiddenLine(stdin: SecretSources['stdin']): Promise<HiddenEntry> {
  const line = new HiddenLine();
  const decoder = new StringDecoder('utf8');

  return new Promise((resolve, reject) => {
    const stop = (): void => {
      stdin.setRawMode?.(false);
      stdin.off('data', onData).off('end', onEnd).off('error', onError);
      stdin.pause();
    };
    const end = (ended: EndKey): void => {
      stop();
      resolve({ ended, typed: line.value });
    };
    const onData = (chunk: Buffer | string): void => {
      const ended = line.type(typeof chunk === 'string' ? chunk : decoder.write(chunk));
      if (ended !== 'typing') end(ended);
    };
    // Input closed before Enter: as if Ctrl-D was pressed.
    const onEnd = (): void => end('done');
    const onError = (error: Error): void => {
      stop();
      reject(error);
    };

    stdin.setRawMode?.(true);
    stdin.on('data', onData).on('end', onEnd).on('error', onError);
    stdin.resume();
  });
}

/** How typing at the prompt ended: Enter or Ctrl-D, or Ctrl-C. */
type EndKey = 'done' | 'interrupted';

/** What was typed at the prompt, and how the typing ended. */
interface HiddenEntry {
  readonly ended: EndKey;
  readonly typed: string;
}

/** The line typed at a prompt that echoes nothing, edited key by key. */
class HiddenLine {
  private chars: string[] = [];
  // Arrow and function keys arrive as ESC sequences (ECMA-48 §5.4):
  // ESC, then `[` or `O`, then parameters up to a final byte in @–~.
  private escape: 'none' | 'escape' | 'sequence' = 'none';

  /** The text typed so far. */
  get value(): string {
    return this.chars.join('');
  }

  /** Applies typed text; says whether the line is still open, ended, or interrupted. */
  type(text: string): EndKey | 'typing' {
    for (const char of text) {
      const outcome = this.press(char);
      if (outcome !== 'typing') return outcome;
    }
    return 'typing';
  }

  private press(char: string): EndKey | 'typing' {
    if (this.escape !== 'none') {
      this.skipEscape(char);
      return 'typing';
    }
    if (char === '\r' || char === '\n' || char === '\x04') return 'done';
    if (char === '\x03') return 'interrupted';

    if (char === '\x7f' || char === '\b') this.chars.pop();
    else if (char === '\x15') this.chars = [];
    else if (char === '\x1b') this.escape = 'escape';
    else if (!/\p{Cc}/u.test(char)) this.chars.push(char);
    return 'typing';
  }

  private skipEscape(char: string): void {
    if (this.escape === 'escape') {
      this.escape = char === '[' || char === 'O' ? 'sequence' : 'none';
      return;
    }
    if (char >= '@' && char <= '~') this.escape = 'none';
  }
}
