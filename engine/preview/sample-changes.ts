/**
 * Picks `size` changed accounts spread over the transition cells: one per cell in turn, largest
 * cell first, until the sample is full, so a rare kind of change is shown next to the common one;
 * within a cell the picks are evenly spaced over its accounts (ascending ids), not its first few.
 * Returns account indexes, cell by cell. Deterministic: the same diff gives the same sample.
 */
export function sampleChanges(cells: { offsets: Int32Array; accounts: Int32Array }, size: number): Int32Array {
  const { offsets, accounts } = cells;
  const cellCount = offsets.length - 1;
  const take = new Int32Array(cellCount);
  let left = Math.min(size, accounts.length);
  while (left > 0) {
    for (let c = 0; c < cellCount && left > 0; c++) {
      if (take[c]! < offsets[c + 1]! - offsets[c]!) {
        take[c]!++;
        left--;
      }
    }
  }
  const out = new Int32Array(Math.min(size, accounts.length));
  let k = 0;
  for (let c = 0; c < cellCount; c++) {
    const n = offsets[c + 1]! - offsets[c]!;
    // Evenly spaced: the j-th pick sits at the middle of the j-th of take[c] equal slices.
    for (let j = 0; j < take[c]!; j++) out[k++] = accounts[offsets[c]! + Math.floor(((j + 0.5) * n) / take[c]!)]!;
  }
  return out;
}

/**
 * Picks `size` of `items` so that different kinds (by `kindOf`) come before a second of any kind:
 * one per kind in turn, kinds in order of first appearance, items in their order within a kind.
 */
export function pickVaried<T>(items: readonly T[], size: number, kindOf: (item: T) => string): T[] {
  const kinds = new Map<string, T[]>();
  for (const item of items) {
    const kind = kindOf(item);
    const list = kinds.get(kind);
    if (list === undefined) kinds.set(kind, [item]);
    else list.push(item);
  }
  const lists = [...kinds.values()];
  const out: T[] = [];
  for (let round = 0; out.length < Math.min(size, items.length); round++) {
    for (const list of lists) if (round < list.length && out.length < size) out.push(list[round]!);
  }
  return out;
}
