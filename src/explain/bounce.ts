/**
 * Finds SMTP replies in pasted text: a reply as a server sent it (`550 5.1.1
 * …`, `550-5.7.26 …` lines), or as bounces quote it — Postfix's `host x
 * said: 550 …` wrapped over indented lines, Exim's indented reply after
 * `SMTP error from remote mail server after RCPT TO:`, Microsoft's `Remote
 * server returned '550 …'`, a DSN's `Diagnostic-Code: smtp; 550 …`, Postfix's
 * `refused to talk to me: 554 …` for a refused greeting, and transcripts
 * (smtp-probe's `<-`, swaks's `<-` and `<**`, sendmail's `<<<`, `S:`). Where
 * the bounce says which command the reply answered, that becomes its stage.
 * A reply that quotes another (Postfix's "unverified address: host x said:
 * 550 …") is the outer one, with the inner in its text.
 *
 * Only `smtp-probe explain` needs this, so it stays out of the explanations
 * chunk that sessions load (index.ts): the CLI imports it directly.
 */
import { findEnhancedStatusCode, type EnhancedStatusCode } from '../protocol/reply.js';
import type { Stage } from '../session/stage.js';

/** A reply found in the text, rebuilt line by line. */
export interface FoundReply {
  readonly code: number;
  readonly enhancedStatus: EnhancedStatusCode | undefined;
  /** The reply's lines as a server sends them: `550-5.7.26 …`, the last `550 …`. */
  readonly lines: readonly string[];
  /** Each line's text after its code. */
  readonly texts: readonly string[];
  /** The command it answered, when the text says. */
  readonly stage: Stage | undefined;
}

// A line that is a reply line: as sent, in a transcript (smtp-probe's and
// swaks's `<-` and `<~`, swaks's `<**` and `<~*` for refusals, sendmail's
// `<<<`, a plain `S:`), or as a DSN field.
const REPLY_LINE = new RegExp(
  String.raw`^\s*(?<prefix><(?:[-~]|\*\*|~\*)\s+|<<<\s*|S:\s*|diagnostic-code:\s*smtp;\s*)?` +
    String.raw`(?<code>[245]\d\d)(?:(?<separator>[- ])(?<text>.*))?$`,
  'i',
);

// What smtp-probe's transcript adds after a reply's last line.
const LATENCY_SUFFIX = /\s{2,}(?:\d+(?:\.\d+)? m?s|unsolicited)(?: · .*)?$/;

// Words after which bounces quote the server's reply within a line,
// Postfix's words for a refused greeting, and its own log line for a
// refusal ("NOQUEUE: reject: RCPT from …: 554 …"). Postfix may wrap the
// line straight after the code (`said: 550`, then `    5.1.1 …`).
const QUOTED_REPLY = new RegExp(
  String.raw`(?:\b(?:said|returned|replied|responded|reason|response)\s*:?` +
    String.raw`|\b(?<greeting>refused to talk to me):` +
    String.raw`|\breject: (?<verb>[A-Z-]+) from [^\s[]*\[[^\]]*\]:)` +
    String.raw`\s*(?<quote>['"]?)\s*(?<code>[245]\d\d)(?:(?<separator>[- ])(?<text>.*))?$`,
  'i',
);

// Lines that start the next part of a bounce, never a reply's continuation:
// an address alone (Exim's next failed address), Exim's host line and its
// "SMTP error from remote mail server" line.
const NEW_BLOCK =
  /^\s*(?:<?[^\s<>@]+@[^\s<>@]+>?:?\s*$|host \S+ \[[^\]]*\]\s*$|SMTP error from remote)/i;

/** Every reply in the text, in order, each once. */
export function findReplies(input: string): FoundReply[] {
  const lines = input.split(/\r\n|\r|\n/);
  const found: FoundReply[] = [];
  for (let index = 0; index < lines.length; index += 1) {
    // A line that is itself a reply is read as one, even when its text
    // quotes another reply: the outer code is the one the client got.
    const own = REPLY_LINE.exec(lines[index]!);
    const quoted = own ? null : QUOTED_REPLY.exec(lines[index]!);
    const taken = quoted ? takeQuoted(lines, index, quoted) : takeReplyLines(lines, index, own);
    if (!taken) continue;
    found.push(taken.reply);
    index = taken.next - 1;
  }
  return unique(found);
}

interface Taken {
  readonly reply: FoundReply;
  /** The first line not part of the reply. */
  readonly next: number;
}

// Postfix wraps a quoted reply over indented lines and flattens a multi-line
// one, so `550-5.7.1 a 550-5.7.1 b 550 5.7.1 c` is split back into lines.
function takeQuoted(lines: readonly string[], index: number, match: RegExpExecArray): Taken {
  const groups = match.groups ?? {};
  const { quote = '', code = '', separator = ' ', text: first = '', verb } = groups;
  let next = index + 1;
  const parts = [first];
  while (next < lines.length && continues(lines[next]!, 1)) parts.push(lines[next++]!.trim());

  let text = parts.join(' ');
  const closing = quote === '' ? -1 : text.lastIndexOf(quote);
  if (closing !== -1) text = text.slice(0, closing);
  const hint = /\(in reply to (.+?) command\)/i.exec(text)?.[1] ?? verb;
  text = text.replace(/\s*\(in reply to .+?\)\s*$/i, '').replace(/;\s*from=<.*$/, '');

  const stage = groups['greeting']
    ? 'greeting'
    : hint
      ? stageOf(hint)
      : stageBefore(lines, index, match.index);
  return { reply: rebuild(Number(code), `${separator}${text}`, stage), next };
}

// Lines that each carry the code, continued with `-`, as a server sends them.
function takeReplyLines(
  lines: readonly string[],
  index: number,
  first: RegExpExecArray | null,
): Taken | undefined {
  const code = first?.groups?.['code'];
  if (!first || !code) return undefined;
  let separator = first.groups?.['separator'] ?? ' ';
  const texts = [`${separator}${textOf(first)}`];
  let next = index + 1;
  while (separator === '-' && next < lines.length) {
    const line = REPLY_LINE.exec(lines[next]!);
    if (!line || line.groups?.['code'] !== code) break;
    separator = line.groups?.['separator'] ?? ' ';
    texts.push(`${separator}${textOf(line)}`);
    next += 1;
  }
  // A DSN folds a long field over indented lines; in an Exim bounce, a line
  // indented less than the reply belongs to the next address. A transcript
  // line stands alone: what follows it is the client's.
  const folds = !/^[<S]/i.test(first.groups?.['prefix'] ?? '');
  const indent = Math.max(1, indentOf(lines[index]!));
  while (
    folds &&
    next < lines.length &&
    continues(lines[next]!, indent) &&
    !REPLY_LINE.test(lines[next]!)
  ) {
    texts[texts.length - 1] += ` ${lines[next++]!.trim()}`;
  }
  const pieces = texts.flatMap((text) => splitFlattened(Number(code), text));
  return { reply: fromLines(Number(code), pieces, stageBefore(lines, index, 0)), next };
}

function indentOf(line: string): number {
  return /^\s*/.exec(line)![0].length;
}

// A line goes on the reply before it when it is indented at least so much
// and does not start the next part of the bounce.
function continues(line: string, indent: number): boolean {
  return /\S/.test(line) && indentOf(line) >= indent && !NEW_BLOCK.test(line);
}

function textOf(line: RegExpExecArray): string {
  const text = line.groups?.['text'] ?? '';
  return line.groups?.['prefix']?.startsWith('<') ? text.replace(LATENCY_SUFFIX, '') : text;
}

// `-text a 550-5.7.1 text b 550 5.7.1 text c` → the three lines again.
function rebuild(code: number, flattened: string, stage: Stage | undefined): FoundReply {
  return fromLines(code, splitFlattened(code, flattened), stage);
}

// Only a continued line (`-`) has another after it, and a server repeats
// the first line's enhanced code on each. A code after text in a last line
// (`550 5.1.8 … said: 550 5.1.1 …`), or with another enhanced code, is a
// reply quoted in the text, not a line of this one.
function splitFlattened(code: number, flattened: string): string[] {
  const leading = /^[- ]([245]\.\d{1,3}\.\d{1,3})\b/.exec(flattened)?.[1];
  const enhanced = leading?.replaceAll('.', String.raw`\.`) ?? String.raw`[245]\.\d{1,3}\.\d{1,3}`;
  const repeat = new RegExp(String.raw`\s${code}(?=[- ]${enhanced}\b)`);
  const nextLineAt = (text: string): number => (text.startsWith('-') ? text.search(repeat) : -1);

  const pieces: string[] = [];
  let rest = flattened;
  for (let at = nextLineAt(rest); at !== -1; at = nextLineAt(rest)) {
    pieces.push(rest.slice(0, at));
    rest = rest.slice(at + 1 + String(code).length);
  }
  return [...pieces, rest];
}

// Each piece starts with its separator; the last line is the one without `-`.
function fromLines(code: number, pieces: readonly string[], stage: Stage | undefined): FoundReply {
  const texts = pieces.map((piece) => piece.slice(1).trim());
  const lines = texts.map((text, at) => {
    const separator = at < texts.length - 1 ? '-' : ' ';
    return text === '' && separator === ' ' ? String(code) : `${code}${separator}${text}`;
  });
  const enhancedStatus = findEnhancedStatusCode(texts);
  return { code, enhancedStatus, lines, texts, stage };
}

const STAGE_WORDS: readonly (readonly [RegExp, Stage])[] = [
  [/^rcpt\b/i, 'rcpt'],
  [/^mail\b/i, 'mail'],
  [/^end[- ]of[- ](?:data|message)/i, 'message'],
  [/^data\b/i, 'data'],
  [/^(?:ehlo|helo)/i, 'ehlo'],
  [/^starttls/i, 'starttls'],
  [/^auth/i, 'auth'],
  [/^initial (?:connection|protocol greeting|greeting)/i, 'greeting'],
  // Postfix logs a refusal of the connection itself as "reject: CONNECT from".
  [/^connect\b/i, 'greeting'],
];

function stageOf(words: string): Stage | undefined {
  return STAGE_WORDS.find(([pattern]) => pattern.test(words.trim()))?.[1];
}

// Exim names the command on the line before the reply ("SMTP error from
// remote mail server after RCPT TO:<…>:"), others earlier on the same line.
function stageBefore(lines: readonly string[], index: number, end: number): Stage | undefined {
  const same = lines[index]!.slice(0, end);
  const previous = index > 0 ? lines[index - 1]! : '';
  for (const text of [same, previous]) {
    const after = /\b(?:after|for) (?:pipelined )?(.+?)(?: command|:|$)/i.exec(text);
    const stage = after && stageOf(after[1]!);
    if (stage) return stage;
  }
  return undefined;
}

// A bounce quotes the same reply in its text and again in its DSN part.
function unique(replies: readonly FoundReply[]): FoundReply[] {
  const seen = new Set<string>();
  return replies.filter((reply) => {
    const key = `${reply.code} ${reply.texts.join(' ').replace(/\s+/g, ' ').toLowerCase()}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
