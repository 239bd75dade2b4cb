/**
 * Tab completion at the prompt: SMTP commands, the commands and parameters
 * of the extensions this server advertised in its last EHLO reply, the
 * AUTH mechanisms it offers, and smtp-probe's own `/` commands.
 */
import type { ExtensionSet } from '../protocol/extensions.js';
import { TOOL_COMMANDS } from './typed-line.js';

/** What completion knows about the session. */
export interface CompletionContext {
  /** The last EHLO reply's extensions; undefined before EHLO and after STARTTLS. */
  readonly extensions: ExtensionSet | undefined;
  /** The name offered after EHLO and HELO. */
  readonly ehloName: string;
}

/** Commands every server knows (RFC 5321 §4.5.1), and those it may (§3.5, §4.1.1). */
const CORE_COMMANDS = ['EHLO', 'HELO', 'MAIL FROM:<', 'RCPT TO:<', 'DATA', 'RSET', 'NOOP'];
const OPTIONAL_COMMANDS = ['QUIT', 'VRFY', 'EXPN', 'HELP'];

/**
 * Extensions that bring a command of their own, with that command. Not
 * CHUNKING: BDAT is refused in a session (typed-line.ts).
 */
const EXTENSION_COMMANDS: Readonly<Record<string, string>> = {
  STARTTLS: 'STARTTLS',
  AUTH: 'AUTH',
  ETRN: 'ETRN',
  ATRN: 'ATRN',
  XCLIENT: 'XCLIENT',
  XFORWARD: 'XFORWARD',
};

/** MAIL FROM parameters, by the extension that allows them. */
const MAIL_PARAMETERS: Readonly<Record<string, readonly string[]>> = {
  SIZE: ['SIZE='],
  '8BITMIME': ['BODY=8BITMIME', 'BODY=7BIT'],
  BINARYMIME: ['BODY=BINARYMIME'],
  SMTPUTF8: ['SMTPUTF8'],
  DSN: ['RET=FULL', 'RET=HDRS', 'ENVID='],
  REQUIRETLS: ['REQUIRETLS'],
  AUTH: ['AUTH=<>'],
};

/** RCPT TO parameters, by the extension that allows them. */
const RCPT_PARAMETERS: Readonly<Record<string, readonly string[]>> = {
  DSN: ['NOTIFY=SUCCESS,FAILURE,DELAY', 'NOTIFY=NEVER', 'ORCPT=rfc822;'],
};

/**
 * Completes the line typed so far: the candidates and the part of the
 * line they replace, as node:readline's completer returns them.
 */
export function completeLine(line: string, context: CompletionContext): [string[], string] {
  if (line.startsWith('/')) return [matching(TOOL_COMMANDS, line), line];

  const space = line.indexOf(' ');
  if (space === -1) return [matching(commandsFor(context.extensions), line), line];

  const verb = line.slice(0, space).toUpperCase();
  const word = line.slice(line.lastIndexOf(' ') + 1);
  return [matching(argumentsFor(verb, line, context), word), word];
}

function commandsFor(extensions: ExtensionSet | undefined): string[] {
  const offered = Object.entries(EXTENSION_COMMANDS)
    .filter(([keyword]) => extensions?.has(keyword))
    .map(([, command]) => command);
  return [...CORE_COMMANDS, ...offered, ...OPTIONAL_COMMANDS];
}

function argumentsFor(verb: string, line: string, context: CompletionContext): string[] {
  const { extensions } = context;
  const words = line.trim().split(/\s+/).length + (line.endsWith(' ') ? 1 : 0);
  if ((verb === 'EHLO' || verb === 'HELO') && words === 2) return [context.ehloName];
  if (verb === 'AUTH' && words === 2) return [...(extensions?.params('AUTH') ?? [])];
  if (verb === 'MAIL' && words === 2) return ['FROM:<'];
  if (verb === 'RCPT' && words === 2) return ['TO:<'];
  // Parameters follow the address (RFC 5321 §4.1.2); only once it is closed.
  if (!line.includes('>')) return [];
  if (verb === 'MAIL') return parametersFor(MAIL_PARAMETERS, extensions);
  if (verb === 'RCPT') return parametersFor(RCPT_PARAMETERS, extensions);
  return [];
}

function parametersFor(
  table: Readonly<Record<string, readonly string[]>>,
  extensions: ExtensionSet | undefined,
): string[] {
  return Object.entries(table).flatMap(([keyword, parameters]) =>
    extensions?.has(keyword) ? parameters : [],
  );
}

// Commands are case-insensitive (RFC 5321 §2.4): `eh` completes to EHLO.
function matching(candidates: readonly string[], typed: string): string[] {
  const lower = typed.toLowerCase();
  return candidates.filter((candidate) => candidate.toLowerCase().startsWith(lower));
}
