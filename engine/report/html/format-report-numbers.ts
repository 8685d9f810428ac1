import { tryParseDay } from '../../dates.js';
import { count } from '../../labels/plain-numbers.js';

/** Typographic minus: a hyphen next to a percentage is easy to misread as a dash. */
const MINUS = '\u2212';
/** Shown where there is no estimate (an empty group, no holdout conversion). */
export const NO_VALUE = '—';
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** 14411 → "14,411" (the same as the terminal's). */
export const formatCount = count;

function fixed(x: number, digits: number): string {
  return x.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/** Signed with a sign only when the rounded value is not zero, so "+0.0%" never appears. */
function signed(x: number, digits: number): string {
  const magnitude = fixed(Math.abs(x), digits);
  if (Number(magnitude.replace(/,/g, '')) === 0) return magnitude;
  return (x > 0 ? '+' : MINUS) + magnitude;
}

/** A signed count (243 → "+243", −12 → "−12", 0 → "0"). */
export function formatSignedCount(n: number): string {
  return signed(n, 0);
}

/** A rate or share (0.0734 → "7.3%"); values under 1% keep two decimals so they do not collapse to "0.0%". */
export function formatPercent(x: number | null): string {
  if (x === null) return NO_VALUE;
  return `${fixed(x * 100, x !== 0 && Math.abs(x) < 0.01 ? 2 : 1)}%`;
}

/** A relative change (0.123 → "+12.3%"). */
export function formatSignedPercent(x: number): string {
  return `${signed(x * 100, 1)}%`;
}

/** A rate difference in percentage points (0.0083 → "+0.83 pp"). */
export function formatPp(x: number): string {
  return `${signed(x * 100, 2)} pp`;
}

/** The bounds of a 95% interval in the estimate's own format; the caller names it ("95% CI"). */
export function formatCi(ci: readonly [number, number], format: (x: number) => string): string {
  return `${format(ci[0])} to ${format(ci[1])}`;
}

/** "2026-11-22" → "Nov 22" for chart axes; anything not a calendar date is shown as given. */
export function formatShortDate(date: string): string {
  const day = tryParseDay(date);
  if (day === null) return date;
  const d = new Date(day * 86_400_000);
  return `${MONTHS[d.getUTCMonth()]} ${d.getUTCDate()}`;
}

/** An axis tick: only the decimals the tick needs ("25%", "2.5%"). */
export function formatTickPercent(x: number): string {
  const text = `${(Math.abs(x) * 100).toLocaleString('en-US', { maximumFractionDigits: 2 })}%`;
  return x < 0 ? MINUS + text : text;
}
