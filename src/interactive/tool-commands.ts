/**
 * smtp-probe's own commands at the prompt, all starting with `/`: /help,
 * /quit and /save FILE. None of them sends anything but /quit's QUIT.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { SecretMask } from '../output/secret-mask.js';
import type { InteractiveOutput } from './output.js';
import type { ToolCommand } from './typed-line.js';

/** What the tool commands act on. */
export interface ToolContext {
  readonly output: InteractiveOutput;
  readonly mask: SecretMask | undefined;
  readonly quit: () => Promise<void>;
}

/** Runs one tool command; false when it could not do what was asked. */
export async function runToolCommand(
  name: ToolCommand,
  argument: string,
  context: ToolContext,
): Promise<boolean> {
  const { output } = context;
  switch (name) {
    case '/help':
      output.say(HELP.map((line) => `   ${line}`));
      return true;
    case '/quit':
      await context.quit();
      return true;
    case '/save':
      return save(argument, context);
  }
}

function save(typed: string, { output, mask }: ToolContext): boolean {
  if (typed === '') {
    output.warn('/save needs a file name: /save FILE');
    return false;
  }
  const path = expandHome(typed);
  const lines = output.lineCount;
  const problem = mask ? output.save(path, mask) : 'no secret mask: not saving';
  if (problem) output.warn(`transcript not saved: ${problem}`);
  else output.note(`transcript saved to ${path} (${lines} lines, secrets hidden)`);
  return problem === undefined;
}

// No shell reads the line: ~ and ~/ are expanded here, as a shell would.
function expandHome(path: string): string {
  if (path === '~') return homedir();
  return path.startsWith('~/') ? join(homedir(), path.slice(2)) : path;
}

const HELP = [
  'Type SMTP commands as you would over telnet; each is sent with CRLF when you press Enter,',
  'and each reply is shown timed and classified. Nothing is sent before the server has',
  'answered the line before.',
  '',
  '  STARTTLS          on 220, TLS starts on this connection; the prompt then shows (TLS)',
  '  AUTH PLAIN        (or LOGIN, CRAM-MD5, XOAUTH2) alone: smtp-probe asks for the user and',
  '                    the password, without echo, encodes and sends them, hidden everywhere',
  '  DATA              on 354, type the message; lines starting with "." are dot-stuffed,',
  '                    a line holding only "." ends the message',
  '',
  '  /help             this text',
  '  /quit             say QUIT and end the session; Ctrl-D does the same, except inside',
  '                    DATA, where it closes the connection and nothing is delivered',
  '  /save FILE        write the transcript so far to a new FILE (~/ is your home folder),',
  '                    secrets hidden',
  '  //TEXT            send /TEXT: a line that really starts with /',
  '',
  '  Tab completes commands, the extensions the server offered and their parameters;',
  '  the arrow keys recall earlier commands. Ctrl-C stops waiting for a reply, and',
  '  clears the line otherwise.',
];
