/**
 * Replays every server-behaviour case in test/fixtures/cases/ against the
 * real CLI: the fake server plays the case's script on 127.0.0.1, smtp-probe
 * runs with the case's arguments, and stdout, stderr, the exit status and the
 * bytes smtp-probe sent are checked against the case's expectation.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeCertificateAuthority, makeSelfSigned } from '../helpers/certificates.js';
import { runCli, type CliRun } from '../helpers/cli.js';
import { startDnsServer } from '../helpers/dns-server.js';
import { startFakeServer, type FakeServer } from '../helpers/fake-server.js';
import { spawnCli } from '../helpers/spawn-cli.js';
import { removeTempFiles, writeTempFile } from '../helpers/temp-files.js';
import { ALL_CASES } from '../fixtures/cases/index.js';
import type { CaseCertificates, CaseRun, TextExpectation } from '../fixtures/cases/types.js';

/** How long the server may take to finish its script after the CLI has ended. */
const SETTLE_MS = 300;
const NAMES = ['mx.example.test', 'smtp.example.test', 'relay.example.test'];

let certificates: CaseCertificates;
let caFile: string;

beforeAll(async () => {
  const ca = await makeCertificateAuthority('smtp-probe cases CA');
  const stranger = await makeCertificateAuthority('a CA nobody trusts');
  certificates = {
    selfSigned: await makeSelfSigned({ names: NAMES }),
    trusted: await ca.issue({ names: NAMES }),
    expired: await ca.issue({ names: NAMES, notBeforeDays: -60, notAfterDays: -10 }),
    unknownIssuer: await stranger.issue({ names: NAMES }),
    withoutIntermediate: await (
      await ca.intermediate('cases intermediate')
    ).issue({ names: NAMES }),
  };
  caFile = writeTempFile('ca.pem', ca.cert);
});

afterAll(() => {
  removeTempFiles();
});

/** What a run produced, with the bytes the server received. */
interface Outcome extends CliRun {
  readonly sent: string;
  readonly problems: readonly string[];
  readonly elapsedMs: number;
}

async function replay(run: CaseRun): Promise<Outcome> {
  const server = await startFakeServer(resolveScript(run));
  if (run.script === undefined) await server.close();
  const dns = run.zone ? await startDnsServer(run.zone) : undefined;
  try {
    const args = run.args.map((arg) => fillIn(arg, server.port, run, dns?.address));
    const started = Date.now();
    const result =
      run.process === 'spawn' ? await spawnCli(args, { ...run.env }) : await runCli(args, run.env);
    const elapsedMs = Date.now() - started;
    await Promise.race([server.settled(), sleep(SETTLE_MS)]);
    return {
      ...result,
      elapsedMs,
      sent: Buffer.concat(server.received).toString('latin1'),
      problems: [...server.problems],
    };
  } finally {
    if (run.script !== undefined) await closeQuietly(server);
    await dns?.close();
  }
}

function resolveScript(run: CaseRun) {
  if (run.script === undefined) return [];
  return typeof run.script === 'function' ? run.script(certificates) : run.script;
}

function fillIn(arg: string, port: number, run: CaseRun, dns: string | undefined): string {
  if (arg === '{ca}') return caFile;
  if (arg === '{port}') return String(port);
  if (arg === '{dns}') return dns!;
  if (arg === '{data}') return writeTempFile('message.eml', messageOf(run));
  return arg.replace('{target}', `127.0.0.1:${port}`);
}

function messageOf(run: CaseRun): string {
  return typeof run.message === 'function' ? run.message() : (run.message ?? '');
}

async function closeQuietly(server: FakeServer): Promise<void> {
  await server.close().catch(() => undefined);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function checkText(label: string, text: string, expectation: TextExpectation | undefined): void {
  for (const pattern of expectation?.must ?? []) {
    expect(text, `${label} should match ${pattern}`).toMatch(pattern);
  }
  for (const pattern of expectation?.mustNot ?? []) {
    expect(text, `${label} should not match ${pattern}`).not.toMatch(pattern);
  }
}

function check(run: CaseRun, outcome: Outcome): void {
  const wanted = run.expect;
  const allowed = typeof wanted.exitCode === 'number' ? [wanted.exitCode] : wanted.exitCode;
  expect(
    allowed,
    `exit ${outcome.exitCode}; stdout:\n${outcome.stdout}\nstderr:\n${outcome.stderr}`,
  ).toContain(outcome.exitCode);
  checkText('stdout', outcome.stdout, wanted.stdout);
  checkText('stderr', outcome.stderr, wanted.stderr);
  checkText('client bytes', outcome.sent, wanted.clientSent);
  if (wanted.clientSentExactly !== undefined) expect(outcome.sent).toBe(wanted.clientSentExactly);
  if (wanted.scriptCompletes ?? true) expect(outcome.problems).toEqual([]);
  if (wanted.withinMs !== undefined) expect(outcome.elapsedMs).toBeLessThan(wanted.withinMs);
}

for (const serverCase of ALL_CASES) {
  describe(`case ${serverCase.id} (${serverCase.kind}): ${serverCase.title}`, () => {
    for (const run of serverCase.runs) {
      it(`when ${run.name} then ${run.then}`, async () => {
        check(run, await replay(run));
      });
    }
    for (const missing of serverCase.todo ?? []) it.todo(missing);
  });
}
