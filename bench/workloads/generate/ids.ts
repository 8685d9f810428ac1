/**
 * Synthetic ids. Real ids are sparse, large and unrelated to file order, and engines that assume
 * dense, small or sorted ids break in production; so every id is a keyed bijection of a row index
 * spread over a wide range (most account and profile ids exceed 2^32, all stay below 2^53).
 * Indices past the generated rows give ids guaranteed absent from a table (orphans, unknowns).
 */
export interface IdSpace {
  accountId(index: number): number;
  profileId(index: number): number;
  showId(index: number): number;
  clusterId(index: number): number;
}

export function idSpace(key: number): IdSpace {
  const accountKey = key ^ 0x2545f491;
  const profileKey = key ^ 0x68e31da4;
  return {
    accountId: (i) => 20_000_000 + scramble32(i, accountKey) * 3,
    profileId: (i) => 3_000_000 + scramble32(i, profileKey) * 2053,
    showId: (i) => 70_000 + i * 37 + (scramble32(i, key) % 37),
    clusterId: (i) => 11 + i * 7,
  };
}

/** Bijection of uint32 (xorshift-multiply rounds): distinct indices always give distinct outputs. */
export function scramble32(index: number, key: number): number {
  let x = (index ^ key) >>> 0;
  x ^= x >>> 16;
  x = Math.imul(x, 0x7feb352d);
  x ^= x >>> 15;
  x = Math.imul(x, 0x846ca68b);
  x ^= x >>> 16;
  return x >>> 0;
}
