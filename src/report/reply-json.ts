/**
 * A reply in the JSON report: what every exchange, the greeting, a refused
 * recipient and a delivery carry. Shaped by docs/schema/report.schema.json
 * ($defs/reply).
 */
import { isUtf8 } from 'node:buffer';
import { stripLineEnding } from '../protocol/reply-reader.js';
import { classifyReplyCode, formatEnhancedStatusCode, replyText } from '../protocol/reply.js';
import type { Reply } from '../protocol/reply.js';
import { explanationJson } from './explanation-json.js';
import type { JsonObject } from './json.js';

/**
 * A reply: its code, class, enhanced status code, every line exactly as
 * received, and for a 4xx or 5xx what it means (explanation-json.ts).
 */
export function replyJson(reply: Reply): JsonObject {
  const exact = reply.lines.every((line) => isUtf8(line.raw));
  return {
    code: reply.code,
    class: classifyReplyCode(reply.code),
    enhancedStatus: reply.enhancedStatus ? formatEnhancedStatusCode(reply.enhancedStatus) : null,
    text: replyText(reply),
    lines: reply.lines.map((line) => decodeLine(line.raw)),
    explanation: explanationJson(reply.explanation),
    // Only bytes that are not UTF-8 need this: JSON strings cannot hold them.
    ...(exact ? {} : { linesBase64: reply.lines.map((line) => line.raw.toString('base64')) }),
  };
}

/** A line as received, without its line ending, decoded as UTF-8. */
export function decodeLine(raw: Buffer): string {
  return stripLineEnding(raw).toString('utf8');
}
