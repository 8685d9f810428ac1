import { tryParseDay } from '../kernels/day-number.js';
import { CampaignError } from './errors.js';

/** Day arithmetic is a kernel (every layer uses it); the engine adds the checked parse of a user's date. */
export { dayToUnixSeconds, formatDay, tryParseDay } from '../kernels/day-number.js';

export function parseDay(text: string, what = 'date'): number {
  const day = tryParseDay(text);
  if (day === null) throw new CampaignError('BAD_DATE', `${what} must be a calendar date YYYY-MM-DD, got '${text}'`);
  return day;
}
