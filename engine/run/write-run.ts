import { createHash } from 'node:crypto';
import type { RunCounts } from './run-counts.js';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { historyDigest } from '../../io/ledger/index.js';
import { SCENARIOS } from '../config/config-types.js';
import type { CampaignConfig } from '../config/config-types.js';
import { checkDrift } from '../drift/check-drift.js';
import type { DriftResult } from '../drift/drift-types.js';
import { abortedBy, ValidationError } from '../errors.js';
import type { DeliverySummary } from '../delivery/delivery-types.js';
import type { FreshnessResult } from '../freshness/check-freshness.js';
import { checkDeliveredRerun } from '../output/delivered-rerun.js';
import { writingTo } from '../output/output-error.js';
import { openSync, closeSync, writeSync } from 'node:fs';
import type { ShardRunner } from '../pool/shard-runner.js';
import { MANIFEST_FILE, PAYLOADS_FILE, runDirOf, scenarioPath, SCENARIOS_DIR, SELECTION_FILE } from '../run-dir/run-layout.js';
import { buildManifest, writeManifest } from '../run-dir/run-manifest.js';
import type { RunManifest, WrittenOutputs } from '../run-dir/run-manifest.js';
import { ENGINE_VERSION } from '../version.js';
import type { RunInputs } from './load-inputs.js';
import { runCounts } from './run-counts.js';
import type { PhaseCounter, RunContext } from './run-context.js';
import { breathe, checkAbort } from './run-context.js';
import type { RunStaging } from './run-staging.js';
import type { ShardPlan } from './shard-passes.js';
import type { CheckedSelection } from './validate-run.js';
import { selectionLabels } from './validate-run.js';

export interface WrittenRun {
  runId: string;
  outputs: WrittenOutputs;
  counts: RunCounts;
  drift: DriftResult;
  /** The delivery summary of this same run, published before and (partly) delivered: kept in the manifest. */
  priorDelivery?: DeliverySummary;
  /** The freshness guard's verdict (computeRun adds it). */
  freshness?: FreshnessResult;
}

/**
 * Phase `write`: the run's files into the staging directory — the selection, the four scenario
 * files and the payload lines (in parts of accounts) built, checked and encoded on the workers;
 * this thread only writes the payload parts in order — then the counts and the drift guard's
 * verdict against the previous run. A preview's run that keeps no files (`scratch.writeFiles`
 * off) still builds and checks every scenario table.
 */
/** The files the write phase counts its progress in: the selection, the four scenario files, the payloads. */
export const WRITTEN_FILES = 2 + SCENARIOS.length;

export async function writeRun(run: RunContext, runner: ShardRunner, staging: RunStaging, plan: ShardPlan, input: RunInputs, checked: CheckedSelection, counter?: PhaseCounter): Promise<WrittenRun> {
  const fileDone = <T>(p: Promise<T>): Promise<T> =>
    p.then((v) => {
      counter?.add(1);
      return v;
    });
  const { model, params, results } = plan;
  const { labels } = input.loaded;
  const { validation } = checked;
  const stagingDir = run.scratch?.writeFiles === false ? null : staging.create();
  let selectionWrite: Promise<unknown> = Promise.resolve();
  if (stagingDir !== null) {
    await writingTo(join(stagingDir, SCENARIOS_DIR), mkdir(join(stagingDir, SCENARIOS_DIR)));
    // Posting the selection's strings to a worker copies them: a signal is handled first.
    await breathe(run);
    const selectionPath = join(stagingDir, SELECTION_FILE);
    const task = { kind: 'write-selection' as const, model, labels: selectionLabels(labels), results, segmentNames: params.segmentNames, path: selectionPath };
    selectionWrite = fileDone(writingTo(selectionPath, runner.run(task)));
    staging.track(selectionWrite);
  }
  const scenarioTasks = SCENARIOS.map((name, k) => {
    const path = stagingDir === null ? null : scenarioPath(stagingDir, name);
    const task = runner.run({ kind: 'write-scenario', scenario: k, path, profileIds: labels.profileIds, showIds: labels.showIds, results });
    return fileDone(path === null ? task : writingTo(path, task));
  });
  const scenarioWrites = Promise.all(scenarioTasks);
  staging.track(scenarioWrites, ...scenarioTasks);

  const runId = runIdOf(run.date, run.config, input);
  run.runId = runId;
  // A preview's run is never published as the date's run: a delivered date does not constrain it.
  const priorDelivery = run.scratch === undefined ? await checkDeliveredRerun(run.stateDir, run.outDir, run.date, runId) : undefined;
  let payloads: number | null = null;
  if (stagingDir !== null) {
    const payloadsPath = join(stagingDir, PAYLOADS_FILE);
    const payloadLabels = { profileIds: labels.profileIds, accountCrmIds: labels.accountCrmIds, showIds: labels.showIds, showTitles: labels.showTitles };
    const parts = payloadParts(model.accountCount, runner.threads).map(([from, to]) =>
      runner.run({ kind: 'payload-lines', model, labels: payloadLabels, results, segmentNames: params.segmentNames, eventName: run.config.delivery.event_name, runId, from, to }),
    );
    staging.track(...parts);
    payloads = await fileDone(writingTo(payloadsPath, writeParts(payloadsPath, parts, run.signal)));
  }
  await selectionWrite;
  const scenarioRows: Record<string, number> = {};
  for (const [k, reply] of (await scenarioWrites).entries()) {
    scenarioRows[SCENARIOS[k]!] = reply.rows;
    validation.violations.push(...reply.violations);
  }
  if (validation.violations.length > 0) throw new ValidationError(validation.violations);
  const counts = runCounts(input.loaded.counts, plan, checked.selectionRows);
  const drift = await checkDrift(run.scratch?.driftRoot ?? run.outDir, run.date, run.config, counts);
  // Unwritten, the payloads are still one line per `send` account.
  const outputs = { scenarios: scenarioRows, selection: checked.selectionRows, payloads: payloads ?? counts['status']!['send']! };
  return { runId, outputs, counts, drift, ...(priorDelivery === undefined ? {} : { priorDelivery }) };
}

/** Writes the manifest and renames the staged run into place as `<out>/<D>/` (SPEC §10). */
export async function publishRun(run: RunContext, staging: RunStaging, input: RunInputs, checked: CheckedSelection, written: WrittenRun): Promise<{ outputDir: string; manifest: RunManifest }> {
  run.timingsMs['total'] = Math.round(performance.now() - run.started);
  const manifest = buildManifest({
    runId: written.runId,
    effective: run.effective,
    dataset: input.loaded.dataset,
    transfer: input.loaded.transfer,
    inputFiles: input.loaded.inputFiles,
    deltaInputs: input.loaded.deltaInputs,
    ledgerRows: input.ledgerWindow.reduce((n, d) => n + d.accepted, 0),
    counts: written.counts,
    warnings: input.loaded.warnings,
    outputs: written.outputs,
    validation: checked.validation,
    timingsMs: run.timingsMs,
    resources: run.resources.report(),
    workers: run.workers,
    drift: written.drift,
    ...(written.freshness === undefined ? {} : { freshness: written.freshness }),
    ...(run.phaseMeter === undefined ? {} : { workerUse: run.phaseMeter.report() }),
    playsCache: input.loaded.playsCache,
    ...(written.priorDelivery === undefined ? {} : { delivery: written.priorDelivery }),
  });
  await writingTo(join(staging.dir, MANIFEST_FILE), writeManifest(staging.dir, manifest));
  checkAbort(run);
  const outputDir = runDirOf(run.outDir, run.date);
  await staging.publish();
  return { outputDir, manifest };
}

/**
 * `<D>-` + 16 hex digits of SHA-256 over the engine version, the date, the effective config (minus
 * `drift`, `freshness` and `storage`, which change no output byte: the same bytes read locally or from object
 * storage give the same id), every input file's hash, the digests of the ledger's
 * accepted sends of the lookback window (one per date, recorded when the date was compacted) and
 * the Delta versions and deletion vectors read (an inline deletion vector changes no file).
 */
function runIdOf(date: string, config: CampaignConfig, input: RunInputs): string {
  const delta = input.loaded.deltaInputs;
  // Datasets without Delta tables keep the run ids they always had.
  const deltaPart = Object.keys(delta).length === 0 ? {} : { delta };
  const inputDigest = createHash('sha256')
    .update(JSON.stringify({ engine: ENGINE_VERSION, date, config: { ...config, drift: undefined, freshness: undefined, storage: undefined }, files: input.loaded.inputFiles.map((f) => [f.path, f.sha256]), ledger: historyDigest(input.ledgerWindow), ...deltaPart }))
    .digest('hex');
  return `${date}-${inputDigest.slice(0, 16)}`;
}

/** Accounts per part of the payload lines: a part's text stays far below V8's longest string. */
const PAYLOAD_PART_ACCOUNTS = 200_000;

/** Account ranges [from, to) for the payload parts: two per worker, smaller for very many accounts. */
function payloadParts(accounts: number, threads: number): [number, number][] {
  const parts = Math.max(2 * Math.max(1, threads), Math.ceil(accounts / PAYLOAD_PART_ACCOUNTS));
  return Array.from({ length: parts }, (_, k): [number, number] => [Math.floor((accounts * k) / parts), Math.floor((accounts * (k + 1)) / parts)]);
}

/** Writes the payload parts to `path` in order as they arrive; returns the number of lines. An abort stops it between two parts. */
async function writeParts(path: string, parts: Promise<{ bytes: Uint8Array; lines: number }>[], signal?: AbortSignal): Promise<number> {
  const fd = openSync(path, 'w');
  let lines = 0;
  try {
    for (const part of parts) {
      const { bytes, lines: n } = await part;
      if (signal?.aborted === true) throw abortedBy(signal);
      for (let at = 0; at < bytes.length; ) at += writeSync(fd, bytes, at, bytes.length - at);
      lines += n;
    }
  } finally {
    closeSync(fd);
  }
  return lines;
}
