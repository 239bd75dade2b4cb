/**
 * The output of the formats made for machines: JSON, NDJSON, Nagios and
 * Prometheus. stdout holds the document alone, so nothing goes to stderr.
 */
import { buildReport, eventJson, type RunInfo } from '../report/json.js';
import { renderNagios } from '../report/nagios.js';
import { renderPrometheus } from '../report/prometheus.js';
import type { SessionObserver } from '../session/events.js';
import { SessionLog } from '../session/log.js';
import type { ProbeResult } from '../session/probe.js';
import type { CliRequest } from './program.js';

/** A writable the CLI prints to: process.stdout, or a buffer in tests. */
export interface OutputStream {
  write(text: string): unknown;
  readonly isTTY?: boolean;
}

/** How a run is shown: each event as it comes, then the result and the exit status. */
export interface RunOutput {
  readonly event: SessionObserver;
  readonly finish: (result: ProbeResult) => number;
}

const ignore: SessionObserver = () => undefined;

/** The output for a machine format; `text` is not one. */
export function machineOutput(request: CliRequest, stdout: OutputStream, run: RunInfo): RunOutput {
  switch (request.format) {
    case 'nagios':
      return finishWith(ignore, (result) => {
        const report = renderNagios(result, request.thresholds);
        stdout.write(report.line);
        return report.exitCode;
      });
    case 'prometheus':
      return finishWith(ignore, (result) => {
        stdout.write(renderPrometheus([{ result, startedAt: run.startedAt }]));
        return result.exitCode;
      });
    case 'ndjson':
      return ndjsonOutput(stdout, run);
    default:
      return finishWith(ignore, (result) => {
        stdout.write(`${JSON.stringify(buildReport(result, run), null, 2)}\n`);
        return result.exitCode;
      });
  }
}

function ndjsonOutput(stdout: OutputStream, run: RunInfo): RunOutput {
  const line = (value: unknown): void => void stdout.write(`${JSON.stringify(value)}\n`);
  const log = new SessionLog();
  return {
    event: (event) => {
      const json = eventJson(event, log.elapsed());
      if (json) line(json);
    },
    finish: (result) => {
      line({ event: 'report', report: buildReport(result, run) });
      return result.exitCode;
    },
  };
}

function finishWith(event: SessionObserver, finish: (result: ProbeResult) => number): RunOutput {
  return { event, finish };
}
