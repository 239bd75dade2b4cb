/**
 * `smtp-probe run FILE [TARGET]`: the scenario loaded whole before
 * connecting — the script parsed, variables expanded, message files and
 * AUTH secrets read — so that every mistake is a usage error.
 */
import { isUtf8 } from 'node:buffer';
import { open, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { UsageError } from '../errors.js';
import { parseScenario } from '../scenario/parse.js';
import type { AuthStep, DataStep, Scenario } from '../scenario/script.js';
import type { ProbeOptions } from '../session/options.js';
import { toConnectionRequest, type RawConnectionOptions } from './connection-options.js';
import { describeFileError } from './file-error.js';
import { readSecret } from './secret.js';
import { MAX_INPUT_BYTES, PASSWORD_VARIABLE, type InputSources } from './send-options.js';
import { MAX_SCENARIO_BYTES, type RawRunOptions } from './run-options.js';

/** What `run` asks for: the probe options and the loaded scenario. */
export interface RunRequest {
  readonly probe: ProbeOptions & { readonly quiet: boolean; readonly color: boolean };
  readonly scenario: Scenario;
}

/** Loads the scenario and decides where to connect: TARGET, else the script's connect. */
export async function toRunRequest(
  file: string,
  target: string | undefined,
  raw: RawConnectionOptions & RawRunOptions,
  input: InputSources,
): Promise<RunRequest> {
  refuseProbeOptions(raw);
  const parsed = parseScenario(await readScenario(file), file, input.env);
  const scenario = { ...parsed, allowInsecureAuth: raw.authInsecure === true };
  await readMessages(scenario);
  await readSecrets(scenario, raw, input);

  const connection = connectionRequest(scenario, target, raw, input.env);
  return { probe: { ...connection, mode: 'scenario' }, scenario };
}

// These decide what a probe says; in a scenario the script says it.
function refuseProbeOptions(raw: RawConnectionOptions & RawRunOptions): void {
  if (raw.expect.length > 0) {
    throw new UsageError('--expect has no place in run: write expect lines in the scenario');
  }
  if (raw.ehlo !== undefined) {
    throw new UsageError('--ehlo has no place in run: the scenario says send EHLO NAME');
  }
  if (raw.daneRequire) {
    throw new UsageError('--dane-require has no place in run: a scenario makes no DANE check');
  }
  if (raw.starttls !== 'auto') {
    throw new UsageError('--starttls has no place in run: the scenario says starttls or not');
  }
}

function connectionRequest(
  scenario: Scenario,
  target: string | undefined,
  raw: RawConnectionOptions,
  env: NodeJS.ProcessEnv,
): ReturnType<typeof toConnectionRequest> {
  if (target !== undefined) return toConnectionRequest(target, raw, env);

  const { connect, file } = scenario;
  if (connect.target === undefined) {
    throw new UsageError(`no target: give TARGET, or write connect HOST:PORT in ${file}`);
  }
  try {
    return toConnectionRequest(connect.target, raw, env);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    throw new UsageError(`${file}:${connect.line}: ${error.message}`, error.hint);
  }
}

async function readScenario(path: string): Promise<string> {
  const bytes = await readBounded(path, MAX_SCENARIO_BYTES, 'the scenario');
  if (!isUtf8(bytes)) throw new UsageError(`the scenario ${path} is not UTF-8 text`);
  return bytes.toString('utf8').replace(/^\uFEFF/, '');
}

// `data < FILE` names a file beside the script, wherever smtp-probe runs.
async function readMessages(scenario: Scenario): Promise<void> {
  const folder = dirname(scenario.file);
  const steps = scenario.steps.filter((step): step is DataStep => step.kind === 'data');
  for (const step of steps) {
    if (step.file === undefined) continue;
    try {
      step.message = await readBounded(resolve(folder, step.file), MAX_INPUT_BYTES, 'data <');
    } catch (error) {
      throw new UsageError(`${scenario.file}:${step.line}: ${(error as Error).message}`);
    }
  }
}

// One secret serves every auth step that names no variable of its own.
async function readSecrets(
  scenario: Scenario,
  raw: RawRunOptions,
  input: InputSources,
): Promise<void> {
  const steps = scenario.steps.filter((step): step is AuthStep => step.kind === 'auth');
  const needing = steps.filter((step) => step.secret === undefined);
  if (needing.length === 0) return;

  const secret = await readSecret({
    file: raw.authPasswordFile,
    env: input.env,
    envName: PASSWORD_VARIABLE,
    stdin: input.stdin(),
    stderr: input.stderr,
    prompt: `password for ${needing[0]!.user}: `,
  });
  if (/[\0\x01]/.test(secret)) throw new UsageError('the password or token contains NUL or \\x01');
  for (const step of needing) step.secret = secret;
}

async function readBounded(path: string, limit: number, what: string): Promise<Buffer> {
  try {
    // A FIFO or a device could feed for ever: only a regular file counts.
    const info = await stat(path);
    if (!info.isFile()) throw Object.assign(new Error('not a regular file'), { code: 'ENOTFILE' });
    if (info.size > limit) throw new UsageError(`${what} ${path}: more than ${limit} bytes`);
    const handle = await open(path, 'r');
    try {
      // One byte more than expected tells a file that grew past the limit.
      const room = Math.min(info.size, limit) + 1;
      const { buffer, bytesRead } = await handle.read(Buffer.alloc(room), 0, room, 0);
      if (bytesRead > limit) throw new UsageError(`${what} ${path}: more than ${limit} bytes`);
      return buffer.subarray(0, bytesRead);
    } finally {
      await handle.close();
    }
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(`cannot read ${what} ${path}: ${describeFileError(error)}`);
  }
}
