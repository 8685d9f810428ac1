import { mergePools, sumPoolCounts } from '../merge/merge-pools.js';
import type { CampaignModel } from '../model/campaign-model.js';
import { createResults } from '../phases/campaign-results.js';
import type { CampaignResults } from '../phases/campaign-results.js';
import { phaseParams } from '../phases/phase-params.js';
import type { PhaseParams } from '../phases/phase-params.js';
import type { ScenarioPools } from '../phases/pools.js';
import type { PoolCounts, Shard } from '../phases/shard.js';
import type { ShardRunner } from '../pool/shard-runner.js';
import { unpackCounts } from '../pool/worker-protocol.js';
import { planShards } from '../sharding/plan-shards.js';
import type { PhaseCounter, RunContext } from './run-context.js';

/** What both shard passes work on: the flattened config, the shared result arrays, the shards. */
export interface ShardPlan {
  model: CampaignModel;
  params: PhaseParams;
  results: CampaignResults;
  shards: Shard[];
}

export function planPasses(run: RunContext, model: CampaignModel): ShardPlan {
  return { model, params: phaseParams(run.config), results: createResults(model.profileCount, model.accountCount), shards: planShards(model, Math.max(1, run.workers)) };
}

/** Phase `profiles`: pass 1 on every shard (SPEC §3–§5 per profile and account); returns each shard's partial pool counts. Progress: accounts. */
export async function runProfilePass(runner: ShardRunner, plan: ShardPlan, counter: PhaseCounter): Promise<PoolCounts[]> {
  const { model, params, results, shards } = plan;
  return Promise.all(
    shards.map(async (shard) => {
      const reply = await runner.run({ kind: 'profile-pass', model, params, results, shard: { ...shard, progress: counter.shared } });
      return unpackCounts(model, reply.packed);
    }),
  );
}

export interface MergedPools {
  pools: ScenarioPools;
  /** Distinct viewers per group and show, what the pools were ranked by (a preview's reasons read them). */
  viewers: PoolCounts;
}

/** Phase `pools`: the shards' partial counts summed (exact: each profile is in one shard) into the three pools. */
export function mergeShardPools(plan: ShardPlan, partials: PoolCounts[]): MergedPools {
  const viewers = sumPoolCounts(partials);
  return { pools: mergePools(plan.model, plan.params, viewers), viewers };
}

/** Phase `recommend`: pass 2 on every shard — pooled scenarios, rollup, selection (SPEC §5–§7). Progress: accounts. */
export async function runRecommendPass(runner: ShardRunner, plan: ShardPlan, pools: ScenarioPools, accountIds: Float64Array, counter: PhaseCounter): Promise<void> {
  const { model, params, results, shards } = plan;
  await Promise.all(shards.map((shard) => runner.run({ kind: 'recommend-pass', model, params, results, pools, accountIds, shard: { ...shard, progress: counter.shared } })));
}
