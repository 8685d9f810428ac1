import type { CampaignConfig } from '../config/config-types.js';
import type { RunCounts } from '../run/run-counts.js';
import type { FreshnessResult } from '../freshness/check-freshness.js';
import type { DriftResult } from '../drift/drift-types.js';
import type { CampaignModel, ModelLabels } from '../model/campaign-model.js';
import type { CampaignResults } from '../phases/campaign-results.js';
import type { PhaseParams } from '../phases/phase-params.js';
import type { ScenarioPools } from '../phases/pools.js';
import type { PoolCounts } from '../phases/shard.js';
import type { ShardRunner } from '../pool/shard-runner.js';
import { computeRun } from '../run/compute-run.js';
import type { RunInputs } from '../run/load-inputs.js';
import type { RunContext } from '../run/run-context.js';
import { RunStaging } from '../run/run-staging.js';
import { publishRun } from '../run/write-run.js';

/** One side of a preview, computed: what its run selected and everything the comparison and the reasons read. */
export interface SideRun {
  config: CampaignConfig;
  day: number;
  params: PhaseParams;
  /** The side's own model: the shared arrays with its boosts and category filters. */
  model: CampaignModel;
  labels: ModelLabels;
  regionNames: string[];
  results: CampaignResults;
  pools: ScenarioPools;
  viewers: PoolCounts;
  runId: string;
  counts: RunCounts;
  freshness: FreshnessResult;
  drift: DriftResult;
  /** The published scratch run, or null when the run keeps no files. */
  outputDir: string | null;
}

/**
 * Runs the config-dependent phases of one side on loaded inputs, exactly as a nightly run does
 * (the drift guard looking at `run.driftRoot`); when it writes its files, publishes them under the
 * side's own root in the scratch directory (`run.outDir`).
 */
export async function runSide(run: RunContext, runner: ShardRunner, input: RunInputs): Promise<SideRun> {
  const staging = new RunStaging(run.outDir, run.date);
  try {
    const { plan, merged, checked, written, freshness } = await computeRun(run, runner, staging, input);
    const outputDir = run.scratch?.writeFiles !== false ? (await publishRun(run, staging, input, checked, written)).outputDir : null;
    return {
      config: run.config,
      day: run.day,
      params: plan.params,
      model: plan.model,
      labels: input.loaded.labels,
      regionNames: input.loaded.regionNames,
      results: plan.results,
      pools: merged.pools,
      viewers: merged.viewers,
      runId: written.runId,
      counts: written.counts,
      freshness,
      drift: written.drift,
      outputDir,
    };
  } finally {
    await staging.close();
  }
}
