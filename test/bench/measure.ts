/**
 * Timing and memory: each command is a child process, timed from spawn to
 * exit, round-robin so that noise on a shared machine falls on all alike.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { HOST, type Subject, type Tools } from './subjects.js';

/** No child may hang the benchmark: each one is killed after this long. */
export const CHILD_TIMEOUT_MS = 20_000;
/** Memory needs few samples: max RSS barely moves from run to run. */
export const MEMORY_RUNS = 5;

/** What one timed run came to. */
export interface Outcome {
  readonly ms: number;
  readonly ok: boolean;
  readonly problem?: string;
}

/** The samples of one subject. */
export interface Sample {
  readonly subject: Subject;
  readonly times: number[];
  readonly problems: string[];
}

/** Median, 90th percentile and minimum of the successful runs, in ms. */
export interface Stats {
  readonly median: number;
  readonly p90: number;
  readonly min: number;
}

/**
 * Runs each subject once, untimed: it warms the disk cache, and a comparison tool that cannot
 * talk to this server is dropped with a note instead of failing every round. Our own rows stay
 * in whatever happens, so that their failures are counted and reported.
 */
export async function preflight(subjects: Subject[], notes: string[]): Promise<Subject[]> {
  const kept: Subject[] = [];
  for (const subject of subjects) {
    const outcome = await subject.run();
    if (outcome.ok || subject.ours) {
      kept.push(subject);
    } else {
      notes.push(`${subject.label} failed its trial run (${outcome.problem}): skipped.`);
    }
  }
  return kept;
}

/**
 * Times every subject `runs` times, round-robin: a burst of load on a shared machine then
 * lands on all commands alike instead of on whichever happened to be running.
 */
export async function measureTimes(subjects: Subject[], runs: number): Promise<Sample[]> {
  const samples = subjects.map((subject) => ({ subject, times: [], problems: [] }) as Sample);

  for (let round = 1; round <= runs; round += 1) {
    process.stderr.write(`bench: round ${round}/${runs}\r`);
    for (const sample of samples) {
      const outcome = await sample.subject.run();
      if (outcome.ok) sample.times.push(outcome.ms);
      else sample.problems.push(outcome.problem ?? 'failed');
    }
  }
  process.stderr.write('\n');

  for (const { subject, problems } of samples) {
    if (problems.length > 0) {
      process.stderr.write(`bench: ${subject.label} failed ${problems.length}×: ${problems[0]}\n`);
    }
  }
  return samples;
}

/**
 * Wall-clock time of one child, from spawn to exit; a non-zero exit, a signal or the time limit
 * is a failure. The child leads its own process group, so that on time-out the kill also reaches
 * whatever it started (GNU time's command, for one).
 */
export function timeChild(argv: readonly string[]): Promise<Outcome> {
  const [file, ...args] = argv as [string, ...string[]];
  return new Promise((resolve) => {
    let stderr = '';
    let ended = 0;
    let timedOut = false;
    const started = performance.now();
    const child = spawn(file, args, { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup(child.pid);
    }, CHILD_TIMEOUT_MS);

    child.stdout.resume();
    child.stderr.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString('utf8')).slice(-500);
    });
    child.on('exit', () => {
      ended = performance.now();
    });
    child.on('error', (error) => resolve({ ms: 0, ok: false, problem: error.message }));
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const ms = ended - started;
      if (code === 0) return resolve({ ms, ok: true });
      const why = timedOut
        ? `killed after ${CHILD_TIMEOUT_MS / 1000} s`
        : signal === null
          ? `exit ${code}`
          : `killed by ${signal}`;
      resolve({ ms, ok: false, problem: `${why}${firstLine(stderr)}` });
    });
  });
}

/** Kills a child's whole process group; it may have gone already. */
function killGroup(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}

function firstLine(text: string): string {
  const line = text.trim().split('\n')[0] ?? '';
  return line === '' ? '' : `: ${line}`;
}

/**
 * The server's own share, measured without any child process: connect, wait for the 220
 * greeting, QUIT, wait for the close: no client can be faster than this row.
 */
export function timeSocketGreeting(port: number): Promise<Outcome> {
  return new Promise((resolve) => {
    let received = '';
    let quitSent = false;
    const started = performance.now();
    const socket = connect({ host: HOST, port });

    socket.setEncoding('latin1');
    socket.setTimeout(CHILD_TIMEOUT_MS, () => socket.destroy(new Error('timed out')));
    socket.on('data', (chunk: string) => {
      received += chunk;
      if (!quitSent && received.includes('\r\n')) {
        quitSent = true;
        socket.write('QUIT\r\n');
      }
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      const ms = performance.now() - started;
      const ok = received.startsWith('220') && received.includes('\r\n221');
      resolve({ ms, ok, problem: ok ? undefined : `got ${JSON.stringify(received.slice(0, 80))}` });
    });
  });
}

/** Peak memory (max RSS, KiB) of each child subject: the median of a few runs under GNU time. */
export async function measureMemory(
  subjects: Subject[],
  tools: Tools,
): Promise<Map<Subject, number>> {
  const memory = new Map<Subject, number>();
  if (tools.time === undefined) return memory;

  const dir = mkdtempSync(join(tmpdir(), 'smtp-probe-bench-'));
  try {
    for (const subject of subjects.filter((s) => s.argv !== undefined)) {
      const kib = await maxRssMedian(tools.time, subject, join(dir, 'rss'));
      if (kib !== undefined) memory.set(subject, kib);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return memory;
}

/** Runs one command under `time -f %M -o FILE` a few times; undefined when a run failed. */
async function maxRssMedian(
  time: string,
  subject: Subject,
  file: string,
): Promise<number | undefined> {
  const values: number[] = [];
  for (let run = 0; run < MEMORY_RUNS; run += 1) {
    const outcome = await timeChild([time, '-f', '%M', '-o', file, '--', ...subject.argv!]);
    const kib = outcome.ok ? Number(readFileSync(file, 'utf8').trim().split('\n').at(-1)) : NaN;
    if (!Number.isFinite(kib)) {
      process.stderr.write(`bench: memory of ${subject.label}: ${outcome.problem ?? 'no value'}\n`);
      return undefined;
    }
    values.push(kib);
  }
  return median(values);
}

export function statsOf(times: readonly number[]): Stats | undefined {
  if (times.length === 0) return undefined;
  const sorted = [...times].sort((a, b) => a - b);
  const p90Index = Math.ceil(0.9 * sorted.length) - 1;
  return { median: median(sorted), p90: sorted[p90Index]!, min: sorted[0]! };
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}
