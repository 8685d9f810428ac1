import type { CampaignModel } from '../model/campaign-model.js';
import type { Shard } from '../phases/shard.js';

/**
 * Cuts accounts into `count` contiguous ranges of about equal work (plays + profiles), so a
 * household never spans two shards; orphan profiles are split evenly alongside.
 */
export function planShards(model: CampaignModel, count: number): Shard[] {
  const { accountProfileOffsets, accountProfiles, playOffsets, accountCount, orphanProfiles } = model;
  const work = new Float64Array(accountCount + 1);
  for (let a = 0; a < accountCount; a++) {
    let w = 0;
    for (let k = accountProfileOffsets[a]!; k < accountProfileOffsets[a + 1]!; k++) {
      const p = accountProfiles[k]!;
      w += 1 + playOffsets[p + 1]! - playOffsets[p]!;
    }
    work[a + 1] = work[a]! + w;
  }
  const total = work[accountCount]!;
  const shards: Shard[] = [];
  let from = 0;
  for (let i = 0; i < count; i++) {
    let to = from;
    const target = (total * (i + 1)) / count;
    while (to < accountCount && (i === count - 1 || work[to + 1]! <= target)) to++;
    const orphans = orphanProfiles.length;
    shards.push({
      accountFrom: from,
      accountTo: to,
      orphanFrom: Math.floor((orphans * i) / count),
      orphanTo: Math.floor((orphans * (i + 1)) / count),
    });
    from = to;
  }
  return shards;
}
