/** R score (SPEC §4.5): 5,4,3,2 when days ≤ thresholds[0..3], else 1; no plays (null) scores 1. */
export function recencyScore(days: number | null, thresholds: readonly number[]): number {
  if (days === null) return 1;
  for (let i = 0; i < 4; i++) if (days <= thresholds[i]!) return 5 - i;
  return 1;
}

/** F and M scores: 5,4,3,2 when value ≥ thresholds[0..3], else 1. */
export function atLeastScore(value: number, thresholds: readonly number[]): number {
  for (let i = 0; i < 4; i++) if (value >= thresholds[i]!) return 5 - i;
  return 1;
}
