/**
 * Colours and markers. Colour is decided once, at the CLI edge; renderers
 * get a Style and never look at the terminal themselves.
 */
import { Chalk, type ChalkInstance } from 'chalk';
import { classifyReplyCode, type ReplyClass } from '../protocol/reply.js';

/** Who said a line, as marked at its start (swaks's convention, familiar to admins). */
export const Marker = {
  client: '->',
  clientTls: '~>',
  server: '<-',
  serverTls: '<~',
  note: '==',
  warning: '!!',
  error: '**',
} as const;

/** The colour functions renderers use. */
export interface Style {
  readonly reply: (code: number, text: string) => string;
  readonly command: (text: string) => string;
  readonly note: (text: string) => string;
  readonly warning: (text: string) => string;
  readonly error: (text: string) => string;
  readonly strong: (text: string) => string;
  readonly dim: (text: string) => string;
}

/** Makes a Style at a chalk colour level: 0 is none, 1–3 more colours. */
export function createStyle(level: 0 | 1 | 2 | 3): Style {
  const chalk = new Chalk({ level });
  const byClass: Record<ReplyClass, ChalkInstance> = {
    success: chalk.green,
    intermediate: chalk.cyan,
    transient: chalk.yellow,
    permanent: chalk.red,
  };

  return {
    reply: (code, text) => byClass[classifyReplyCode(code)](text),
    command: (text) => chalk.blue(text),
    note: (text) => chalk.dim(text),
    warning: (text) => chalk.yellow(text),
    error: (text) => chalk.red.bold(text),
    strong: (text) => chalk.bold(text),
    dim: (text) => chalk.dim(text),
  };
}

/** Decides the colour level from flags, environment and whether stdout is a terminal. */
export function colorLevel(options: {
  readonly colorFlag: boolean;
  readonly env: NodeJS.ProcessEnv;
  readonly isTty: boolean;
}): 0 | 1 | 2 | 3 {
  const { env } = options;
  if (!options.colorFlag) return 0;

  // FORCE_COLOR (0–3, or empty/true for basic) wins, as chalk and Node do.
  const force = env['FORCE_COLOR'];
  if (force !== undefined) {
    if (force === '0' || force === 'false') return 0;
    const level = Number(force);
    return level >= 1 && level <= 3 ? (level as 1 | 2 | 3) : 1;
  }

  // https://no-color.org: any non-empty value turns colour off.
  if (env['NO_COLOR'] !== undefined && env['NO_COLOR'] !== '') return 0;
  if (!options.isTty || env['TERM'] === 'dumb') return 0;

  const colorterm = env['COLORTERM'];
  if (colorterm === 'truecolor' || colorterm === '24bit') return 3;
  return /256/.test(env['TERM'] ?? '') ? 2 : 1;
}
