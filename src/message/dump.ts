/**
 * `--dump`: the message that would be sent, shown without connecting. The
 * content may come from any file, so it is escaped like server text before
 * it reaches the terminal.
 */
import { escapeBytes } from '../output/escape.js';
import { splitLines } from './line-endings.js';

/**
 * Renders a message for a terminal: one output line per CRLF-terminated
 * line, each escaped on its own (UTF-8 as text, anything else byte by byte).
 * Only CRLF breaks lines, so a bare CR or LF shows as `\r` or `\n` where it
 * is, and a control character as `\xNN`.
 */
export function renderDump(message: Buffer): string {
  const shown = message.subarray(0, MAX_DUMP_BYTES);
  const text = splitLines(shown)
    .map((line) => escapeBytes(line).text)
    .join('\n');
  const rest = message.length - shown.length;
  return rest > 0 ? `${text}\n[… ${rest} more bytes not shown]` : text;
}

/**
 * The most of a message --dump prints: a terminal is no place for more, and
 * escaping a 100 MiB message at once would exhaust the memory.
 */
const MAX_DUMP_BYTES = 1024 * 1024;
