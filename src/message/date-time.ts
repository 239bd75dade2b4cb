/**
 * The date-time of RFC 5322 §3.3, as the Date header field carries it:
 * `Fri, 04 Dec 2026 17:15:00 +0000`.
 */

const DAY_NAMES = 'Sun Mon Tue Wed Thu Fri Sat'.split(' ');
const MONTH_NAMES = 'Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec'.split(' ');

/**
 * Formats a date as an RFC 5322 date-time in UTC. The zone is written
 * `+0000` rather than `-0000`, which §3.3 reserves for a time whose local
 * zone is unknown; UTC keeps the output independent of the machine's zone.
 */
export function formatDateTime(date: Date): string {
  const day = DAY_NAMES[date.getUTCDay()];
  const month = MONTH_NAMES[date.getUTCMonth()];
  const time = [date.getUTCHours(), date.getUTCMinutes(), date.getUTCSeconds()].map(pad).join(':');
  return `${day}, ${pad(date.getUTCDate())} ${month} ${date.getUTCFullYear()} ${time} +0000`;
}

function pad(value: number): string {
  return String(value).padStart(2, '0');
}
