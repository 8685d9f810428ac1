import { CampaignError } from './errors.js';

const MS_PER_DAY = 86_400_000;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Days since 1970-01-01 of a `YYYY-MM-DD` UTC date, or null when it is not a real calendar date. */
export function tryParseDay(text: string): number | null {
  const m = ISO_DATE.exec(text);
  if (m === null) return null;
  const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  const day = ms / MS_PER_DAY;
  return formatDay(day) === text ? day : null;
}

export function parseDay(text: string, what = 'date'): number {
  const day = tryParseDay(text);
  if (day === null) throw new CampaignError('BAD_DATE', `${what} must be a calendar date YYYY-MM-DD, got '${text}'`);
  return day;
}

export function formatDay(day: number): string {
  return new Date(day * MS_PER_DAY).toISOString().slice(0, 10);
}

/** Unix seconds of the day's 00:00 UTC. */
export function dayToUnixSeconds(day: number): number {
  return day * 86_400;
}
