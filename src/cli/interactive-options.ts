/**
 * The options of an interactive session (-i): one target, text output,
 * and nothing that decides what a probe says, since the user says it.
 */
import { UsageError } from '../errors.js';
import { defaultHistoryPath } from '../interactive/history.js';
import type { InteractiveSettings } from '../interactive/run.js';

/** The options -i reads, as commander hands them over. */
export interface RawInteractiveOptions {
  interactive?: boolean;
  historyFile?: string;
  history: boolean;
  authInsecure?: boolean;
}

/** Options that make a probe say or judge something: the user does that in a session. */
const NOT_INTERACTIVE: readonly (readonly [string, (raw: Record<string, unknown>) => boolean])[] = [
  ['--banner', (raw) => raw['banner'] === true],
  ['--mx', (raw) => raw['mx'] === true || raw['all'] === true],
  ['--check-starttls-enforced', (raw) => raw['checkStarttlsEnforced'] === true],
  ['--expect', (raw) => (raw['expect'] as string[] | undefined)?.length !== 0],
  ['--format and --json', (raw) => raw['format'] !== 'text' || raw['json'] === true],
  ['--quiet', (raw) => raw['quiet'] === true],
  ['--count', (raw) => raw['count'] !== '1'],
  ['--targets-file', (raw) => (raw['targetsFile'] as string[] | undefined)?.length !== 0],
  ['--starttls', (raw) => raw['starttls'] !== 'auto'],
  ['--dane-require', (raw) => raw['daneRequire'] === true],
  // A person decides when a session ends; each wait keeps its own limit.
  ['--deadline', (raw) => raw['deadline'] !== '5m'],
];

/** Checks the options of -i and says where the history goes. */
export function toInteractiveSettings(
  raw: RawInteractiveOptions & Record<string, unknown>,
  targets: readonly string[],
  env: NodeJS.ProcessEnv,
): InteractiveSettings {
  if (targets.length !== 1) throw new UsageError('-i takes one target');
  for (const [name, given] of NOT_INTERACTIVE) {
    if (given(raw)) throw new UsageError(`${name} has no place in an interactive session (-i)`);
  }
  if (!raw.history && raw.historyFile !== undefined) {
    throw new UsageError('--no-history and --history-file contradict each other');
  }
  const historyFile = raw.history ? (raw.historyFile ?? defaultHistoryPath(env)) : undefined;
  return { historyFile, allowInsecureAuth: raw.authInsecure === true };
}
