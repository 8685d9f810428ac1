import { createHash } from 'node:crypto';
import { existsSync, createWriteStream } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { once } from 'node:events';
import { purgeLedger, readAcceptedSends } from '../io/ledger/index.js';
import { writeParquet } from '../io/parquet/index.js';
import { SCENARIOS } from './config/config-types.js';
import type { CampaignConfig, EffectiveConfig } from './config/config-types.js';
import { defaultConfig } from './config/default-config.js';
import { effectiveConfig, loadConfigFile } from './config/resolve-config.js';
import { formatDay, parseDay } from './dates.js';
import { AbortedError, CampaignError, ValidationError } from './errors.js';
import { loadDataset } from './load/load-dataset.js';
import type { SendRecord } from './load/load-sends.js';
import { mergePools, sumPoolCounts } from './merge/merge-pools.js';
import { toShared } from './model/shared-arrays.js';
import { payloadBlocks } from './output/payload-lines.js';
import { scenarioTable, selectionTable } from './output/output-tables.js';
import type { OutputTable } from './output/output-tables.js';
import { acquireRunLock } from './output/run-lock.js';
import { createStaging, discardStaging, publishStaging } from './output/staging-dir.js';
import { validateOutputs } from './output/validate-outputs.js';
import type { ValidationReport } from './output/validate-outputs.js';
import { createResults } from './phases/campaign-results.js';
import { phaseParams, STATUSES } from './phases/phase-params.js';
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
}

/**
 * Runs SPEC phases 1–4 for one date and publishes `<outDir>/<date>/` atomically: scenario files,
 * selection, payloads and manifest. Throws a CampaignError subclass on any contract violation,
 * validation failure, lock conflict or abort, leaving no partial output behind.
 */
export async function runCampaign(options: RunCampaignOptions): Promise<RunCampaignResult> {
  const started = performance.now();
  const day = parseDay(options.date, 'campaign date');
  const base = typeof options.config === 'string' ? loadConfigFile(options.config) : (options.config ?? defaultConfig());
  const effective = effectiveConfig(base, options.date);
  const config = effective.config;
  const workers = options.workers ?? availableParallelism();
  if (!Number.isInteger(workers) || workers < 0) throw new CampaignError('BAD_OPTION', `workers must be a whole number ≥ 0, got ${workers}`);
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
      duckdbThreads: Math.max(1, workers),
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
    const accountIds = toShared(labels.accountIds);
    done = 0;
    await Promise.all(
      shards.map(async (shard) => {
        await runner.run({ kind: 'recommend-pass', model, params, results, pools, accountIds, shard });
        emit({ phase: 'recommend', state: 'progress', done: ++done, total: shards.length });
      }),
    );
    end('recommend');

    begin('validate');
    const scenarioTables = SCENARIOS.map((_, k) => scenarioTable(model, labels, results, k));
    const selection = selectionTable(model, labels, results, params.segmentNames);
    const validation = validateOutputs(model, labels, results, scenarioTables, selection);
    end('validate');
    if (validation.violations.length > 0) throw new ValidationError(validation.violations);

    begin('write');
    const inputDigest = createHash('sha256')
      .update(JSON.stringify({ engine: ENGINE_VERSION, date: options.date, config, files: loaded.inputFiles.map((f) => [f.path, f.sha256]), ledger: ledgerDigest(ledgerSends) }))
      .digest('hex');
    const runId = `${options.date}-${inputDigest.slice(0, 16)}`;
    staging = createStaging(outDir, options.date);
    const outputs = await writeOutputs(staging, scenarioTables, selection, payloadBlocks(model, labels, results, params.segmentNames, config.delivery.event_name, runId));
    const statusCounts = Object.fromEntries(STATUSES.map((s) => [s, 0]));
    const scenarioCounts = Object.fromEntries(SCENARIOS.map((s) => [s, 0]));
    for (let a = 0; a < model.accountCount; a++) {
      if (results.accountProfile[a]! < 0) continue;
      statusCounts[STATUSES[results.accountStatus[a]!]!]!++;
      const s = results.accountScenario[a]!;
      if (s >= 0) scenarioCounts[SCENARIOS[s]!]!++;
    }
    const counts = {
      ...loaded.counts,
      rollup: { accounts: model.accountCount, reached_rollup: selection.rows, no_recommendation: model.accountCount - selection.rows },
      status: statusCounts,
      chosen_scenario: scenarioCounts,
    };
    end('write');
    timingsMs['total'] = Math.round(performance.now() - started);
    const manifest = buildManifest(runId, effective, loaded.inputFiles, options.dataDir, ledgerSends.length, counts, outputs, timingsMs, validation, workers);
    await writeFile(join(staging, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
    checkAbort(options.signal);
    const outputDir = join(outDir, options.date);
    publishStaging(staging, outputDir);
    staging = null;
    return { runId, date: options.date, outputDir, activeOverrides: effective.activeOverrides, counts, timingsMs, validation, manifest };
  } finally {
    if (staging !== null) discardStaging(staging);
    await runner.close();
    await lock.release();
  }
}

function checkAbort(signal: AbortSignal | undefined): void {
  if (signal?.aborted === true) throw new AbortedError();
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

async function writeOutputs(dir: string, scenarioTables: OutputTable[], selection: OutputTable, payloads: Iterable<string>): Promise<WrittenOutputs> {
  await mkdir(join(dir, 'scenarios'));
  const scenarios: Record<string, number> = {};
  for (const [k, t] of scenarioTables.entries()) {
    await writeParquet(join(dir, 'scenarios', `${SCENARIOS[k]}.parquet`), t.fields, t.columns, t.rows);
    scenarios[SCENARIOS[k]!] = t.rows;
  }
  await writeParquet(join(dir, 'selection.parquet'), selection.fields, selection.columns, selection.rows);
  const stream = createWriteStream(join(dir, 'payloads.ndjson'));
  let lines = 0;
  for (const block of payloads) {
    for (let i = block.indexOf('\n'); i >= 0; i = block.indexOf('\n', i + 1)) lines++;
    if (!stream.write(block)) await once(stream, 'drain');
  }
  stream.end();
  await once(stream, 'finish');
  return { scenarios, selection: selection.rows, payloads: lines };
}

function buildManifest(
  runId: string,
  effective: EffectiveConfig,
  inputFiles: { path: string; bytes: number; sha256: string }[],
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
    inputs: { dataset: resolve(dataDir), files: inputFiles, ledger_accepted_sends: ledgerRows },
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
