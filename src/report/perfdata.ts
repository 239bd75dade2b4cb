/**
 * Performance data as the Monitoring Plugins guidelines define it:
 * `'label'=value[UOM];[warn];[crit];[min];[max]`, items separated by
 * spaces. See https://www.monitoring-plugins.org/doc/guidelines.html#AEN200.
 */

/** One item of performance data. */
export interface PerfItem {
  readonly label: string;
  readonly value: number;
  /** `s` for seconds, '' for a plain number. */
  readonly uom: 's' | '';
  /** Ranges in the guidelines' syntax: `2` alerts above 2, `30:` below 30. */
  readonly warn?: string | undefined;
  readonly crit?: string | undefined;
  readonly min?: number | undefined;
}

/** Formats the items; trailing empty fields are left out, as the guidelines allow. */
export function formatPerfdata(items: readonly PerfItem[]): string {
  return items.map(formatItem).join(' ');
}

function formatItem(item: PerfItem): string {
  const fields = [
    `${quoteLabel(item.label)}=${formatNumber(item.value)}${item.uom}`,
    item.warn ?? '',
    item.crit ?? '',
    item.min === undefined ? '' : formatNumber(item.min),
  ];
  while (fields.length > 1 && fields.at(-1) === '') fields.pop();
  return fields.join(';');
}

// Quotes are optional for plain labels but never wrong; a quote inside one
// is doubled, and = is not allowed at all.
function quoteLabel(label: string): string {
  return `'${label.replaceAll("'", "''").replaceAll('=', '_')}'`;
}

/** A plain decimal (never 1e-7): the guidelines allow digits, a dot and a minus only. */
export function formatNumber(value: number): string {
  return value.toFixed(6).replace(/\.?0+$/, '');
}
