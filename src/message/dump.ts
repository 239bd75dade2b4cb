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
  return splitLines(message)
    .map((line) => escapeBytes(line).text)
    .join('\n');
}
