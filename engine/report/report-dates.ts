import { formatDay, parseDay } from '../dates.js';
import { CampaignError } from '../errors.js';

/** The longest date range a report covers (ten years): anything longer is a typo. */
export const MAX_REPORT_DAYS = 3660;

/** Error code of every problem with the report's own arguments. */
export const REPORT_ERROR = 'REPORT';

export function reportError(message: string): CampaignError {
  return new CampaignError(REPORT_ERROR, message);
}

/** The dates from `from` to `to` inclusive, checked. */
export function reportDates(from: string, to: string): string[] {
  const first = parseDay(from, 'from date');
  const last = parseDay(to, 'to date');
  if (first > last) throw reportError(`the date range is empty: from ${from} is after to ${to}`);
  if (last - first + 1 > MAX_REPORT_DAYS) throw reportError(`the date range ${from} to ${to} spans ${last - first + 1} days; at most ${MAX_REPORT_DAYS}`);
  const dates: string[] = [];
  for (let d = first; d <= last; d++) dates.push(formatDay(d));
  return dates;
}
