/**
 * Counting-sort grouping: given a dense group key per row (0..groups-1), returns CSR offsets
 * (length groups+1) and the row order that lists each group's rows contiguously, stable in row order.
 * Equivalent to: rows.sort((a, b) => key[a] - key[b]) with ties kept in input order, in O(n + groups).
 */
export function groupOffsets(keys: Int32Array, groups: number, count = keys.length): { offsets: Int32Array; order: Int32Array } {
  const offsets = new Int32Array(groups + 1);
  for (let i = 0; i < count; i++) offsets[keys[i]! + 1]!++;
  for (let g = 0; g < groups; g++) offsets[g + 1]! += offsets[g]!;
  const cursor = offsets.slice(0, groups);
  const order = new Int32Array(count);
  for (let i = 0; i < count; i++) order[cursor[keys[i]!]!++] = i;
  return { offsets, order };
}
