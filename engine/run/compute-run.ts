import type { ShardRunner } from '../pool/shard-runner.js';
import type { RunInputs } from './load-inputs.js';
import type { RunContext } from './run-context.js';
import { phase } from './run-context.js';
import type { RunStaging } from './run-staging.js';
import { mergeShardPools, planPasses, runProfilePass, runRecommendPass } from './shard-passes.js';
import type { MergedPools, ShardPlan } from './shard-passes.js';
import { rejectViolations, validateRun } from './validate-run.js';
import type { CheckedSelection } from './validate-run.js';
import { writeRun } from './write-run.js';
import type { WrittenRun } from './write-run.js';

/** Everything a run computed from its inputs, staged but not yet published. */
export interface ComputedRun {
  plan: ShardPlan;
  merged: MergedPools;
  checked: CheckedSelection;
  written: WrittenRun;
}

/**
 * The phases that depend on the config once the inputs are loaded — profiles, pools, recommend,
 * validate, write — into `staging`. A violation stops before anything is written.
 */
export async function computeRun(run: RunContext, runner: ShardRunner, staging: RunStaging, input: RunInputs): Promise<ComputedRun> {
  const plan = planPasses(run, input.loaded.model);
  const partials = await phase(run, 'profiles', () => runProfilePass(run, runner, plan));
  const merged = await phase(run, 'pools', () => mergeShardPools(plan, partials));
  await phase(run, 'recommend', () => runRecommendPass(run, runner, plan, merged.pools, input.loaded.labels.accountIds));
  const checked = await phase(run, 'validate', () => validateRun(runner, plan, input.loaded.labels, staging));
  rejectViolations(checked.validation);
  const written = await phase(run, 'write', () => writeRun(run, runner, staging, plan, input, checked));
  return { plan, merged, checked, written };
}
