/** A contiguous range of accounts (and of the orphan-profile list) processed by one task. */
export interface Shard {
  accountFrom: number;
  accountTo: number;
  orphanFrom: number;
  orphanTo: number;
}

/** Partial distinct-viewer counts of one shard, [group * showCount + show], summed across shards. */
export interface PoolCounts {
  cluster: Uint32Array;
  trending: Uint32Array;
  avod: Uint32Array;
}
