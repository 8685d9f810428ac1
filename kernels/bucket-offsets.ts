/**
 * One bucket's step of a two-level counting sort. Rows were staged in segments (each a run of
 * `rows` rows from `start`, listed as start, rows pairs in the rows' order); the bucket holds
 * the rows whose group g lies in [lo, hi). Counts them per group, fills offsets[lo..hi) with
 * their grouped positions starting at `base`, and returns each group's write cursor (index
 * g − lo), which then places the rows in segment order (stable).
 * Equivalent to: groupOffsets over the concatenated segments, restricted to groups [lo, hi).
 */
export function bucketCursors(group: Int32Array, segments: Int32Array, lo: number, hi: number, base: number, offsets: Int32Array): Int32Array {
  const cursor = new Int32Array(hi - lo);
  const n = segments.length;
  for (let s = 0; s < n; s += 2) {
    const end = segments[s]! + segments[s + 1]!;
    for (let i = segments[s]!; i < end; i++) cursor[group[i]! - lo]!++;
  }
  let at = base;
  for (let g = 0, G = hi - lo; g < G; g++) {
    offsets[lo + g] = at;
    const k = cursor[g]!;
    cursor[g] = at;
    at += k;
  }
  return cursor;
}
