import { runDriftError } from './drift/drift-gate.js';
import type { DriftResult } from './drift/drift-types.js';
import { acquireRunLock } from './output/run-lock.js';
import { checkPublishTarget, recoverRunDir } from './output/staging-dir.js';
import type { ValidationReport } from './output/validate-outputs.js';
import { createShardRunner } from './pool/shard-runner.js';
import { WorkerUseMeter } from './pool/worker-use.js';
import type { RunManifest } from './run-dir/run-manifest.js';
import { computeRun } from './run/compute-run.js';
import { loadRunInputs } from './run/load-inputs.js';
import { checkAbort, phase, startRun } from './run/run-context.js';
import type { RunCampaignOptions } from './run/run-context.js';
import { RunStaging } from './run/run-staging.js';
import { publishRun } from './run/write-run.js';

export type { RunCampaignOptions } from './run/run-context.js';

export interface RunCampaignResult {
  runId: string;
  date: string;
  outputDir: string;
  activeOverrides: string[];
  counts: Record<string, Record<string, number>>;
  /** What the run said although it went on: an empty catalog, accounts, profiles or plays table (also in the manifest). */
  warnings: string[];
  timingsMs: Record<string, number>;
  validation: ValidationReport;
  manifest: RunManifest;
  /** The drift guard's verdict (also in the manifest); with `failed`, runCampaign throws DriftError instead. */
  drift: DriftResult;
}

/**
 * Runs SPEC phases 1–4 for one date and publishes `<outDir>/<date>/` atomically: scenario files,
 * selection, payloads and manifest. Throws a CampaignError subclass on any contract violation,
 * validation failure, lock conflict or abort, leaving no partial output behind — except DriftError
 * (`drift.mode: fail`), thrown after publishing so the outputs can be inspected.
 */
export async function runCampaign(options: RunCampaignOptions): Promise<RunCampaignResult> {
  const run = startRun(options);
  checkAbort(run);
  const lock = await acquireRunLock(run.outDir, run.date);
  const staging = new RunStaging(run.outDir, run.date);
  const runner = createShardRunner(run.workers);
  run.phaseMeter = new WorkerUseMeter(runner);
  try {
    await recoverRunDir(run.outDir, run.date);
    // Before anything is read or written: what stands at <out>/<D> must be ours to replace.
    await checkPublishTarget(run.outDir, run.date);
    const input = await phase(run, 'load', () => loadRunInputs(run, runner));
    const { checked, written } = await computeRun(run, runner, staging, input);
    const { outputDir, manifest } = await publishRun(run, staging, input, checked, written);
    if (written.drift.status === 'failed') throw runDriftError(written.drift, outputDir);
    const { runId, counts, drift } = written;
    return { runId, date: run.date, outputDir, activeOverrides: run.effective.activeOverrides, counts, warnings: manifest.warnings, timingsMs: run.timingsMs, validation: checked.validation, manifest, drift };
  } finally {
    await staging.close();
    await runner.close();
    await lock.release();
  }
}
