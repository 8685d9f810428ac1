import { enforceFreshness } from '../freshness/check-freshness.js';
import type { FreshnessResult } from '../freshness/check-freshness.js';
import type { ShardRunner } from '../pool/shard-runner.js';
import { loadFreshness } from './load-inputs.js';
import type { RunInputs } from './load-inputs.js';
import type { RunContext } from './run-context.js';
import { breathe, phase } from './run-context.js';
import type { RunStaging } from './run-staging.js';
import { mergeShardPools, planPasses, runProfilePass, runRecommendPass } from './shard-passes.js';
import type { MergedPools, ShardPlan } from './shard-passes.js';
import { rejectViolations, validateRun } from './validate-run.js';
import type { CheckedSelection } from './validate-run.js';
import { countSends } from './run-counts.js';
import { writeRun, WRITTEN_FILES } from './write-run.js';
import type { WrittenRun } from './write-run.js';

/** Everything a run computed from its inputs, staged but not yet published. */
export interface ComputedRun {
  plan: ShardPlan;
  merged: MergedPools;
  checked: CheckedSelection;
  written: WrittenRun;
  freshness: FreshnessResult;
}

/**
 * The phases that depend on the config once the inputs are loaded — profiles, pools, recommend,
 * validate, write — into `staging`. A violation stops before anything is written; so does a run
 * with no send when the freshness guard fails (a preview's runs only record the verdict).
 */
export async function computeRun(run: RunContext, runner: ShardRunner, staging: RunStaging, input: RunInputs): Promise<ComputedRun> {
  const plan = planPasses(run, input.loaded.model);
  const accounts = plan.model.accountCount;
  const partials = await phase(run, 'profiles', (counter) => runProfilePass(runner, plan, counter), 'accounts', accounts);
  const merged = await phase(run, 'pools', () => mergeShardPools(plan, partials));
  await phase(run, 'recommend', (counter) => runRecommendPass(runner, plan, merged.pools, input.loaded.labels.accountIds, counter), 'accounts', accounts);
  const checked = await phase(run, 'validate', () => validateRun(runner, plan, input.loaded.labels, staging, () => breathe(run)));
  rejectViolations(checked.validation);
  const freshness = loadFreshness(run, input, countSends(plan));
  if (run.scratch === undefined) enforceFreshness(run.date, freshness);
  const written = await phase(run, 'write', (counter) => writeRun(run, runner, staging, plan, input, checked, counter), 'files', WRITTEN_FILES);
  return { plan, merged, checked, written: { ...written, freshness }, freshness };
}
