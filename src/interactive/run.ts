/**
 * `smtp-probe -i TARGET`: connect as any probe does (implicit TLS too),
 * show the greeting, then hand the session to the person at the terminal,
 * or to the lines piped in. Loaded only with -i: a plain probe never
 * parses this code, nor node:readline.
 */
import { Readable } from 'node:stream';
import { toProbeError, type ProbeError } from '../errors.js';
import { escapeText } from '../output/escape.js';
import { openConnection } from '../session/connect.js';
import { defaultEhloName } from '../session/hello.js';
import { courtesyQuit, leavesSessionOpen, untilAborted } from '../session/lifetime.js';
import { Session } from '../session/session.js';
import { requireTrusted, upgrade } from '../session/starttls.js';
import type { CliIo } from '../cli/main.js';
import type { CliRequest } from '../cli/program.js';
import { describeTarget, now, printer, styleFor } from '../cli/text-output.js';
import { Conversation } from './conversation.js';
import { LineSource } from './line-source.js';
import { InteractiveOutput } from './output.js';
import { runPiped } from './piped.js';
import { TerminalFrontEnd } from './terminal.js';
import type { TerminalOutput } from './echo-gate.js';

/** How the session is driven: by a person at a terminal, or by piped lines. */
export interface InteractiveSettings {
  /** The history file; undefined: none (--no-history, or piped input). */
  readonly historyFile: string | undefined;
  /** Let the AUTH helper send credentials without trusted TLS (--auth-insecure). */
  readonly allowInsecureAuth: boolean;
}

/**
 * Runs an interactive session; resolves with the exit status: 0 when it
 * ended in order (QUIT, Ctrl-D, end of input), else the status of what
 * ended it (docs/exit-codes.md).
 */
export async function runInteractive(
  request: CliRequest,
  settings: InteractiveSettings,
  io: CliIo & { readonly terminal: CliIo },
  signal: AbortSignal | undefined,
): Promise<number> {
  const options = request.probe;
  const stdin: NodeJS.ReadableStream & { isTTY?: boolean } = io.stdin?.() ?? Readable.from([]);
  const terminal = stdin.isTTY === true;
  const output = new InteractiveOutput(styleFor(request, io), printer(io.stdout));
  const how = terminal ? 'interactive, /help for help' : 'interactive, lines from input';
  output.note(`session with ${describeTarget(options.target)} (${how}) at ${now()}`);

  const startedAt = performance.now();
  let session: Session | undefined;
  let error: ProbeError | undefined;
  try {
    const connected = await openConnection(options, output.event, signal);
    const explain = options.explain !== false;
    session = new Session(connected.connection, output.event, connected.connectedAt, explain);
    const opened = session;
    let trusted = false;
    await untilAborted(opened, signal, async () => void (trusted = await greet(opened, request)));
    // From here on the conversation answers signals itself: QUIT when idle.
    const setup = { session: opened, options, output, piped: !terminal, signal };
    if (!terminal) {
      // A script's next lines are always written already.
      const linesWaiting = (): boolean => true;
      const conversation = new Conversation(
        { ...setup, askCredentials: undefined, linesWaiting, ...settings },
        trusted,
      );
      const source = new LineSource(stdin);
      await runPiped(conversation, source);
      source.stop();
      error = conversation.failure;
    } else {
      const ehloName = options.ehloName ?? defaultEhloName(opened.connection.localAddress);
      const frontEnd = new TerminalFrontEnd(
        {
          input: stdin,
          output: screenOf(io),
          writeTranscript: (text) => io.stdout.write(text),
          historyFile: settings.historyFile,
          ehloName,
          mask: options.secretMask,
        },
        output,
      );
      const { askCredentials, linesWaiting } = frontEnd;
      const conversation = new Conversation(
        { ...setup, askCredentials, linesWaiting, ...settings },
        trusted,
      );
      await frontEnd.run(conversation);
      error = conversation.failure;
    }
  } catch (caught) {
    error = toProbeError(caught);
    output.event({ type: 'failed', error, secure: session?.connection.secure ?? false });
    if (session && leavesSessionOpen(error)) await courtesyQuit(session, options, signal);
  } finally {
    session?.connection.close();
  }

  output.verdict(error, performance.now() - startedAt);
  if (error) io.stderr.write(`smtp-probe: ${escapeText(error.message).text}\n`);
  return error?.exitCode ?? 0;
}

// Implicit TLS first when asked, then the greeting, whatever its code: a
// 554 greeting still lets the user see what the server does next.
async function greet(session: Session, request: CliRequest): Promise<boolean> {
  const options = request.probe;
  let trusted = false;
  if (options.target.implicitTls) {
    const hint = 'this port may expect plaintext SMTP and STARTTLS: try without --tls';
    const tls = await upgrade(session, options, hint);
    requireTrusted(options, tls);
    trusted = tls.verification.trusted;
    session.startGreetingClock();
  }
  await session.readGreeting(options.timeouts.greetingMs);
  return trusted;
}

// readline's own writes: the prompt, the echo of what is typed (shut while
// a secret is typed) and cursor moves. They skip the secret mask, which
// would break readline's sense of where the cursor is and turn the prompt
// itself to <hidden> for a short password; the transcript is masked.
function screenOf(io: CliIo & { readonly terminal: CliIo }): TerminalOutput {
  const screen = io.terminal.stdout as CliIo['stdout'] & Partial<TerminalOutput>;
  return {
    write: (text) => screen.write(text),
    get columns() {
      return screen.columns;
    },
    get rows() {
      return screen.rows;
    },
    on: (event, listener) => screen.on?.(event, listener),
  };
}
