import type { Estimate, Lift, RateCell } from './report-types.js';

/** The two-sided 95% normal quantile, as the textbooks round it. */
export const Z95 = 1.96;

export function rateCell(accounts: number, conversions: number): RateCell {
  return { accounts, conversions, rate: accounts === 0 ? null : conversions / accounts };
}

/**
 * Rate difference p1 − p0 of `sent` (1) over `holdout` (0) with the Wald interval
 * d ± z·sqrt(p1(1−p1)/n1 + p0(1−p0)/n0). Null when either group is empty.
 */
export function absoluteLift(sent: RateCell, holdout: RateCell): Estimate | null {
  if (sent.accounts === 0 || holdout.accounts === 0) return null;
  const p1 = sent.conversions / sent.accounts;
  const p0 = holdout.conversions / holdout.accounts;
  const d = p1 - p0;
  const se = Math.sqrt((p1 * (1 - p1)) / sent.accounts + (p0 * (1 - p0)) / holdout.accounts);
  return { value: d, ci95: [d - Z95 * se, d + Z95 * se] };
}

/**
 * Relative lift RR − 1 with RR = p1/p0 and the Katz log interval
 * exp(ln RR ± z·sqrt((1−p1)/(n1·p1) + (1−p0)/(n0·p0))) − 1. Null when either group is empty or
 * has no conversion (the logarithm, and so the interval, is undefined; with no sent conversion
 * the point value −1 alone would look more certain than it is).
 */
export function relativeLift(sent: RateCell, holdout: RateCell): Estimate | null {
  const { accounts: n1, conversions: c1 } = sent;
  const { accounts: n0, conversions: c0 } = holdout;
  if (n1 === 0 || n0 === 0 || c1 === 0 || c0 === 0) return null;
  const p1 = c1 / n1;
  const p0 = c0 / n0;
  const logRr = Math.log(p1 / p0);
  const se = Math.sqrt((1 - p1) / (n1 * p1) + (1 - p0) / (n0 * p0));
  return { value: p1 / p0 - 1, ci95: [Math.exp(logRr - Z95 * se) - 1, Math.exp(logRr + Z95 * se) - 1] };
}

/** Lift of sent over holdout; `sufficient` when both groups have at least `minAccounts` accounts. */
export function lift(sent: RateCell, holdout: RateCell, minAccounts: number): Lift {
  return {
    sent,
    holdout,
    absolute: absoluteLift(sent, holdout),
    relative: relativeLift(sent, holdout),
    sufficient: sent.accounts >= minAccounts && holdout.accounts >= minAccounts,
  };
}
