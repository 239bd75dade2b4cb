/**
 * `npm run bench:flood`: what smtp-probe's memory does when a server floods it. A server in
 * this process, on 127.0.0.1, sends up to 100 MB of one kind of garbage per connection and
 * stops as soon as the client closes; the built CLI runs against it as a child under GNU time.
 * Each flood is put beside the banner check and the default session against an honest server.
 * The table goes to stdout and into docs/benchmarks.md, between the flood markers.
 *
 * Usage: node dist/dev/flood.js
 */
import { writeBetweenMarkers } from './report.js';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { startReplyMapServer } from '../helpers/reply-map-server.js';
import { DOC } from './report.js';
import { CLI, HOST, NODE } from './subjects.js';

/** Each flood stops by itself after this many bytes, whatever the client does. */
const FLOOD_BYTES = 100 * 1024 * 1024;
/** No child may outlive this: it is killed, with whatever it started. */
const CHILD_TIMEOUT_MS = 60_000;
const TIME_BINARY = '/usr/bin/time';
const START_MARKER = '<!-- flood:start -->';
const END_MARKER = '<!-- flood:end -->';
const MIB = 1024 * 1024;

/** One kind of flood: what is sent first, then the unit repeated until the budget is spent. */
interface Flood {
  readonly label: string;
  readonly sends: string;
  /** Sent at once; for the EHLO flood, only after the client's first command. */
  readonly opening: string;
  readonly unit: string;
  readonly afterCommand: boolean;
}

const FLOODS: Flood[] = [
  {
    label: 'Endless greeting',
    sends: '`220-x…` continuation lines of 76 bytes, never a final line',
    opening: '',
    unit: `220-${'x'.repeat(70)}\r\n`,
    afterCommand: false,
  },
  {
    label: 'One endless line',
    sends: '`220 x…` with no LF at all',
    opening: '220 ',
    unit: 'x'.repeat(4096),
    afterCommand: false,
  },
  {
    label: 'Empty lines',
    sends: '`\\r\\n` only',
    opening: '',
    unit: '\r\n',
    afterCommand: false,
  },
  {
    label: 'Endless EHLO reply',
    sends: 'a normal greeting, then `250-x…` lines of 1000 bytes after EHLO',
    opening: '220 flood.probe.test ESMTP\r\n',
    unit: `250-${'x'.repeat(994)}\r\n`,
    afterCommand: true,
  },
];

/** What one child run came to. */
interface Run {
  readonly label: string;
  readonly sends: string;
  readonly exit: string;
  readonly seconds: number;
  readonly rssKib: number | undefined;
  /** Bytes the server got into the socket before the client closed; undefined for baselines. */
  readonly written: number | undefined;
  readonly outputBytes: number;
  readonly message: string;
}

await main();

async function main(): Promise<void> {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run npm run build first`);
  const dir = mkdtempSync(join(tmpdir(), 'smtp-probe-flood-'));
  const rssFile = join(dir, 'rss');

  try {
    const runs = [...(await runBaselines(rssFile))];
    for (const flood of FLOODS) {
      process.stderr.write(`flood: ${flood.label}\n`);
      runs.push(await runFlood(flood, rssFile));
    }

    const report = renderReport(runs);
    process.stdout.write(`${report}\n`);
    writeDoc(report);
    process.stderr.write(`flood: wrote ${DOC}\n`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The banner check and the default session against an honest server, for comparison. */
async function runBaselines(rssFile: string): Promise<Run[]> {
  const server = await startReplyMapServer();
  try {
    const target = `${HOST}:${server.port}`;
    const banner = await runChild([target, '--banner'], rssFile);
    const session = await runChild([target], rssFile);
    return [
      { label: 'Banner check, honest server', sends: 'greeting, 221 to QUIT', ...banner },
      { label: 'Default session, honest server', sends: 'greeting, EHLO reply', ...session },
    ].map((run) => ({ ...run, written: undefined }));
  } finally {
    await server.close();
  }
}

async function runFlood(flood: Flood, rssFile: string): Promise<Run> {
  const written: number[] = [];
  const server = createServer((socket) => serveFlood(socket, flood, written));
  const port = await listen(server);

  try {
    const outcome = await runChild([`${HOST}:${port}`], rssFile);
    await waitFor(() => written.length > 0, 5_000);
    return { label: flood.label, sends: flood.sends, ...outcome, written: written[0] };
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

/**
 * Streams one flood into a socket, keeping to the socket's pace (no write outruns `drain`),
 * until the budget is spent or the client closes; then records how much got out.
 */
function serveFlood(socket: Socket, flood: Flood, written: number[]): void {
  let closed = false;
  socket.on('error', () => undefined);
  socket.on('close', () => {
    closed = true;
    written.push(socket.bytesWritten);
  });

  const stream = async (): Promise<void> => {
    socket.write(flood.opening);
    if (flood.afterCommand) await new Promise((resolve) => socket.once('data', resolve));

    const chunk = Buffer.from(flood.unit.repeat(Math.ceil(65_536 / flood.unit.length)));
    let sent = Buffer.byteLength(flood.opening);
    while (!closed && sent < FLOOD_BYTES) {
      const part = chunk.subarray(0, Math.min(chunk.length, FLOOD_BYTES - sent));
      sent += part.length;
      if (!socket.write(part)) await drainOrClose(socket);
    }
    socket.end();
  };
  void stream();
}

function drainOrClose(socket: Socket): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      socket.off('drain', done);
      socket.off('close', done);
      resolve();
    };
    socket.on('drain', done);
    socket.on('close', done);
  });
}

/**
 * Runs the CLI with `args` under `time -f %M` (or, without GNU time, polls VmHWM), killing its
 * process group after the time limit. Returns exit, wall time, max RSS and output size.
 */
function runChild(
  args: string[],
  rssFile: string,
): Promise<Omit<Run, 'label' | 'sends' | 'written'>> {
  const cli = [NODE, CLI, ...args, '--timeout', '30s'];
  const timed = existsSync(TIME_BINARY);
  const argv = timed ? [TIME_BINARY, '-f', '%M', '-o', rssFile, '--', ...cli] : cli;

  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(argv[0]!, argv.slice(1), {
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let outputBytes = 0;
    let stderr = '';
    let peakKib = 0;
    const poll = timed
      ? undefined
      : setInterval(() => (peakKib = Math.max(peakKib, vmHwm(child.pid))), 20);
    const timer = setTimeout(() => killGroup(child.pid), CHILD_TIMEOUT_MS);

    child.stdout.on('data', (chunk: Buffer) => (outputBytes += chunk.length));
    child.stderr.on('data', (chunk: Buffer) => {
      outputBytes += chunk.length;
      if (stderr.length < 4096) stderr += chunk.toString('utf8');
    });
    child.on('error', reject);
    child.on('close', (code, signal) => {
      const seconds = (performance.now() - started) / 1000;
      clearTimeout(timer);
      clearInterval(poll);
      const rssKib = timed ? readRss(rssFile) : peakKib || undefined;
      const exit = signal === null ? String(code) : `killed (${signal})`;
      resolve({ exit, seconds, rssKib, outputBytes, message: firstError(stderr) });
    });
  });
}

/** The last number GNU time wrote: max RSS in KiB (a line before it may name the exit status). */
function readRss(file: string): number | undefined {
  const value = Number(readFileSync(file, 'utf8').trim().split('\n').at(-1));
  return Number.isFinite(value) ? value : undefined;
}

/** Peak resident memory of a live process in KiB, from /proc; 0 once it has gone. */
function vmHwm(pid: number | undefined): number {
  try {
    const match = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return Number(match?.[1] ?? 0);
  } catch {
    return 0;
  }
}

function killGroup(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}

/** The line where smtp-probe says what went wrong, without colour codes. */
function firstError(stderr: string): string {
  const lines = stderr.replace(/\x1b\[[0-9;]*m/g, '').split('\n');
  return (lines.find((line) => /error|abort|exceed|longer/i.test(line)) ?? lines[0] ?? '').trim();
}

function listen(server: Server): Promise<number> {
  return new Promise((resolve) => {
    server.listen(0, HOST, () => resolve((server.address() as { port: number }).port));
  });
}

async function waitFor(condition: () => boolean, ms: number): Promise<void> {
  const until = performance.now() + ms;
  while (!condition() && performance.now() < until) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** The table, then the verdict: the largest flood's peak against the banner check's. */
function renderReport(runs: Run[]): string {
  const banner = runs[0]?.rssKib;
  const rows = runs.map((run) => [
    run.label,
    run.sends,
    run.exit,
    run.seconds.toFixed(2),
    run.rssKib === undefined ? 'not measured' : (run.rssKib / 1024).toFixed(1),
    run.rssKib === undefined || banner === undefined ? '—' : `${(run.rssKib / banner).toFixed(2)}×`,
    run.written === undefined ? '—' : (run.written / MIB).toFixed(2),
    String(run.outputBytes),
    run.message === '' ? '—' : `\`${run.message.replace(/\|/g, '\\|')}\``,
  ]);
  const header = [
    'Server',
    'Sends',
    'Exit',
    'Wall s',
    'Max RSS MiB',
    '× banner',
    'Server wrote MiB',
  ];
  const table = markdownTable([...header, 'Output bytes', 'smtp-probe says'], rows);

  const floods = runs.slice(2).map((run) => run.rssKib ?? Infinity);
  const worst = Math.max(...floods);
  const verdict =
    banner === undefined
      ? 'No verdict: the banner check has no peak memory.'
      : `Largest peak under a flood: **${(worst / 1024).toFixed(1)} MiB**, ` +
        `${((worst - banner) / 1024).toFixed(1)} MiB above the banner check ` +
        `(${(FLOOD_BYTES / MIB).toFixed(0)} MiB offered per flood).`;
  const when = new Date().toISOString().slice(0, 16).replace('T', ' ');
  return [
    `Run of ${when} UTC, Node ${process.version} on ${process.platform}.`,
    table,
    `- ${verdict}`,
  ].join('\n\n');
}

/** A table laid out as Prettier lays it out: text columns left, the rest right. */
function markdownTable(header: string[], rows: string[][]): string {
  const right = (column: number): boolean => column >= 2 && column <= 7;
  const widths = header.map((cell, column) =>
    Math.max(3, width(cell), ...rows.map((row) => width(row[column] ?? ''))),
  );
  const pad = (cell: string, column: number): string => {
    const fill = ' '.repeat(widths[column]! - width(cell));
    return right(column) ? fill + cell : cell + fill;
  };
  const line = (cells: string[]): string => `| ${cells.map(pad).join(' | ')} |`;
  const rule = widths.map((w, column) => (right(column) ? `${'-'.repeat(w - 1)}:` : '-'.repeat(w)));
  return [line(header), `| ${rule.join(' | ')} |`, ...rows.map(line)].join('\n');
}

/** Characters as Prettier counts them: code points, not UTF-16 units. */
function width(text: string): number {
  return [...text].length;
}

/** Puts the report between the flood markers, leaving the rest of the file as it was. */
function writeDoc(report: string): void {
  writeBetweenMarkers(DOC, START_MARKER, END_MARKER, report);
}
