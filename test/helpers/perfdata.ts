/**
 * A parser of Nagios status lines written from the Monitoring Plugins
 * guidelines' grammar, so that tests check the output the way a monitoring
 * agent reads it: `STATUS - text | 'label'=value[UOM];[warn];[crit];[min];[max] …`.
 */

/** One parsed item of performance data. */
export interface ParsedPerf {
  readonly label: string;
  readonly value: number;
  readonly uom: string;
  readonly warn: string;
  readonly crit: string;
  readonly min: string;
  readonly max: string;
}

/** A status line taken apart. */
export interface ParsedStatus {
  readonly service: string;
  readonly state: string;
  readonly text: string;
  readonly perf: ParsedPerf[];
}

const STATUS = /^(\S+) (OK|WARNING|CRITICAL|UNKNOWN) - ([^|\n]*?)(?: \| ([^|\n]*))?\n$/;
// A quoted label doubles its quotes; a bare one holds no space, quote or =.
const LABEL = String.raw`'((?:[^'=]|'')+)'|([^'=\s]+)`;
const NUMBER = String.raw`-?\d+(?:\.\d+)?`;
// warn and crit are ranges: [@][start:][end], start may be ~.
const RANGE = String.raw`@?(?:(?:~|${NUMBER})?:)?(?:${NUMBER})?`;
const ITEM = new RegExp(
  `^(?:${LABEL})=(${NUMBER})(s|ms|us|%|B|KB|MB|TB|c)?` +
    `(?:;(${RANGE})(?:;(${RANGE})(?:;(${NUMBER})?(?:;(${NUMBER})?)?)?)?)?$`,
);

/** Parses a whole status line; throws on anything the grammar does not allow. */
export function parseStatusLine(line: string): ParsedStatus {
  const match = STATUS.exec(line);
  if (!match) throw new Error(`not a status line: ${JSON.stringify(line)}`);
  const [, service, state, text, perfdata] = match;
  const perf = perfdata ? perfdata.split(' ').map(parsePerfItem) : [];
  return { service: service!, state: state!, text: text!, perf };
}

function parsePerfItem(item: string): ParsedPerf {
  const match = ITEM.exec(item);
  if (!match) throw new Error(`not a perfdata item: ${JSON.stringify(item)}`);
  const [, quoted, bare, value, uom, warn, crit, min, max] = match;
  return {
    label: quoted?.replaceAll("''", "'") ?? bare!,
    value: Number(value),
    uom: uom ?? '',
    warn: warn ?? '',
    crit: crit ?? '',
    min: min ?? '',
    max: max ?? '',
  };
}

/** The item with this label; throws when there is none. */
export function perfItem(status: ParsedStatus, label: string): ParsedPerf {
  const found = status.perf.find((item) => item.label === label);
  if (!found) throw new Error(`no perfdata item '${label}' in ${JSON.stringify(status.perf)}`);
  return found;
}
