import { createHash } from 'node:crypto';
import { existsSync, createWriteStream } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { once } from 'node:events';
import type { DeltaVersions } from '../io/input/bind-tables.js';
import { decoderThreads } from '../io/input/duckdb-session.js';
import { INPUT_TABLES } from '../io/input/input-schema.js';
import type { DeltaInput } from '../io/input/table-files.js';
import { purgeLedger, readAcceptedSends } from '../io/ledger/index.js';
import { writeParquet } from '../io/parquet/index.js';
import { SCENARIOS } from './config/config-types.js';
import type { CampaignConfig, EffectiveConfig } from './config/config-types.js';
import { defaultConfig } from './config/default-config.js';
import { effectiveConfig, loadConfigFile } from './config/resolve-config.js';
import { formatDay, parseDay } from './dates.js';
import { checkDrift } from './drift/check-drift.js';
import { runDriftError } from './drift/drift-gate.js';
import type { DriftResult } from './drift/drift-types.js';
import { AbortedError, CampaignError, ValidationError } from './errors.js';
import { loadDataset } from './load/load-dataset.js';
import type { SendRecord } from './load/load-sends.js';
import { mergePools, sumPoolCounts } from './merge/merge-pools.js';
import { payloadBlocks } from './output/payload-lines.js';
import { selectionTable } from './output/output-tables.js';
import { acquireRunLock } from './output/run-lock.js';
import { createStaging, discardStaging, publishStaging } from './output/staging-dir.js';
import { MAX_REPORTED, VALIDATION_CHECKS, validateSelection } from './output/validate-outputs.js';
import type { ValidationReport } from './output/validate-outputs.js';
import { createResults } from './phases/campaign-results.js';
import { phaseParams, STATUS_SEND, STATUSES } from './phases/phase-params.js';
import { createShardRunner } from './pool/shard-runner.js';
import { unpackCounts } from './pool/worker-protocol.js';
import type { ProgressListener, RunPhase } from './progress.js';
import { planShards } from './sharding/plan-shards.js';
import { ENGINE_VERSION } from './version.js';

export interface RunCampaignOptions {
  /** Dataset directory (SPEC §2). */
  dataDir: string;
  /** Campaign date D, YYYY-MM-DD. */
  date: string;
  /** Output root; the run is published as `<outDir>/<date>/`. */
  outDir: string;
  /** A config object, a YAML/JSON file path, or nothing for the SPEC defaults. */
  config?: CampaignConfig | string;
  /** Worker threads; 0 runs the shard passes on the calling thread. Default: the core count. */
  workers?: number;
  /** Delivery state (the ledger) whose accepted sends join the dedup history. Default `<outDir>/state`. */
  stateDir?: string;
  /**
   * Delta table versions to read, by table name (`{ plays: 41 }`), for re-runs on the data an
   * earlier run read; other Delta tables are read at their latest version.
   */
  deltaVersions?: Readonly<Record<string, number>>;
  signal?: AbortSignal;
  onProgress?: ProgressListener;
}

export interface RunCampaignResult {
  runId: string;
  date: string;
  outputDir: string;
  activeOverrides: string[];
  counts: Record<string, Record<string, number>>;
  timingsMs: Record<string, number>;
  validation: ValidationReport;
  manifest: Record<string, unknown>;
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
  const started = performance.now();
  const day = parseDay(options.date, 'campaign date');
  const base = typeof options.config === 'string' ? loadConfigFile(options.config) : (options.config ?? defaultConfig());
  const effective = effectiveConfig(base, options.date);
  const config = effective.config;
  const workers = options.workers ?? availableParallelism();
  if (!Number.isInteger(workers) || workers < 0) throw new CampaignError('BAD_OPTION', `workers must be a whole number ≥ 0, got ${workers}`);
  const deltaVersions = checkDeltaVersions(options.deltaVersions ?? {});
  const outDir = resolve(options.outDir);
  const stateDir = resolve(options.stateDir ?? join(outDir, 'state'));
  const emit = options.onProgress ?? (() => undefined);
  const timingsMs: Record<string, number> = {};
  let phaseStart = performance.now();
  const begin = (phase: RunPhase, detail?: string): void => {
    checkAbort(options.signal);
    phaseStart = performance.now();
    emit({ phase, state: 'start', ...(detail === undefined ? {} : { detail }) });
  };
  const end = (phase: RunPhase): void => {
    const elapsedMs = Math.round(performance.now() - phaseStart);
    timingsMs[phase] = elapsedMs;
    emit({ phase, state: 'end', elapsedMs });
  };

  checkAbort(options.signal);
  const lock = await acquireRunLock(outDir, options.date);
  let staging: string | null = null;
  let pendingWrites: Promise<unknown> | null = null;
  const runner = createShardRunner(workers);
  try {
    begin('load');
    // Only the dedup window and the 7-day frequency cap look back: read no older ledger dates.
    const lookback = formatDay(day - Math.max(config.dedup_window_days, 7));
    const ledgerSends: SendRecord[] = existsSync(stateDir) ? await readAcceptedSends(stateDir, { from: lookback, to: formatDay(day - 1) }) : [];
    const loaded = await loadDataset({
      dataDir: options.dataDir,
      day,
      config,
      ledgerSends,
      duckdbThreads: decoderThreads(),
      deltaVersions,
      onStep: (detail, rows) => emit({ phase: 'load', state: 'progress', detail, ...(rows === undefined ? {} : { done: rows }) }),
    });
    if (existsSync(stateDir) && (loaded.tombstones.accountIds.length > 0 || loaded.tombstones.profileIds.length > 0)) {
      const purged = await purgeLedger(stateDir, { accountIds: new Set(loaded.tombstones.accountIds), profileIds: new Set(loaded.tombstones.profileIds) });
      loaded.counts['ledger'] = { purged_by_tombstones: purged };
    }
    end('load');

    const { model, labels } = loaded;
    const params = phaseParams(config);
    const results = createResults(model.profileCount, model.accountCount);
    const shards = planShards(model, Math.max(1, workers));

    begin('profiles');
    let done = 0;
    const partials = await Promise.all(
      shards.map(async (shard) => {
        const reply = await runner.run({ kind: 'profile-pass', model, params, results, shard });
        emit({ phase: 'profiles', state: 'progress', done: ++done, total: shards.length });
        if (reply.kind !== 'profile-pass') throw new Error('unexpected worker reply');
        return unpackCounts(model, reply.packed);
      }),
    );
    end('profiles');

    begin('pools');
    const pools = mergePools(model, params, sumPoolCounts(partials));
    end('pools');

    begin('recommend');
    done = 0;
    await Promise.all(
      shards.map(async (shard) => {
        await runner.run({ kind: 'recommend-pass', model, params, results, pools, accountIds: labels.accountIds, shard });
        emit({ phase: 'recommend', state: 'progress', done: ++done, total: shards.length });
      }),
    );
    end('recommend');

    begin('validate');
    // Profile ranges are checked on the workers while this thread builds and checks the selection.
    const P = model.profileCount;
    const parts = Math.max(1, runner.threads);
    const profileChecks = Promise.all(
      Array.from({ length: parts }, (_, k) =>
        runner.run({ kind: 'validate-profiles', model, profileIds: labels.profileIds, showIds: labels.showIds, results, from: Math.floor((P * k) / parts), to: Math.floor((P * (k + 1)) / parts) }),
      ),
    );
    pendingWrites = profileChecks.catch(() => undefined);
    const selection = selectionTable(model, labels, results, params.segmentNames);
    const validation: ValidationReport = { checks: VALIDATION_CHECKS, rowsChecked: selection.rows, violations: validateSelection(model, labels, results, selection) };
    for (const reply of await profileChecks) {
      if (reply.kind !== 'validate-profiles') throw new Error('unexpected worker reply');
      validation.rowsChecked += reply.rowsChecked;
      validation.violations.push(...reply.violations);
    }
    end('validate');
    if (validation.violations.length > 0) throw new ValidationError(validation.violations.slice(0, MAX_REPORTED));

    // The four scenario files are built, checked and encoded on the workers while this thread
    // writes the selection and payloads.
    staging = createStaging(outDir, options.date);
    await mkdir(join(staging, 'scenarios'));
    const stagingDir = staging;
    const scenarioWrites = Promise.all(
      SCENARIOS.map((name, k) => runner.run({ kind: 'write-scenario', scenario: k, path: join(stagingDir, 'scenarios', `${name}.parquet`), profileIds: labels.profileIds, showIds: labels.showIds, results })),
    );
    pendingWrites = scenarioWrites.catch(() => undefined);

    begin('write');
    const inputDigest = createHash('sha256')
      // The drift bounds change no output byte, so they do not change the run id either.
      // Delta versions and deletion vectors count too: an inline deletion vector changes no file.
      .update(JSON.stringify({ engine: ENGINE_VERSION, date: options.date, config: { ...config, drift: undefined }, files: loaded.inputFiles.map((f) => [f.path, f.sha256]), ledger: ledgerDigest(ledgerSends), ...deltaDigest(loaded.deltaInputs) }))
      .digest('hex');
    const runId = `${options.date}-${inputDigest.slice(0, 16)}`;
    await writeParquet(join(staging, 'selection.parquet'), selection.fields, selection.columns, selection.rows);
    const payloads = await writeLines(join(staging, 'payloads.ndjson'), payloadBlocks(model, labels, results, params.segmentNames, config.delivery.event_name, runId));
    const scenarioRows: Record<string, number> = {};
    for (const [k, reply] of (await scenarioWrites).entries()) {
      if (reply.kind !== 'write-scenario') throw new Error('unexpected worker reply');
      scenarioRows[SCENARIOS[k]!] = reply.rows;
      validation.violations.push(...reply.violations);
    }
    if (validation.violations.length > 0) throw new ValidationError(validation.violations);
    const outputs: WrittenOutputs = { scenarios: scenarioRows, selection: selection.rows, payloads };
    const statusCounts = Object.fromEntries(STATUSES.map((s) => [s, 0]));
    const scenarioCounts = Object.fromEntries(SCENARIOS.map((s) => [s, 0]));
    const sendScenarioCounts = Object.fromEntries(SCENARIOS.map((s) => [s, 0]));
    for (let a = 0; a < model.accountCount; a++) {
      if (results.accountProfile[a]! < 0) continue;
      statusCounts[STATUSES[results.accountStatus[a]!]!]!++;
      const s = results.accountScenario[a]!;
      if (s >= 0) scenarioCounts[SCENARIOS[s]!]!++;
      if (s >= 0 && results.accountStatus[a] === STATUS_SEND) sendScenarioCounts[SCENARIOS[s]!]!++;
    }
    const counts = {
      ...loaded.counts,
      rollup: { accounts: model.accountCount, reached_rollup: selection.rows, no_recommendation: model.accountCount - selection.rows },
      status: statusCounts,
      chosen_scenario: scenarioCounts,
      send_scenario: sendScenarioCounts,
    };
    const drift = await checkDrift(outDir, options.date, config, counts);
    end('write');
    timingsMs['total'] = Math.round(performance.now() - started);
    const manifest = { ...buildManifest(runId, effective, loaded.inputFiles, loaded.deltaInputs, options.dataDir, ledgerSends.length, counts, outputs, timingsMs, validation, workers), drift };
    await writeFile(join(staging, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
    checkAbort(options.signal);
    const outputDir = join(outDir, options.date);
    publishStaging(staging, outputDir);
    staging = null;
    if (drift.status === 'failed') throw runDriftError(drift, outputDir);
    return { runId, date: options.date, outputDir, activeOverrides: effective.activeOverrides, counts, timingsMs, validation, manifest, drift };
  } finally {
    // A failed run must not remove the staging directory under a worker still writing into it.
    await pendingWrites;
    if (staging !== null) discardStaging(staging);
    await runner.close();
    await lock.release();
  }
}

function checkAbort(signal: AbortSignal | undefined): void {
  if (signal?.aborted === true) throw new AbortedError();
}

function checkDeltaVersions(versions: Readonly<Record<string, number>>): DeltaVersions {
  for (const [table, version] of Object.entries(versions)) {
    if (!(table in INPUT_TABLES)) throw new CampaignError('BAD_OPTION', `a Delta version is pinned for '${table}', which is not an input table (${Object.keys(INPUT_TABLES).join(', ')})`);
    if (!Number.isInteger(version) || version < 0) throw new CampaignError('BAD_OPTION', `the Delta version pinned for '${table}' must be a whole number ≥ 0, got ${version}`);
  }
  return versions as DeltaVersions;
}

/** Datasets without Delta tables keep the run ids they always had. */
function deltaDigest(inputs: Record<string, DeltaInput>): { delta?: Record<string, DeltaInput> } {
  return Object.keys(inputs).length === 0 ? {} : { delta: inputs };
}

function ledgerDigest(sends: readonly SendRecord[]): string {
  const rows = sends.map((s) => `${s.send_date}|${s.account_id}|${s.profile_id}|${s.show_id}|${s.scenario}`).sort();
  return createHash('sha256').update(rows.join('\n')).digest('hex');
}

interface WrittenOutputs {
  scenarios: Record<string, number>;
  selection: number;
  payloads: number;
}

/** Streams NDJSON blocks to `path`; returns the number of lines. */
async function writeLines(path: string, blocks: Iterable<string>): Promise<number> {
  const stream = createWriteStream(path);
  let lines = 0;
  for (const block of blocks) {
    for (let i = block.indexOf('\n'); i >= 0; i = block.indexOf('\n', i + 1)) lines++;
    if (!stream.write(block)) await once(stream, 'drain');
  }
  stream.end();
  await once(stream, 'finish');
  return lines;
}

function buildManifest(
  runId: string,
  effective: EffectiveConfig,
  inputFiles: { path: string; bytes: number; sha256: string }[],
  deltaInputs: Record<string, DeltaInput>,
  dataDir: string,
  ledgerRows: number,
  counts: Record<string, Record<string, number>>,
  outputs: WrittenOutputs,
  timingsMs: Record<string, number>,
  validation: ValidationReport,
  workers: number,
): Record<string, unknown> {
  return {
    run_id: runId,
    campaign_date: effective.date,
    engine_version: ENGINE_VERSION,
    effective_config: effective.config,
    active_overrides: effective.activeOverrides,
    inputs: { dataset: resolve(dataDir), files: inputFiles, delta: deltaInputs, ledger_accepted_sends: ledgerRows },
    counts,
    outputs: {
      scenarios: Object.fromEntries(Object.entries(outputs.scenarios).map(([k, v]) => [`scenarios/${k}.parquet`, v])),
      'selection.parquet': outputs.selection,
      'payloads.ndjson': outputs.payloads,
    },
    validation: { passed: validation.violations.length === 0, checks: validation.checks, rows_checked: validation.rowsChecked, violations: validation.violations },
    timings_ms: timingsMs,
    workers,
  };
}
