/**
 * A counting sort over rows written in segments (each by its own reader): `counts[k][g]` is the
 * number of segment k's rows in group g. Fills `offsets` (length groups + 1) with the CSR offsets
 * of the groups and turns every `counts[k]` into segment k's write cursors, in segment order, so
 * each segment then places its rows independently and a group's rows keep segment order (stable).
 * Equivalent to: concatenating the segments and grouping them with groupOffsets.
 */
export function segmentOffsets(counts: readonly Int32Array[], groups: number, offsets: Int32Array): void {
  offsets.fill(0);
  for (const c of counts) for (let g = 0; g < groups; g++) offsets[g + 1]! += c[g]!;
  for (let g = 0; g < groups; g++) offsets[g + 1]! += offsets[g]!;
  const next = offsets.slice(0, groups);
  for (const c of counts) {
    for (let g = 0; g < groups; g++) {
      const k = c[g]!;
      c[g] = next[g]!;
      next[g]! += k;
    }
  }
}
