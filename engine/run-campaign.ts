import { runDriftError } from './drift/drift-gate.js';
import type { DriftResult } from './drift/drift-types.js';
import { enforceFreshness } from './freshness/check-freshness.js';
import type { FreshnessResult } from './freshness/check-freshness.js';
import { acquireRunLock } from './output/run-lock.js';
import { checkPublishTarget, recoverRunDir } from './output/staging-dir.js';
import type { ValidationReport } from './output/validate-outputs.js';
import { createShardRunner } from './pool/shard-runner.js';
import { WorkerUseMeter } from './pool/worker-use.js';
import { previousTimings } from './run-dir/previous-timings.js';
import type { RunManifest } from './run-dir/run-manifest.js';
import { untilAborted } from './run/abort-race.js';
import { computeRun } from './run/compute-run.js';
import { loadFreshness, loadRunInputs } from './run/load-inputs.js';
import type { RunCounts } from './run/run-counts.js';
import { checkAbort, phase, startRun } from './run/run-context.js';
import type { RunCampaignOptions } from './run/run-context.js';
import { RunStaging } from './run/run-staging.js';
import { publishRun } from './run/write-run.js';

export type { RunCampaignOptions } from './run/run-context.js';

/** How long an aborted run waits for its interrupted work to unwind (DuckDB answers an interrupt in milliseconds) before it terminates the workers. */
const ABORT_SETTLE_MS = 300;

/** Resolves when `work` settles, or after `ms`, whichever is first; never rejects. */
function settled(work: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([work.then(noop, noop), new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)))]).finally(() => clearTimeout(timer));
}

function noop(): void {}

export interface RunCampaignResult {
  runId: string;
  date: string;
  outputDir: string;
  activeOverrides: string[];
  /** The manifest's counts: per table and reason, rollup, status and scenario (literal keys where the SPEC fixes them). */
  counts: RunCounts;
  /** What the run said although it went on: an empty catalog, accounts, profiles or plays table (also in the manifest). */
  warnings: string[];
  timingsMs: Record<string, number>;
  validation: ValidationReport;
  manifest: RunManifest;
  /** The drift guard's verdict (also in the manifest); with `failed`, runCampaign throws DriftError instead. */
  drift: DriftResult;
  /** The freshness guard's verdict (also in the manifest); with `failed`, runCampaign throws FreshnessError instead. */
  freshness: FreshnessResult;
}

/**
 * Runs SPEC phases 1–4 for one date and publishes `<outDir>/<date>/` atomically: scenario files,
 * selection, payloads and manifest. Throws a CampaignError subclass on any contract violation,
 * stale or empty data (the freshness guard), validation failure, lock conflict or abort, leaving
 * no partial output behind — except DriftError (`drift.mode: fail`), thrown after publishing so
 * the outputs can be inspected.
 *
 * An abort (`signal`) is honoured within a second in every phase up to publishing: the DuckDB
 * queries are interrupted, the worker threads stopped, the lock released, and the promise rejects
 * with an AbortedError carrying the signal's reason. Publishing itself (fsync and one rename) is
 * not cut: a run that reached it is published whole.
 */
export async function runCampaign(options: RunCampaignOptions): Promise<RunCampaignResult> {
  const run = startRun(options);
  checkAbort(run);
  const lock = await acquireRunLock(run.outDir, run.date, `run ${run.date}`, options.lockLeaseMs === undefined ? {} : { leaseMs: options.lockLeaseMs });
  // A lock taken over from under this run (its lease lapsed) stops it like an abort.
  const signal = options.signal === undefined ? lock.lost : AbortSignal.any([options.signal, lock.lost]);
  run.signal = signal;
  const staging = new RunStaging(run.outDir, run.date);
  const runner = createShardRunner(run.workers);
  const stopWorkers = (): void => runner.abort();
  signal.addEventListener('abort', stopWorkers, { once: true });
  run.phaseMeter = new WorkerUseMeter(runner);
  let work: Promise<unknown> = Promise.resolve();
  try {
    const computing = (async () => {
      run.expectedMs = (await previousTimings(run.outDir, run.date)) ?? undefined;
      await recoverRunDir(run.outDir, run.date);
      // Before anything is read or written: what stands at <out>/<D> must be ours to replace.
      await checkPublishTarget(run.outDir, run.date);
      const input = await phase(run, 'load', (counter) => loadRunInputs(run, runner, counter), 'rows', 0);
      // Stale or missing plays, or no eligible profile: stop before computing anything.
      enforceFreshness(run.date, loadFreshness(run, input, null));
      return { input, ...(await computeRun(run, runner, staging, input)) };
    })();
    work = computing;
    const computed = await untilAborted(computing, signal);
    checkAbort(run);
    const { input, checked, written, freshness } = computed;
    const { outputDir, manifest } = await publishRun(run, staging, input, checked, written);
    if (written.drift.status === 'failed') throw runDriftError(written.drift, outputDir);
    const { runId, counts, drift } = written;
    return { runId, date: run.date, outputDir, activeOverrides: run.effective.activeOverrides, counts, warnings: manifest.warnings, timingsMs: run.timingsMs, validation: checked.validation, manifest, drift, freshness };
  } finally {
    signal.removeEventListener('abort', stopWorkers);
    run.resources.dispose();
    // A stopped run's interrupted queries unwind first (a worker thread must not be terminated
    // while DuckDB works for it: its native callback would find no JavaScript to return to), and
    // its workers' tasks end or are terminated before its staging directory goes.
    await runner.close();
    // With the workers gone, the work awaiting them fails at once; an interrupted query on this
    // thread answers within milliseconds.
    if (signal.aborted) await settled(work, ABORT_SETTLE_MS);
    await staging.close();
    await lock.release();
  }
}
