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

/** A segment rule with absent bounds widened to the full 1..5 score range. */
export interface SegmentBounds {
  rMin: number;
  rMax: number;
  fMin: number;
  fMax: number;
  mMin: number;
  mMax: number;
}

/** Index of the first rule (SPEC §4.5 `rfm.segments`) every bound of which holds, or segments.length when none does. */
export function segmentIndex(segments: readonly SegmentBounds[], r: number, f: number, m: number): number {
  for (let i = 0, n = segments.length; i < n; i++) {
    const b = segments[i]!;
    if (r >= b.rMin && r <= b.rMax && f >= b.fMin && f <= b.fMax && m >= b.mMin && m <= b.mMax) return i;
  }
  return segments.length;
}
