/**
 * Optimal-string-alignment distance between `a` and `b`: insertions, deletions, substitutions and
 * swaps of two adjacent characters each cost 1 (`--wokers` → `--workers` is 1, `trendng` →
 * `trending` is 1). Three rolling rows of the dynamic-programming table, allocated once.
 */
export function editDistance(a: string, b: string): number {
  const n = a.length;
  const m = b.length;
  let before = new Int32Array(m + 1); // row i − 2
  let prev = new Int32Array(m + 1); // row i − 1
  let row = new Int32Array(m + 1); // row i
  for (let j = 0; j <= m; j++) prev[j] = j;
  for (let i = 1; i <= n; i++) {
    row[0] = i;
    const ca = a.charCodeAt(i - 1);
    for (let j = 1; j <= m; j++) {
      const cb = b.charCodeAt(j - 1);
      let d = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (ca === cb ? 0 : 1));
      if (i > 1 && j > 1 && ca === b.charCodeAt(j - 2) && a.charCodeAt(i - 2) === cb) d = Math.min(d, before[j - 2]! + 1);
      row[j] = d;
    }
    [before, prev, row] = [prev, row, before];
  }
  return prev[m]!;
}

/**
 * The candidate nearest to `word` when it is near enough to be a typo — at most a third of the
 * word's length, and at most 3 — the first in `candidates` order on a tie; null otherwise.
 */
export function closestMatch(word: string, candidates: Iterable<string>): string | null {
  const limit = Math.min(3, Math.max(1, Math.floor(word.length / 3)));
  let best: string | null = null;
  let bestDistance = limit + 1;
  for (const candidate of candidates) {
    const d = editDistance(word, candidate);
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}
