/**
 * Calendar dates as day numbers (days since 1970-01-01 UTC), the unit the model and the kernels
 * count in. Pure arithmetic with no error types, so every layer may import it; the checked parse
 * of a user's date (`parseDay`, an engine error) is in engine/dates.ts.
 */

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

export function formatDay(day: number): string {
  return new Date(day * MS_PER_DAY).toISOString().slice(0, 10);
}

/** Unix seconds of the day's 00:00 UTC. */
export function dayToUnixSeconds(day: number): number {
  return day * 86_400;
}
