/**
 * `npm run bench`: how long smtp-probe takes from the shell prompt to its exit, put beside
 * Node's own start-up and beside swaks and check_smtp doing the same work against the same
 * server. The server is the reply-map server, run in this process on 127.0.0.1 with a
 * certificate made for the run, so STARTTLS is real, and greeting at once, so that the
 * times are the clients' own. The results go to stdout and into docs/benchmarks.md,
 * between the bench markers.
 *
 * Usage: node dist/dev/bench.js [--runs N]
 */
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { makeSelfSigned } from '../helpers/certificates.js';
import { startReplyMapServer } from '../helpers/reply-map-server.js';
import { measureMemory, measureTimes, preflight } from './measure.js';
import { DOC, renderReport, writeDoc } from './report.js';
import { CLI, defineSubjects, findTools } from './subjects.js';

const DEFAULT_RUNS = 30;

await main();

async function main(): Promise<void> {
  const runs = readRuns(process.argv.slice(2));

  if (!existsSync(CLI)) {
    throw new Error(`${CLI} is missing: run npm run build first`);
  }

  const tools = findTools();
  const pair = await makeSelfSigned();
  const server = await startReplyMapServer(pair);

  try {
    const subjects = await preflight(defineSubjects(server.port, tools), tools.notes);
    const samples = await measureTimes(subjects, runs);
    const memory = await measureMemory(subjects, tools);
    const report = renderReport(samples, memory, tools, runs);

    process.stdout.write(`${report}\n`);
    writeDoc(report);
    process.stderr.write(`bench: wrote ${DOC}\n`);

    const ourFailures = samples.filter((s) => s.subject.ours && s.problems.length > 0);
    process.exitCode = ourFailures.length > 0 ? 1 : 0;
  } finally {
    await server.close();
  }
}

/** Reads `--runs N`; anything else is a usage error. */
function readRuns(argv: string[]): number {
  const { values } = parseArgs({ args: argv, options: { runs: { type: 'string' } } });
  const runs = values.runs === undefined ? DEFAULT_RUNS : Number(values.runs);
  if (!Number.isInteger(runs) || runs < 1 || runs > 1000) {
    throw new Error(`--runs wants a whole number from 1 to 1000, not ${values.runs}`);
  }
  return runs;
}
