/**
 * How a run is shown when it is more than one probe's transcript: for
 * machines JSON documents or events on stdout and nothing on stderr, or the
 * monitoring formats; for people, many probes as one block per target and a
 * table. Loaded only by such runs (main.ts); one probe's transcript is in
 * text-output.ts.
 */
import { renderRunLine, renderSummary } from '../output/summary.js';
import { renderStatistics, renderTargetTable } from '../output/tables.js';
import { TranscriptRenderer } from '../output/transcript.js';
import { renderNagios } from '../report/nagios.js';
import { renderNagiosBatch } from '../report/nagios-batch.js';
import { renderPrometheusBatch } from '../report/prometheus.js';
import {
  buildRepeatReport,
  buildReport,
  eventJson,
  stringifyJson,
  type RunInfo,
} from '../report/json.js';
import type { BatchHooks, TargetRuns } from '../session/batch.js';
import type { SessionObserver } from '../session/events.js';
import { SessionLog } from '../session/log.js';
import type { ProbeResult } from '../session/probe.js';
import type { Target } from '../transport/target.js';
import { version } from '../version.js';
import type { CliIo } from './main.js';
import type { CliRequest } from './program.js';
import {
  describeRequest,
  describeTarget,
  now,
  printer,
  styleFor,
  textOutput,
  type SingleOutput,
} from './text-output.js';

/** Many probes' output: hooks for the batch, then everything it came to and the exit status. */
export interface BatchOutput {
  readonly hooks: BatchHooks;
  readonly finish: (all: readonly TargetRuns[], exitCode: number) => number;
}

/** The output of a run of one probe. */
export function singleOutput(request: CliRequest, io: CliIo, terminal: CliIo): SingleOutput {
  const run: RunInfo = { version, mode: request.probe.mode };
  if (request.format === 'text') return textOutput(request, io, terminal);
  if (request.format === 'nagios' || request.format === 'prometheus') {
    return {
      event: () => undefined,
      finish: (result) => monitoringOutput(request, io)([{ results: [result] }], result.exitCode),
    };
  }

  const write = jsonWriter(request, io);
  const events = request.format === 'ndjson' ? eventWriter(write, {}) : undefined;
  return {
    event: (event) => events?.(event),
    finish: (result) => {
      const report = buildReport(result, run);
      if (request.format === 'ndjson') write({ event: 'report', report });
      else write(report, 2);
      return result.exitCode;
    },
  };
}

/** The output of a run of several targets or --count probes. */
export function batchOutput(request: CliRequest, io: CliIo): BatchOutput {
  if (request.format === 'text') return textBatchOutput(request, io);
  if (request.format === 'json' || request.format === 'ndjson') return jsonBatchOutput(request, io);
  return { hooks: { observer: () => () => undefined }, finish: monitoringOutput(request, io) };
}

// Nagios and Prometheus see only the end: one status line (whose state is
// the exit status), or the metrics (the exit status stays smtp-probe's).
function monitoringOutput(request: CliRequest, io: CliIo) {
  return (all: readonly { results: readonly ProbeResult[] }[], exitCode: number): number => {
    if (request.format === 'prometheus') {
      io.stdout.write(renderPrometheusBatch(all));
      return exitCode;
    }
    const single = all.length === 1 && all[0]!.results.length === 1;
    const report = single
      ? renderNagios(all[0]!.results[0]!, request.thresholds)
      : renderNagiosBatch(all, request.thresholds);
    io.stdout.write(report.line);
    return report.exitCode;
  };
}

// For people, many probes. One probe per target: each target's transcript
// as a block once it is done, so that side-by-side probes do not mix their
// lines. Repeated probes: a line per probe, then the figures per target.
// Then, for several targets, one row each.
function textBatchOutput(request: CliRequest, io: CliIo): BatchOutput {
  const style = styleFor(request, io);
  const print = printer(io.stdout);
  const { count } = request.batch;
  const blocks = new Map<number, { lines: string[]; renderer: TranscriptRenderer }>();

  const blockFor = (index: number, target: Target) => {
    const renderer = new TranscriptRenderer(style);
    const heading = renderer.note(`probing ${describeRequest(request, target)} at ${now()}`);
    const block = { lines: [heading], renderer };
    blocks.set(index, block);
    return block;
  };

  const hooks: BatchHooks = {
    observer: (index) => {
      if (count > 1 || request.quiet) return () => undefined;
      const block = blockFor(index, request.targets[index]!);
      return (event) => block.lines.push(...block.renderer.render(event));
    },
    probed: (index, run, result) => {
      const renderer = new TranscriptRenderer(style);
      if (count > 1 && !request.quiet) {
        const target = describeTarget(request.targets[index]!);
        print([renderRunLine(result, renderer, style, `${target} ${run}/${count}`)]);
        return;
      }
      const block = blocks.get(index);
      if (!block) return;
      blocks.delete(index);
      print([...block.lines, ...renderSummary(result, block.renderer, style), '']);
    },
  };

  return {
    hooks,
    finish: (all, exitCode) => {
      // The figures come at the end, in the targets' order, after every probe line.
      if (count > 1 && !request.quiet) {
        for (const runs of all) print(['', ...renderStatistics(runs, style)]);
        print(['']);
      }
      if (all.length > 1 || request.quiet) print(renderTargetTable(all, style));
      return exitCode;
    },
  };
}

// For machines, many probes: one document per target (a report, or a
// repeat document for --count) — one alone, several as an array; NDJSON
// tags each event with its target and probe number.
function jsonBatchOutput(request: CliRequest, io: CliIo): BatchOutput {
  const run: RunInfo = { version, mode: request.probe.mode };
  const { batch } = request;
  const write = jsonWriter(request, io);
  const ndjson = request.format === 'ndjson';
  const documentOf = (runs: TargetRuns) =>
    batch.count > 1 ? buildRepeatReport(runs, run, batch) : buildReport(runs.results[0]!, run);

  return {
    hooks: {
      observer: (index, probe) => {
        if (!ndjson) return () => undefined;
        return eventWriter(write, { target: describeTarget(request.targets[index]!), probe });
      },
      probed: (index, probe, result) => {
        if (!ndjson) return;
        const target = describeTarget(request.targets[index]!);
        write({ event: 'report', target, probe, report: buildReport(result, run) });
      },
      finished: (_index, runs) => {
        if (!ndjson || batch.count === 1) return;
        const repeat = buildRepeatReport(runs, run, batch);
        const target = describeTarget(runs.target);
        write({ event: 'repeat', target, repeat: { ...repeat, reports: [] } });
      },
    },
    finish: (all, exitCode) => {
      if (ndjson) return exitCode;
      const documents = all.map(documentOf);
      // Interrupted before its first probe, a repeat still gets its (empty) document.
      const first = documents[0] ?? documentOf({ target: request.targets[0]!, results: [] });
      write(request.targets.length === 1 ? first : documents, 2);
      return exitCode;
    },
  };
}

// JSON goes out masked value by value: see SecretMask.applyDeep.
function jsonWriter(request: CliRequest, io: CliIo) {
  const mask = request.probe.secretMask;
  return (value: unknown, indent?: number): void => {
    const masked = mask ? mask.applyDeep(value) : value;
    io.stdout.write(`${stringifyJson(masked, indent)}\n`);
  };
}

// NDJSON: each event a line, timed from the start of its probe.
function eventWriter(
  write: (value: unknown) => void,
  tags: Record<string, string | number>,
): SessionObserver {
  const log = new SessionLog();
  return (event) => {
    const json = eventJson(event, log.elapsed());
    if (json) write({ ...json, ...tags });
  };
}
