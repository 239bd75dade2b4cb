/**
 * What a line typed in an interactive session means. smtp-probe's own
 * commands start with `/`, which no SMTP command does, so nothing typed
 * as SMTP is ever taken for one of them; `//` sends a line that really
 * starts with `/`. Inside DATA every line is message text.
 */
import { parseAuthMechanism, type AuthMechanism } from '../protocol/auth/index.js';
import { stageOfVerb } from '../session/stage.js';

/** The input state a line is typed in. */
export type InputMode =
  /** At the SMTP prompt. */
  | 'command'
  /** After 354: message text until a line holding a single dot. */
  | 'data'
  /** After a 334 to an AUTH typed in full: the next line is a SASL response. */
  | 'auth-response';

/** One typed line, read. */
export type TypedLine =
  | { readonly kind: 'empty' }
  | { readonly kind: 'tool'; readonly name: ToolCommand; readonly argument: string }
  | { readonly kind: 'unknown-tool'; readonly name: string }
  | { readonly kind: 'refused'; readonly reason: string }
  /** `AUTH MECHANISM` alone: smtp-probe asks for the credentials and encodes them. */
  | { readonly kind: 'auth-helper'; readonly mechanism: AuthMechanism }
  /**
   * A command to send as typed. `secret` marks a line that carries
   * credentials (AUTH with an initial response, a SASL response): it is
   * hidden in every output and kept out of the history.
   */
  | {
      readonly kind: 'command';
      readonly wire: string;
      readonly verb: string;
      readonly secret: boolean;
    }
  | { readonly kind: 'message-line'; readonly wire: string; readonly stuffed: boolean }
  | { readonly kind: 'end-of-message' };

/** The commands smtp-probe itself answers at the prompt. */
export const TOOL_COMMANDS = ['/help', '/quit', '/save'] as const;
export type ToolCommand = (typeof TOOL_COMMANDS)[number];

// RFC 5321 §2.3.8: CR and LF only ever end a line; one inside would end
// the command early and smuggle a second. NUL is never legitimate either.
const LINE_BREAKING = /[\r\n\0]/;

/** Reads a typed line in the given mode. */
export function readTypedLine(line: string, mode: InputMode): TypedLine {
  if (LINE_BREAKING.test(line)) {
    return { kind: 'refused', reason: 'the line holds CR, LF or NUL, which would split it' };
  }
  if (mode === 'data') return readMessageLine(line);
  // `*` cancels the exchange (RFC 4954 §4) and is no credential.
  if (mode === 'auth-response') {
    return { kind: 'command', wire: line, verb: 'AUTH', secret: line !== '*' };
  }

  if (line.trim() === '') return { kind: 'empty' };
  if (line.startsWith('//')) return readCommand(line.slice(1));
  if (line.startsWith('/')) return readToolCommand(line);
  return readCommand(line);
}

function readMessageLine(line: string): TypedLine {
  if (line === '.') return { kind: 'end-of-message' };
  // RFC 5321 §4.5.2: a line of the message that starts with a dot gets one
  // more, so that only the end-of-data line is a lone dot.
  const stuffed = line.startsWith('.');
  return { kind: 'message-line', wire: stuffed ? `.${line}` : line, stuffed };
}

function readToolCommand(line: string): TypedLine {
  const [name = '', ...rest] = line.trim().split(/\s+/);
  const known = TOOL_COMMANDS.find((command) => command === name.toLowerCase());
  if (!known) return { kind: 'unknown-tool', name };
  return { kind: 'tool', name: known, argument: rest.join(' ') };
}

// BDAT (RFC 3030) is followed by exactly the number of bytes it names, with
// no line structure and no reply in between: the server would read the
// next lines typed as the chunk, commands and all.
const BDAT_REFUSED =
  'BDAT cannot work in a typed session (its chunk is exact bytes, not lines): use DATA';

function readCommand(line: string): TypedLine {
  const words = line.trim().split(/\s+/);
  const verb = (words[0] ?? '').toUpperCase();
  if (verb === 'BDAT') return { kind: 'refused', reason: BDAT_REFUSED };
  if (verb !== 'AUTH') return { kind: 'command', wire: line, verb, secret: false };

  const mechanism = words[1] === undefined ? undefined : parseAuthMechanism(words[1]);
  if (words.length === 2 && mechanism) return { kind: 'auth-helper', mechanism };
  // With an initial response the line is a credential; without one, for a
  // mechanism smtp-probe does not know, it is an ordinary command.
  return { kind: 'command', wire: line, verb, secret: words.length > 2 };
}

/** True while the line being typed would carry credentials once sent: its echo is hidden. */
export function isSecretInput(line: string, mode: InputMode): boolean {
  if (mode === 'auth-response') return true;
  return mode === 'command' && /^\s*\/*auth\s+\S+\s+\S/i.test(line);
}

/** How a line is shown in the transcript: credentials replaced. */
export function displayOf(line: TypedLine & { kind: 'command' }): string {
  if (!line.secret) return line.wire;
  if (line.wire.trim().toUpperCase().startsWith('AUTH ')) {
    const mechanism = line.wire.trim().split(/\s+/)[1] ?? '';
    return `AUTH ${mechanism.toUpperCase()} <initial response hidden>`;
  }
  return '<response hidden>';
}

/** The stage a command's reply belongs to, by its verb. */
export const stageOf = stageOfVerb;
