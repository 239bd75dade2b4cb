/**
 * Everything a run loads only when it is asked for: the machine and
 * monitoring formats, many probes, scenarios, MX routing, interactive
 * sessions, the requests of `send` and `run`, and `explain`. One module,
 * loaded with one dynamic import, so that the bundle splits into the
 * common run and the rest — rather than into a chunk per combination of
 * users, which start-up pays for file by file.
 */
export { batchOutput, singleOutput } from './outputs.js';
export { renderNagiosUnknown } from '../report/nagios.js';
export { runBatch } from '../session/batch.js';
export { runScenario } from '../scenario/run.js';
export { toRunRequest } from './run-request.js';
export { toSendRequest } from './send-request.js';
export { runMailRoute } from './mx-output.js';
export { runExplain } from './explain-command.js';
export { toInteractiveSettings } from './interactive-options.js';
export { runInteractive } from '../interactive/run.js';
