import { chmodSync } from 'node:fs';
import { PassThrough, Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { readSecret, type SecretSources } from '../../src/cli/secret.js';
import { InterruptedError, UsageError } from '../../src/errors.js';
import { removeTempFiles, writeTempFile } from '../helpers/temp-files.js';

const ENV_NAME = 'SMTP_PROBE_AUTH_PASSWORD';
const PROMPT = 'AUTH password for bob: ';
const SECRET = 'Qx7-hunter2-Vz9';

const KEY_ENTER = '\r';
const KEY_BACKSPACE = '\x7f';
const KEY_CTRL_C = '\x03';
const KEY_CTRL_D = '\x04';
const KEY_CTRL_U = '\x15';
const KEY_LEFT_ARROW = '\x1b[D';

/** A terminal stand-in: a stream that says it is a TTY and records raw-mode switches. */
function fakeTerminal(): { stdin: SecretSources['stdin'] & PassThrough; rawModes: boolean[] } {
  const rawModes: boolean[] = [];
  const stdin = Object.assign(new PassThrough(), {
    isTTY: true,
    setRawMode: (on: boolean) => rawModes.push(on),
  });
  return { stdin, rawModes };
}

/** A stderr that keeps everything written to it. */
function capture(): { stream: Writable; text: () => string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  return { stream, text: () => chunks.join('') };
}

function sources(overrides: Partial<SecretSources> = {}): SecretSources {
  return {
    env: {},
    envName: ENV_NAME,
    stdin: new PassThrough(),
    stderr: capture().stream,
    prompt: PROMPT,
    ...overrides,
  };
}

/** Types each key as its own chunk, as a terminal delivers keystrokes. */
function typeKeys(stdin: PassThrough, keys: readonly string[]): void {
  for (const key of keys) stdin.write(key);
}

afterEach(removeTempFiles);

describe('readSecret from a file', () => {
  it('when the file ends its first line with CRLF then only the line is the secret', async () => {
    const file = writeTempFile('password', `${SECRET}\r\nsecond line\r\n`);
    chmodSync(file, 0o600);
    const stderr = capture();

    expect(await readSecret(sources({ file, stderr: stderr.stream }))).toBe(SECRET);
    expect(stderr.text()).toBe('');
  });

  it('when the file has a bare LF and a byte order mark then both are dropped', async () => {
    const file = writeTempFile('password', `\uFEFF${SECRET}\n`);
    chmodSync(file, 0o600);
    expect(await readSecret(sources({ file }))).toBe(SECRET);
  });

  it.runIf(process.platform !== 'win32').each([0o644, 0o640, 0o604])(
    'when the file has mode %o then it is still used, with a warning on stderr',
    async (mode) => {
      const file = writeTempFile('password', SECRET);
      chmodSync(file, mode);
      const stderr = capture();

      expect(await readSecret(sources({ file, stderr: stderr.stream }))).toBe(SECRET);
      expect(stderr.text()).toBe(
        `smtp-probe: warning: ${file} is readable by group or others (mode ${mode.toString(8)}); ` +
          'chmod 600 it\n',
      );
    },
  );

  it('when a file and the variable are both given then the file wins', async () => {
    const file = writeTempFile('password', SECRET);
    chmodSync(file, 0o600);
    expect(await readSecret(sources({ file, env: { [ENV_NAME]: 'from-env' } }))).toBe(SECRET);
  });

  it('when the file is missing or its first line empty then it is a usage error', async () => {
    const empty = writeTempFile('password', '\nsecond line\n');
    chmodSync(empty, 0o600);

    await expect(readSecret(sources({ file: '/nonexistent/password' }))).rejects.toThrow(
      'cannot read the password file /nonexistent/password: no such file',
    );
    await expect(readSecret(sources({ file: empty }))).rejects.toThrow(UsageError);
  });
});

describe('readSecret from the environment', () => {
  it('when the variable is set then it is the secret', async () => {
    expect(await readSecret(sources({ env: { [ENV_NAME]: SECRET } }))).toBe(SECRET);
  });

  it(
    'when nothing is given and there is no ' + 'terminal then the error says how to give it',
    async () => {
      const error = await readSecret(sources({ env: { [ENV_NAME]: '' } })).catch((e: unknown) => e);

      expect(error).toBeInstanceOf(UsageError);
      expect((error as UsageError).message).toBe(
        'no password given for AUTH, and no terminal to ask on',
      );
      expect((error as UsageError).hint).toContain('--auth-password-file FILE');
      expect((error as UsageError).hint).toContain(ENV_NAME);
    },
  );
});

describe('readSecret at a terminal prompt', () => {
  it('when keys are typed and corrected then the secret is read and never echoed', async () => {
    const { stdin, rawModes } = fakeTerminal();
    const stderr = capture();
    const reading = readSecret(sources({ stdin, stderr: stderr.stream }));

    typeKeys(stdin, [...'Qx7-hunter3', KEY_BACKSPACE, '2', ...'-Vz9', KEY_ENTER]);

    expect(await reading).toBe(SECRET);
    expect(stderr.text()).toBe(`${PROMPT}\n`);
    for (const char of new Set(SECRET.replace(/[ :]/g, ''))) {
      expect(stderr.text().replace(PROMPT, '')).not.toContain(char);
    }
    expect(rawModes).toEqual([true, false]);
  });

  it('when arrow keys, Ctrl-U and split UTF-8 arrive then only the text typed counts', async () => {
    const { stdin } = fakeTerminal();
    const reading = readSecret(sources({ stdin }));

    typeKeys(stdin, ['wrong', KEY_CTRL_U, 'p', KEY_LEFT_ARROW, 'w']);
    const umlaut = Buffer.from('ä');
    stdin.write(umlaut.subarray(0, 1));
    stdin.write(umlaut.subarray(1));
    typeKeys(stdin, [KEY_ENTER]);

    expect(await reading).toBe('pwä');
  });

  it('when Ctrl-C is pressed then the prompt is cancelled as an interruption', async () => {
    const { stdin, rawModes } = fakeTerminal();
    const reading = readSecret(sources({ stdin }));

    typeKeys(stdin, [...'abc', KEY_CTRL_C]);

    await expect(reading).rejects.toThrow(InterruptedError);
    await expect(reading).rejects.toMatchObject({ exitCode: 130 });
    expect(rawModes).toEqual([true, false]);
  });

  it('when Ctrl-D ends the entry then the typed text counts, and nothing is an error', async () => {
    const typed = fakeTerminal();
    const reading = readSecret(sources({ stdin: typed.stdin }));
    typeKeys(typed.stdin, [...'abc', KEY_CTRL_D]);
    expect(await reading).toBe('abc');

    const empty = fakeTerminal();
    const refused = readSecret(sources({ stdin: empty.stdin }));
    typeKeys(empty.stdin, [KEY_CTRL_D]);
    await expect(refused).rejects.toThrow('no password typed at the prompt');
  });

  it('when Enter alone is pressed then it is an error, not an empty password', async () => {
    const { stdin } = fakeTerminal();
    const reading = readSecret(sources({ stdin }));
    typeKeys(stdin, [KEY_ENTER]);
    await expect(reading).rejects.toThrow(UsageError);
  });

  it('when input closes before Enter then what was typed is the secret', async () => {
    const { stdin } = fakeTerminal();
    const reading = readSecret(sources({ stdin }));
    stdin.end('abc');
    expect(await reading).toBe('abc');
  });
});
