/**
 * Finding delivered mail on disk, for the real-MTA suite: a Maildir that
 * Postfix delivers into (messages appear in its new/ and, once read by some
 * mail client, cur/), or a flat folder with one file per message, as the
 * aiosmtpd server in .ci/mta writes.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';

/** How often the folder is looked at while waiting. */
const POLL_MS = 100;

/** One message file seen in the folder. */
interface MessageFile {
  /** Path relative to the folder given, such as `new/1700000000.V801I2M3.host`. */
  readonly name: string;
  readonly content: Buffer;
}

/**
 * Waits until a message in `dir` satisfies `match`, and returns its bytes.
 * `dir` is a Maildir (its new/ and cur/ are searched; they may appear only
 * with the first delivery) or, when it has neither, a flat folder whose
 * regular files are the messages. Dot files are ignored. The folder is
 * searched every 100 ms until `timeoutMs` has passed; then the promise
 * rejects with an error listing every message that was there.
 */
export async function waitForMessage(
  dir: string,
  match: (content: Buffer) => boolean,
  timeoutMs: number,
): Promise<Buffer> {
  const deadline = Date.now() + timeoutMs;
  const rejected = new Set<string>();
  for (;;) {
    const files = await readMessages(dir, rejected);
    const found = files.find((file) => match(file.content));
    if (found) return found.content;
    for (const file of files) rejected.add(file.name);

    const left = deadline - Date.now();
    if (left <= 0) throw new Error(await describeTimeout(dir, timeoutMs));
    await sleep(Math.min(POLL_MS, left));
  }
}

/**
 * Reads the messages now in `dir`, skipping the names in `skip` (already
 * read and not matched: a message file is never rewritten in place).
 */
async function readMessages(dir: string, skip: ReadonlySet<string>): Promise<MessageFile[]> {
  const names = (await messageNames(dir)).filter((name) => !skip.has(name));
  const files: MessageFile[] = [];
  for (const name of names) {
    const content = await readIfThere(join(dir, name));
    if (content) files.push({ name, content });
  }
  return files;
}

/** The message files' paths relative to `dir`, in name order. */
async function messageNames(dir: string): Promise<string[]> {
  const maildir: string[] = [];
  for (const sub of ['new', 'cur']) {
    const entries = await listFiles(join(dir, sub));
    if (entries) maildir.push(...entries.map((name) => `${sub}/${name}`));
  }
  if (maildir.length > 0 || (await isMaildir(dir))) return maildir.sort();
  return ((await listFiles(dir)) ?? []).sort();
}

/** True when `dir` has a new/ or cur/ folder. */
async function isMaildir(dir: string): Promise<boolean> {
  for (const sub of ['new', 'cur']) {
    const info = await stat(join(dir, sub)).catch(() => undefined);
    if (info?.isDirectory()) return true;
  }
  return false;
}

/** Names of the regular, non-dot files in `dir`, or undefined if it does not exist. */
async function listFiles(dir: string): Promise<string[] | undefined> {
  try {
    const entries = await readdir(dir, { withFileTypes: true });
    return entries
      .filter((entry) => entry.isFile() && !entry.name.startsWith('.'))
      .map((entry) => entry.name);
  } catch (error) {
    if (isMissing(error)) return undefined;
    throw error;
  }
}

/** The file's bytes, or undefined if it went away (moved from new/ to cur/) meanwhile. */
async function readIfThere(path: string): Promise<Buffer | undefined> {
  try {
    return await readFile(path);
  } catch (error) {
    if (isMissing(error)) return undefined;
    throw error;
  }
}

/** The timeout error's text: what the folder held, one line per message. */
async function describeTimeout(dir: string, timeoutMs: number): Promise<string> {
  const head = `no matching message in ${dir} after ${timeoutMs} ms`;
  if (!(await stat(dir).catch(() => undefined))) return `${head}: the folder does not exist`;
  const files = await readMessages(dir, new Set());
  if (files.length === 0) return `${head}: the folder holds no message`;
  const lines = files.map(
    (file) => `  ${file.name} (${file.content.length} bytes) ${summary(file)}`,
  );
  return `${head}; ${files.length} message(s) there:\n${lines.join('\n')}`;
}

/** The Subject header of a message, or its first line, for the timeout error. */
function summary(file: MessageFile): string {
  const text = file.content.toString('latin1');
  const subject = /^Subject:[^\r\n]*/im.exec(text)?.[0];
  const first = text.split(/\r?\n/, 1)[0] ?? '';
  return JSON.stringify((subject ?? first).slice(0, 100));
}

function isMissing(error: unknown): boolean {
  return (error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT';
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
