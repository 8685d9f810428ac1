import type { Households } from './households.js';
import type { IdSpace } from './ids.js';
import { Rng } from './prng.js';
import { STREAM } from './streams.js';

export interface TombstonesTable {
  accountId: Float64Array;
  accountValid: Uint8Array;
  profileId: Float64Array;
  profileValid: Uint8Array;
}

/** Data-subject deletions: a few whole accounts (profile_id null) and a few single profiles (account_id null). */
export function generateTombstones(seed: number, households: Households, ids: IdSpace): TombstonesTable {
  const rng = new Rng(seed, STREAM.tombstones);
  const accounts = distinct(rng, Math.max(2, Math.round(households.householdCount * 0.0005)), households.householdCount, (h) => households.ghost[h] === 0);
  const profiles = distinct(rng, Math.max(3, Math.round(households.profileCount * 0.0005)), households.profileCount, () => true);
  const rows = accounts.length + profiles.length;
  const table: TombstonesTable = {
    accountId: new Float64Array(rows),
    accountValid: new Uint8Array(rows),
    profileId: new Float64Array(rows),
    profileValid: new Uint8Array(rows),
  };
  accounts.forEach((h, i) => {
    table.accountId[i] = ids.accountId(h);
    table.accountValid[i] = 1;
  });
  profiles.forEach((p, i) => {
    table.profileId[accounts.length + i] = ids.profileId(p);
    table.profileValid[accounts.length + i] = 1;
  });
  return table;
}

/** Up to `count` distinct indices below `limit` that satisfy `keep`, in draw order. */
function distinct(rng: Rng, count: number, limit: number, keep: (i: number) => boolean): number[] {
  const picked = new Set<number>();
  for (let attempt = 0; picked.size < count && attempt < count * 20; attempt++) {
    const i = rng.int(limit);
    if (keep(i)) picked.add(i);
  }
  return [...picked];
}
