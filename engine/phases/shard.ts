/** A contiguous range of accounts (and of the orphan-profile list) processed by one task. */
export interface Shard {
  accountFrom: number;
  accountTo: number;
  orphanFrom: number;
  orphanTo: number;
  /** Shared with the main thread: accounts done by the phase's tasks, bumped every PROGRESS_STRIDE (progress events). */
  progress?: BigInt64Array;
}

/** Accounts between two progress bumps: a shared counter touched once per 1024 accounts costs nothing measurable. */
export const PROGRESS_STRIDE = 1024;

/** Called for account `a` of the pass over `shard`: bumps its counter at every full stride. */
export function accountDone(shard: Shard, a: number): void {
  // ((a - from) & 1023) === 1023 is (a - from + 1) % 1024 === 0
  if (shard.progress !== undefined && ((a - shard.accountFrom) & (PROGRESS_STRIDE - 1)) === PROGRESS_STRIDE - 1) Atomics.add(shard.progress, 0, BigInt(PROGRESS_STRIDE));
}

/** At the end of a pass over `shard`: the accounts since its last full stride. */
export function shardDone(shard: Shard): void {
  if (shard.progress !== undefined) Atomics.add(shard.progress, 0, BigInt((shard.accountTo - shard.accountFrom) % PROGRESS_STRIDE));
}

/** Partial distinct-viewer counts of one shard, [group * showCount + show], summed across shards. */
export interface PoolCounts {
  cluster: Uint32Array;
  trending: Uint32Array;
  avod: Uint32Array;
}
