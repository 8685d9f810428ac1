import { buildPools } from '../../kernels/build-pool.js';
import { SHOW_AVAILABLE, SHOW_AVOD_AVAILABLE } from '../model/campaign-model.js';
import type { CampaignModel } from '../model/campaign-model.js';
import { AVOD, CLUSTER, TRENDING } from '../phases/phase-params.js';
import type { PhaseParams } from '../phases/phase-params.js';
import type { Pool, ScenarioPools } from '../phases/pools.js';
import { toShared } from '../model/shared-arrays.js';
import type { PoolCounts } from '../phases/shard.js';

/** Sums shard partials in place into the first one. Profiles are partitioned across shards, so sums of distinct-viewer counts are exact. */
export function sumPoolCounts(partials: PoolCounts[]): PoolCounts {
  const [total, ...rest] = partials;
  if (total === undefined) throw new Error('no shard partials to merge');
  for (const part of rest) {
    for (const key of ['cluster', 'trending', 'avod'] as const) {
      const into = total[key];
      const from = part[key];
      for (let i = 0, n = into.length; i < n; i++) into[i] += from[i]!;
    }
  }
  return total;
}

/** SPEC §5 pools for the three pooled scenarios, as shared arrays for the recommend pass. */
export function mergePools(model: CampaignModel, params: PhaseParams, counts: PoolCounts): ScenarioPools {
  const S = model.showCount;
  const pool = (scenario: number, matrix: Uint32Array, groups: number, availability: number): Pool => {
    const allowed = new Uint8Array(S);
    for (let s = 0; s < S; s++) allowed[s] = (model.showFlags[s]! & availability) !== 0 && model.showAllowed[scenario * S + s] === 1 ? 1 : 0;
    const built = buildPools(matrix, groups, S, allowed, model.showBoost, params.minViewers[scenario]!, params.poolSize[scenario]!);
    return { offsets: toShared(built.offsets), shows: toShared(built.shows), scores: toShared(built.scores) };
  };
  return {
    cluster: pool(CLUSTER, counts.cluster, model.clusterCount, SHOW_AVAILABLE),
    trending: pool(TRENDING, counts.trending, model.regionCount, SHOW_AVAILABLE),
    avod: pool(AVOD, counts.avod, model.regionCount, SHOW_AVOD_AVAILABLE),
  };
}
