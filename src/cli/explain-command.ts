/**
 * `smtp-probe explain [TEXT...]`: explains a reply, or every reply in a
 * pasted bounce, from the argument or stdin. It connects nowhere: nothing
 * here reaches the network, only the text given is read.
 */
import { UsageError, ExitCode } from '../errors.js';
import { findReplies, type FoundReply } from '../explain/bounce.js';
import type { EnhancedCodeMeaning, Explanation } from '../explain/explanation.js';
import { parseEnhancedStatusCode } from '../protocol/reply.js';
import { explanationLines } from '../output/explanation-lines.js';
import { colorLevel, createStyle } from '../output/style.js';
import { TranscriptRenderer } from '../output/transcript.js';
import { enhancedStatusJson, explanationJson } from '../report/explanation-json.js';
import { stringifyJson } from '../report/json.js';
import { describeStage } from '../session/stage.js';
import { version } from '../version.js';
import { readBounded } from './bounded-read.js';
import type { CliIo } from './main.js';

/** A pasted bounce is a few KiB; anything far larger is not one. */
export const MAX_EXPLAIN_BYTES = 64 * 1024;

/** The explain command as parsed. */
export interface ExplainCommand {
  readonly kind: 'explain';
  readonly texts: readonly string[];
  readonly raw: { readonly json?: boolean; readonly color: boolean };
}

const NOTHING_FOUND =
  'give a reply such as "550 5.7.1 …", a bounce that quotes one, or an enhanced code like 5.7.26';

/** Explains what the input holds; exit 0, or a usage error when it holds no refusal. */
export async function runExplain(command: ExplainCommand, io: CliIo): Promise<number> {
  const input = command.texts.length > 0 ? command.texts.join(' ') : await readStdin(io);
  const replies = findReplies(input).filter((reply) => reply.code >= 400);
  const bare = replies.length === 0 ? parseEnhancedStatusCode(input.trim()) : undefined;
  if (replies.length === 0 && (!bare || input.trim().includes(' '))) {
    throw new UsageError('no 4xx or 5xx reply found in the input', NOTHING_FOUND);
  }

  // The explanations are loaded as a session loads them: on demand.
  const { describeEnhancedStatus, explainReply, summariseEnhanced } =
    await import('../explain/index.js');
  const explained = replies.map((reply) => ({
    reply,
    explanation: explainReply(reply, { stage: reply.stage }),
  }));
  const code = bare && describeEnhancedStatus(bare);
  const said = code && `${summariseEnhanced(code)}${code.reference ? ` (${code.reference})` : ''}`;
  io.stdout.write(
    command.raw.json ? explainJson(explained, code) : explainText(explained, said, command, io),
  );
  return ExitCode.ok;
}

async function readStdin(io: CliIo): Promise<string> {
  const stdin = io.stdin?.();
  if (!stdin) return '';
  if (stdin.isTTY) io.stderr.write('smtp-probe: paste the reply or the bounce, then Ctrl-D\n');
  const bytes = await readBounded(stdin, MAX_EXPLAIN_BYTES);
  if (!bytes) {
    throw new UsageError('the input is longer than 64 KiB', 'paste only the part with the reply');
  }
  return bytes.toString('utf8');
}

interface Explained {
  readonly reply: FoundReply;
  readonly explanation: Explanation;
}

function explainText(
  explained: readonly Explained[],
  code: string | undefined,
  command: ExplainCommand,
  io: CliIo,
): string {
  const isTty = io.stdout.isTTY === true;
  const style = createStyle(colorLevel({ colorFlag: command.raw.color, env: io.env, isTty }));
  const renderer = new TranscriptRenderer(style);
  const blocks = explained.map(({ reply, explanation }) => {
    const lines = reply.lines.map((line) =>
      style.reply(reply.code, `<- ${renderer.escapeText(line)}`),
    );
    const stage = reply.stage ? [renderer.note(`the reply to ${describeStage(reply.stage)}`)] : [];
    const notes = explanationLines(explanation, { withSource: true }).map((line) =>
      renderer.note(line),
    );
    return [...lines, ...stage, ...notes].join('\n');
  });
  if (code) blocks.push(renderer.note(code));
  return `${[...blocks, ...renderer.controlsWarning()].join('\n\n')}\n`;
}

function explainJson(explained: readonly Explained[], code: EnhancedCodeMeaning | undefined) {
  const document = {
    kind: 'explain',
    tool: { name: 'smtp-probe', version },
    replies: explained.map(({ reply, explanation }) => ({
      code: reply.code,
      enhancedStatus: explanation.enhancedStatus?.code ?? null,
      stage: reply.stage ?? null,
      lines: [...reply.lines],
      explanation: explanationJson(explanation),
    })),
    enhancedStatus: enhancedStatusJson(code),
  };
  return `${stringifyJson(document, 2)}\n`;
}
