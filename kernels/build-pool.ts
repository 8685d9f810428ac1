/**
 * Pools (SPEC §5) for every group of one scenario from its distinct-viewer count matrix
 * [group * showCount + show]: shows that pass `allowed`, reach `minViewers`, scored
 * count × boost, ordered by score descending then show ascending, cut to `poolSize`.
 * Output in CSR form: group g's pool is shows/scores[offsets[g]..offsets[g+1]].
 */
export function buildPools(
  counts: Uint32Array,
  groups: number,
  showCount: number,
  allowed: Uint8Array,
  boost: Float64Array,
  minViewers: number,
  poolSize: number,
): { offsets: Int32Array; shows: Int32Array; scores: Float64Array } {
  const offsets = new Int32Array(groups + 1);
  const candidates = new Int32Array(showCount);
  const candidateScore = new Float64Array(showCount);
  const shows: number[] = [];
  const scores: number[] = [];
  for (let g = 0; g < groups; g++) {
    const row = g * showCount;
    let n = 0;
    for (let s = 0; s < showCount; s++) {
      const viewers = counts[row + s]!;
      if (viewers >= minViewers && allowed[s] === 1) {
        candidates[n] = s;
        candidateScore[s] = viewers * boost[s]!;
        n++;
      }
    }
    const ranked = candidates.subarray(0, n).sort((x, y) => candidateScore[y]! - candidateScore[x]! || x - y);
    const keep = Math.min(n, poolSize);
    for (let i = 0; i < keep; i++) {
      shows.push(ranked[i]!);
      scores.push(candidateScore[ranked[i]!]!);
    }
    offsets[g + 1] = shows.length;
  }
  return { offsets, shows: Int32Array.from(shows), scores: Float64Array.from(scores) };
}

/**
 * The first `k` pool entries not excluded for the current profile (excluded[show] === stamp),
 * written to outShows/outScores; returns how many. Walks the pool with early exit, so a profile
 * costs 5 + |its excluded shows in the pool| steps at most.
 */
export function firstUnexcluded(
  poolShows: Int32Array,
  poolScores: Float64Array,
  from: number,
  to: number,
  excluded: Uint32Array,
  stamp: number,
  k: number,
  outShows: Int32Array,
  outScores: Float64Array,
): number {
  let n = 0;
  for (let i = from; i < to && n < k; i++) {
    const show = poolShows[i]!;
    if (excluded[show] === stamp) continue;
    outShows[n] = show;
    outScores[n] = poolScores[i]!;
    n++;
  }
  return n;
}
