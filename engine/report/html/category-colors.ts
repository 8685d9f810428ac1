/** Tableau 10: distinguishable, colour-blind-aware, and prints well in greyscale. */
const PALETTE = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac'];

/** A colour per key in order, cycling after ten keys. */
export function categoryColors(keys: readonly string[]): Map<string, string> {
  return new Map(keys.map((k, i) => [k, PALETTE[i % PALETTE.length]!]));
}
