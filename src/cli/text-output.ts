/**
 * The transcript of one probe, for people: each event as it comes, a
 * spinner while waiting on a terminal, then the verdict and timings. The
 * common run, so this module loads nothing the other outputs need.
 */
import { WaitSpinner } from '../output/spinner.js';
import { escapeText } from '../output/escape.js';
import { colorLevel, createStyle, type Style } from '../output/style.js';
import { renderSummary, renderVerdict } from '../output/summary.js';
import { TranscriptRenderer } from '../output/transcript.js';
import type { SessionEvent, SessionObserver } from '../session/events.js';
import type { ProbeResult } from '../session/probe.js';
import { describeStage } from '../session/stage.js';
import { formatHostPort, type Target } from '../transport/target.js';
import type { CliIo, OutputStream } from './main.js';
import type { CliRequest } from './program.js';

/** One probe's output: each event as it comes, then the result and the exit status. */
export interface SingleOutput {
  readonly event: SessionObserver;
  readonly finish: (result: ProbeResult) => number;
}

// For people, one probe: the transcript as it happens, a spinner while
// waiting on a terminal, then the verdict and timings; the error on stderr.
export function textOutput(request: CliRequest, io: CliIo, terminal: CliIo): SingleOutput {
  const style = styleFor(request, io);
  const renderer = new TranscriptRenderer(style);
  const spinner = new WaitSpinner(
    terminal.stderr.isTTY && !request.quiet
      ? (terminal.stderr as NodeJS.WritableStream)
      : undefined,
  );
  const print = printer(io.stdout);
  const transcript = request.quiet ? () => undefined : print;

  const { target } = request.probe;
  transcript([renderer.note(`probing ${describeRequest(request, target)} at ${now()}`)]);

  return {
    event: (event) => {
      spinner.stop();
      transcript(renderer.render(event));
      if (event.type === 'waiting' || event.type === 'connecting')
        spinner.start(waitingText(event, target.host));
    },
    finish: (result) => {
      spinner.stop();
      const verdict = () => [renderVerdict(result, renderer, style, { withMessage: true })];
      print(request.quiet ? verdict() : renderSummary(result, renderer, style));
      const { failure } = result;
      if (failure) io.stderr.write(`smtp-probe: ${escapeText(failure.message).text}\n`);
      return result.exitCode;
    },
  };
}

/** Shared with the other outputs (outputs.ts). */
export function styleFor(request: CliRequest, io: CliIo): Style {
  const isTty = io.stdout.isTTY === true;
  return createStyle(colorLevel({ colorFlag: request.color, env: io.env, isTty }));
}

/** Shared with the other outputs (outputs.ts). */
export function printer(stream: OutputStream): (lines: string[]) => void {
  return (lines) => {
    if (lines.length > 0) stream.write(lines.map((line) => `${line}\n`).join(''));
  };
}

/** Shared with the other outputs (outputs.ts). */
export function now(): string {
  return new Date().toISOString();
}

/** Shared with the other outputs (outputs.ts). */
export function describeRequest(request: CliRequest, target: Target): string {
  const { startTls, mode } = request.probe;
  if (request.scenario) return `${describeTarget(target)} (scenario ${request.scenario.file})`;
  const tls = target.implicitTls ? 'implicit TLS' : `STARTTLS ${startTls}`;
  const what = mode === 'banner' ? 'banner check' : mode === 'send' ? `sending, ${tls}` : tls;
  return `${describeTarget(target)} (${what})`;
}

/** Shared with the other outputs (outputs.ts). */
export function describeTarget(target: Target): string {
  return formatHostPort(target.host, target.port);
}

function waitingText(event: SessionEvent, host: string): string {
  if (event.type === 'connecting')
    return `connecting to ${formatHostPort(event.address, event.port)}`;
  if (event.type !== 'waiting') return '';
  return event.stage === 'greeting'
    ? `waiting for the greeting from ${host}`
    : `waiting for the reply to ${describeStage(event.stage)}`;
}
