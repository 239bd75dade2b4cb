/**
 * The transcript: every line of the session, marked with who spoke, each
 * reply timed and coloured by class. This is the product; it goes to stdout.
 * Each event is rendered as it arrives, so a slow server shows where it is.
 */
import { formatDuration } from './duration.js';
import { escapeBytes, escapeText } from './escape.js';
import { Marker, type Style } from './style.js';
import { classifyReplyCode, describeReplyClass, type Reply } from '../protocol/reply.js';
import { stripLineEnding } from '../protocol/reply-reader.js';
import type { SessionEvent } from '../session/events.js';
import type { TlsSession } from '../transport/tls-session.js';
import { formatHostPort } from '../transport/target.js';
import { renderTlsSession } from './tls-lines.js';
import { explanationLines } from './explanation-lines.js';

/** Warnings about a server's habit rather than one reply: said once per session. */
const ONCE_PER_SESSION = new Set(['code-only', 'bare-lf']);

/** Lines of a cut-short reply shown from its start and from its end. */
const SHOWN_HEAD = 5;
const SHOWN_TAIL = 3;

/** Where the latency of a reply starts, so that short replies line up. */
const LATENCY_COLUMN = 56;

/** Renders session events into transcript lines, escaping all server text. */
export class TranscriptRenderer {
  private readonly style: Style;
  private controlsWarned = false;
  /** Protocol warnings already said, for those that are said once per session. */
  private readonly said = new Set<string>();

  constructor(style: Style) {
    this.style = style;
  }

  /**
   * The lines one event adds to the transcript; often none. When any of
   * them needed escaping, the one warning about it follows them directly.
   */
  render(event: SessionEvent): string[] {
    const lines = this.renderEvent(event);
    return lines.length === 0 ? lines : [...lines, ...this.controlsWarning()];
  }

  private renderEvent(event: SessionEvent): string[] {
    switch (event.type) {
      case 'resolved':
        return [this.note(describeResolved(event.host, event.addresses, event.ms))];
      case 'connecting':
        return [];
      case 'connect-failed':
        return [this.warning(event.message)];
      case 'connected':
        return [this.note(describeConnected(event.address, event.port, event.ms))];
      case 'tls':
        return this.renderTls(event.session);
      case 'command':
        return [this.renderCommand(event.command.display, event.secure)];
      case 'content':
        return [this.renderCommand(event.summary, event.secure)];
      case 'waiting':
        return [];
      case 'reply':
        return this.renderReply(event.reply, event.latencyMs, event.secure, event.unsolicited);
      case 'warning':
        return [this.warning(event.warning.message)];
      case 'note':
        return [this.note(event.text)];
      case 'received':
        return this.renderReceived(event.received, event.secure);
      case 'failed':
        return [
          ...this.renderReceived(event.error.received, event.secure),
          this.error(event.error.message),
        ];
    }
  }

  /**
   * What had arrived of a reply when a failure cut it short. A line that
   * never got its line ending is marked; complete lines are shown as they are.
   */
  renderReceived(received: readonly Buffer[], secure: boolean): string[] {
    const marker = secure ? Marker.serverTls : Marker.server;
    // A flood cut short shows its start and end; the middle is only counted.
    if (received.length > SHOWN_HEAD + SHOWN_TAIL + 1) {
      const omitted = received.length - SHOWN_HEAD - SHOWN_TAIL;
      return [
        ...this.renderReceived(received.slice(0, SHOWN_HEAD), secure),
        this.note(`… ${omitted} more lines not shown …`),
        ...this.renderReceived(received.slice(-SHOWN_TAIL), secure),
      ];
    }
    return received.map((raw) => {
      const ended = raw.at(-1) === 0x0a;
      const text = this.escape(ended ? stripLineEnding(raw) : raw);
      const mark = ended ? '' : this.style.dim('  (no line ending)');
      return this.style.dim(`${marker} ${text}`) + mark;
    });
  }

  /** A note line from smtp-probe itself. */
  note(text: string): string {
    return this.style.note(`${Marker.note} ${this.escapeText(text)}`);
  }

  /** A warning line. */
  warning(text: string): string {
    return this.style.warning(`${Marker.warning} ${this.escapeText(text)}`);
  }

  /** An error line. */
  error(text: string): string {
    return this.style.error(`${Marker.error} ${this.escapeText(text)}`);
  }

  /** Escapes text that may hold server bytes (an error message quoting a reply). */
  escapeText(text: string): string {
    const escaped = escapeText(text);
    if (escaped.escaped) this.controlsWarned = true;
    return escaped.text;
  }

  private renderCommand(display: string, secure: boolean): string {
    const marker = secure ? Marker.clientTls : Marker.client;
    // Our own command, escaped as any text is, but no reason to warn about the server's.
    return this.style.command(`${marker} ${escapeText(display).text}`);
  }

  private renderReply(
    reply: Reply,
    latencyMs: number,
    secure: boolean,
    unsolicited: boolean,
  ): string[] {
    const marker = secure ? Marker.serverTls : Marker.server;
    const lines = reply.lines.map((line, index) => {
      const text = this.escape(stripLineEnding(line.raw));
      const last = index === reply.lines.length - 1;
      const empty = last && reply.lines.every((l) => l.text.trim() === '') ? ' (no text)' : '';
      const shown = this.style.reply(reply.code, `${marker} ${text}${empty}`);
      return last
        ? shown + this.suffix(reply, latencyMs, unsolicited, `${text}${empty}`.length)
        : shown;
    });

    // Under a refusal, what it means: its codes, and its likely cause.
    const explained = reply.explanation
      ? explanationLines(reply.explanation).map((line) => this.note(line))
      : [];
    const warnings = reply.warnings
      .filter((warning) => !(ONCE_PER_SESSION.has(warning.code) && this.said.has(warning.code)))
      .map((warning) => {
        this.said.add(warning.code);
        return this.warning(`protocol: ${warning.message}`);
      });
    return [...lines, ...explained, ...warnings];
  }

  private suffix(reply: Reply, latencyMs: number, unsolicited: boolean, width: number): string {
    const padding = ' '.repeat(Math.max(2, LATENCY_COLUMN - width - 3));
    const replyClass = classifyReplyCode(reply.code);
    const parts = unsolicited ? ['unsolicited'] : [formatDuration(latencyMs)];
    if (replyClass === 'transient' || replyClass === 'permanent') {
      parts.push(describeReplyClass(replyClass));
    }
    return padding + this.style.dim(parts.join(' · '));
  }

  private renderTls(tls: TlsSession): string[] {
    return renderTlsSession(tls, this);
  }

  private escape(raw: Buffer): string {
    const escaped = escapeBytes(raw);
    if (escaped.escaped) this.controlsWarned = true;
    return escaped.text;
  }

  private controlsWarningSaid = false;

  /** The one warning that server text was escaped, the first time it is due. */
  controlsWarning(): string[] {
    if (!this.controlsWarned || this.controlsWarningSaid) return [];
    this.controlsWarningSaid = true;
    return [
      this.warning('server text contains control characters or invalid UTF-8; shown escaped'),
    ];
  }
}

function describeResolved(host: string, addresses: string[], ms: number): string {
  return `resolved ${host} to ${addresses.join(', ')} in ${formatDuration(ms)}`;
}

function describeConnected(address: string, port: number, ms: number): string {
  return `connected to ${formatHostPort(address, port)} in ${formatDuration(ms)}`;
}
