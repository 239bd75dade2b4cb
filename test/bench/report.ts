/**
 * The report: machine facts, the time and memory tables, and each target
 * met or missed, as Markdown for stdout and for docs/benchmarks.md.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus } from 'node:os';
import { join } from 'node:path';
import { CHILD_TIMEOUT_MS, MEMORY_RUNS, median, statsOf, type Sample } from './measure.js';
import { CLI, NODE, ROOT, type Role, type Subject, type Tools } from './subjects.js';

export const DOC = join(ROOT, 'docs', 'benchmarks.md');
const START_MARKER = '<!-- bench:start -->';
const END_MARKER = '<!-- bench:end -->';
/** The first target: the banner check takes at most this much longer than `node -e 0`. */
const FLOOR_BUDGET_MS = 40;

/** The Markdown that goes between the markers: facts, tables, derived figures, verdicts. */
export function renderReport(
  samples: Sample[],
  memory: Map<Subject, number>,
  tools: Tools,
  runs: number,
): string {
  const medians = mediansByRole(samples);
  const parts = [
    `Run of ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC: ${runs} timed runs ` +
      'of each command, interleaved round-robin, after one untimed trial run each.',
    machineFacts(tools),
    '### Wall-clock time',
    timeTable(samples, medians),
    verdicts(medians),
  ];

  if (tools.time !== undefined) {
    parts.push(`### Peak memory (max RSS, median of ${MEMORY_RUNS} runs under GNU time)`);
    parts.push(memoryTable(samples, memory));
  }

  const problems = samples.filter((s) => s.problems.length > 0);
  const notes = [
    ...tools.notes,
    ...problems.map(
      (s) => `${s.subject.label} failed ${s.problems.length} of ${runs} runs (${s.problems[0]}).`,
    ),
  ];
  if (notes.length > 0) parts.push(bulletList(notes));

  return parts.join('\n\n');
}

/** Node version, cores, CPU model and the versions of every tool that was timed. */
function machineFacts(tools: Tools): string {
  const facts = [
    `Node ${process.version} on ${process.platform} ${process.arch}`,
    `\`nproc\`: ${commandOutput(['nproc']) ?? availableParallelism()}`,
    `CPU: ${cpuModel()}`,
    `smtp-probe ${commandOutput([NODE, CLI, '--version']) ?? '(version unknown)'}`,
  ];
  if (tools.swaks !== undefined) facts.push(commandOutput([tools.swaks, '--version']) ?? 'swaks');
  if (tools.checkSmtp !== undefined) {
    facts.push(commandOutput([tools.checkSmtp, '-V']) ?? 'check_smtp');
  }
  return bulletList(facts);
}

function cpuModel(): string {
  try {
    const line = readFileSync('/proc/cpuinfo', 'utf8').match(/^model name\s*:\s*(.+)$/m);
    if (line?.[1] !== undefined) return line[1].trim();
  } catch {
    // Not Linux: fall through to what Node knows.
  }
  return cpus()[0]?.model ?? 'unknown';
}

/**
 * The first non-empty line a command prints, or undefined when it cannot be run. The exit
 * status is not checked: check_smtp -V, like every monitoring plugin, exits 3 (UNKNOWN).
 */
function commandOutput(argv: readonly string[]): string | undefined {
  const [file, ...args] = argv as [string, ...string[]];
  const result = spawnSync(file, args, { encoding: 'utf8', timeout: CHILD_TIMEOUT_MS });
  if (result.error !== undefined || result.signal !== null) return undefined;
  return result.stdout
    .split('\n')
    .find((line) => line.trim() !== '')
    ?.trim();
}

/** The median of each row that has a role, for ratios and verdicts. */
type Medians = Partial<Record<Role, number>>;

function mediansByRole(samples: readonly Sample[]): Medians {
  const medians: Medians = {};
  for (const { subject, times } of samples) {
    if (subject.role !== undefined && times.length > 0) medians[subject.role] = median(times);
  }
  return medians;
}

function timeTable(samples: Sample[], medians: Medians): string {
  const { floor, 'swaks-banner': swaks } = medians;
  const rows = samples.map(({ subject, times, problems }) => {
    const own = statsOf(times);
    const isChild = subject.argv !== undefined;
    return [
      subject.label,
      `\`${subject.shown}\``,
      `${times.length}/${times.length + problems.length}`,
      ms(own?.median),
      ms(own?.p90),
      ms(own?.min),
      isChild ? ratio(own?.median, floor) : '—',
      subject.vsSwaks ? ratio(own?.median, swaks) : '—',
    ];
  });
  const header = ['What', 'Command', 'OK', 'Median ms', 'p90 ms', 'Min ms', '× node', '× swaks'];
  const align: Align[] = ['left', 'left', 'right', 'right', 'right', 'right', 'right', 'right'];
  return markdownTable(header, rows, align);
}

function memoryTable(samples: Sample[], memory: Map<Subject, number>): string {
  const floorSample = samples.find((s) => s.subject.role === 'floor');
  const floor = floorSample === undefined ? undefined : memory.get(floorSample.subject);
  const rows = samples
    .filter((s) => s.subject.argv !== undefined)
    .map(({ subject }) => {
      const kib = memory.get(subject);
      return [
        subject.label,
        kib === undefined ? 'not measured' : (kib / 1024).toFixed(1),
        ratio(kib, floor),
      ];
    });
  return markdownTable(['What', 'Max RSS MiB', '× node'], rows, ['left', 'right', 'right']);
}

/** The derived figures, each against its target, met or missed. */
function verdicts(medians: Medians): string {
  const { floor, server, banner, 'swaks-banner': swaks } = medians;
  if (floor === undefined || banner === undefined) {
    return 'No verdict: the node floor or the banner check has no successful run.';
  }

  const overFloor = banner - floor;
  const lines = [
    `Banner check minus node floor: **${overFloor.toFixed(1)} ms** ` +
      `(target ≤ ${FLOOR_BUDGET_MS} ms: ${metOrMissed(overFloor <= FLOOR_BUDGET_MS)}).`,
  ];
  if (server !== undefined) {
    const own = overFloor - server;
    lines.push(
      `Banner check minus node floor minus server floor: **${own.toFixed(1)} ms** ` +
        `(the same target with the server's ${server.toFixed(1)} ms taken out: ` +
        `${metOrMissed(own <= FLOOR_BUDGET_MS)}).`,
    );
  }
  lines.push(
    swaks === undefined
      ? 'Banner check against swaks: not judged, swaks did not run.'
      : `Banner check against swaks's banner check: **${ratio(banner, swaks)}** ` +
          `(${ms(banner)} ms against ${ms(swaks)} ms; target ≤ 1.00×: ` +
          `${metOrMissed(banner <= swaks)}).`,
  );
  return bulletList(lines);
}

function metOrMissed(met: boolean): string {
  return met ? 'met' : '**missed**';
}

function ms(value: number | undefined): string {
  return value === undefined ? '—' : value.toFixed(1);
}

function ratio(value: number | undefined, base: number | undefined): string {
  return value === undefined || base === undefined ? '—' : `${(value / base).toFixed(2)}×`;
}

function bulletList(items: readonly string[]): string {
  return items.map((item) => `- ${item}`).join('\n');
}

type Align = 'left' | 'right';

/** A table laid out the way Prettier lays it out, so the docs stay `prettier --check` clean. */
function markdownTable(header: string[], rows: string[][], align: Align[]): string {
  const widths = header.map((cell, column) =>
    Math.max(3, cell.length, ...rows.map((row) => (row[column] ?? '').length)),
  );
  const pad = (cell: string, column: number): string =>
    align[column] === 'right' ? cell.padStart(widths[column]!) : cell.padEnd(widths[column]!);
  const line = (cells: string[]): string => `| ${cells.map(pad).join(' | ')} |`;
  const rule = widths.map((width, column) =>
    align[column] === 'right' ? `${'-'.repeat(width - 1)}:` : '-'.repeat(width),
  );
  return [line(header), `| ${rule.join(' | ')} |`, ...rows.map(line)].join('\n');
}

/** Puts the report between the bench markers of docs/benchmarks.md. */
export function writeDoc(report: string): void {
  writeBetweenMarkers(DOC, START_MARKER, END_MARKER, report);
}

/**
 * Replaces what stands between two markers in a file, leaving the rest as it
 * was; appends the markers with the text when the file has none yet.
 */
export function writeBetweenMarkers(file: string, start: string, end: string, text: string): void {
  const block = `${start}\n\n${text}\n\n${end}`;
  const old = existsSync(file) ? readFileSync(file, 'utf8') : '# Benchmarks\n';
  const from = old.indexOf(start);
  const to = old.indexOf(end);

  const updated =
    from !== -1 && to > from
      ? old.slice(0, from) + block + old.slice(to + end.length)
      : `${old.trimEnd()}\n\n${block}\n`;
  writeFileSync(file, updated);
}
