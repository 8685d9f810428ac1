import type { WorkerUseMeter } from '../pool/worker-use.js';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import type { DeltaVersions } from '../../io/input/bind-tables.js';
import { INPUT_TABLES } from '../../io/input/input-schema.js';
import type { CampaignConfig, EffectiveConfig } from '../config/config-types.js';
import { defaultConfig } from '../config/default-config.js';
import { effectiveConfig, loadConfigFile } from '../config/resolve-config.js';
import { resolveStorage } from '../config/storage-config.js';
import type { StorageOptions } from '../../io/storage/storage-options.js';
import { parseDay } from '../dates.js';
import { AbortedError, CampaignError } from '../errors.js';
import type { ProgressListener, RunPhase } from '../progress.js';

export interface RunCampaignOptions {
  /** Dataset (SPEC §2): a directory, or a URL on object storage (s3://, gs://, az://, abfss://, …). */
  dataDir: string;
  /**
   * Object storage options by delta-rs / object_store name (`{ AWS_REGION: 'eu-west-1' }`), over
   * the config's `storage:` section and the environment (docs/object-storage.md).
   */
  storage?: Readonly<Record<string, string>>;
  /** Campaign date D, YYYY-MM-DD. */
  date: string;
  /** Output root; the run is published as `<outDir>/<date>/`. */
  outDir: string;
  /** A config object, a YAML/JSON file path, or nothing for the SPEC defaults. */
  config?: CampaignConfig | string;
  /** Worker threads; 0 runs the shard passes on the calling thread. Default, and most: the core count (availableParallelism). */
  workers?: number;
  /** Delivery state (the ledger) whose accepted sends join the dedup history. Default `<outDir>/state`. */
  stateDir?: string;
  /**
   * Delta table versions to read, by table name (`{ plays: 41 }`), for re-runs on the data an
   * earlier run read; other Delta tables are read at their latest version.
   */
  deltaVersions?: Readonly<Record<string, number>>;
  /**
   * Directories whose files a Delta table's log may name by absolute path or `file:` URI (shallow
   * clones, `p` deletion vectors), besides the dataset directory. Relative paths stay inside
   * their table whatever this says (README "Reading Delta Lake").
   */
  allowExternalPaths?: readonly string[];
  signal?: AbortSignal;
  onProgress?: ProgressListener;
}

/** One run's checked options, its effective config, and the clock its phases report against. */
export interface RunContext {
  date: string;
  day: number;
  effective: EffectiveConfig;
  config: CampaignConfig;
  workers: number;
  dataDir: string;
  /** Object storage options in force (a local dataset ignores them). */
  storage: StorageOptions;
  outDir: string;
  stateDir: string;
  deltaVersions: DeltaVersions;
  /** Absolute. */
  allowExternalPaths: string[];
  signal: AbortSignal | undefined;
  emit: ProgressListener;
  started: number;
  timingsMs: Record<string, number>;
  /** Measures how busy the workers are in each phase (the manifest's `worker_use`), once a runner exists. */
  phaseMeter?: WorkerUseMeter;
  /**
   * Set for a preview's runs (engine/preview): `outDir` is a scratch root, written only with
   * `writeFiles`; the drift guard looks for earlier runs under `driftRoot` (the published runs);
   * never the date's nightly run, so a delivered date does not constrain it.
   */
  scratch?: { driftRoot: string; writeFiles: boolean };
}

/** Checks the options and resolves the config for the date: nothing is read or locked yet. */
export function startRun(options: RunCampaignOptions): RunContext {
  const started = performance.now();
  const day = parseDay(options.date, 'campaign date');
  const base = typeof options.config === 'string' ? loadConfigFile(options.config) : (options.config ?? defaultConfig());
  const effective = effectiveConfig(base, options.date);
  const requested = options.workers ?? availableParallelism();
  if (!Number.isInteger(requested) || requested < 0) throw new CampaignError('BAD_OPTION', `workers must be a whole number ≥ 0, got ${requested}`);
  // Threads beyond the cores add memory and contention, no speed (1000 workers: 10.8 GB and 94 s on 10k profiles).
  const workers = Math.min(requested, availableParallelism());
  const outDir = resolve(options.outDir);
  return {
    date: options.date,
    day,
    effective,
    config: effective.config,
    workers,
    dataDir: options.dataDir,
    storage: resolveStorage(effective.config, options.storage),
    outDir,
    stateDir: resolve(options.stateDir ?? join(outDir, 'state')),
    deltaVersions: checkDeltaVersions(options.deltaVersions ?? {}),
    allowExternalPaths: (options.allowExternalPaths ?? []).map((p) => resolve(p)),
    signal: options.signal,
    emit: options.onProgress ?? (() => undefined),
    started,
    timingsMs: {},
  };
}

function checkDeltaVersions(versions: Readonly<Record<string, number>>): DeltaVersions {
  for (const [table, version] of Object.entries(versions)) {
    if (!(table in INPUT_TABLES)) throw new CampaignError('BAD_OPTION', `a Delta version is pinned for '${table}', which is not an input table (${Object.keys(INPUT_TABLES).join(', ')})`);
    if (!Number.isInteger(version) || version < 0) throw new CampaignError('BAD_OPTION', `the Delta version pinned for '${table}' must be a whole number ≥ 0, got ${version}`);
  }
  return versions as DeltaVersions;
}

export function checkAbort(run: RunContext): void {
  if (run.signal?.aborted === true) throw new AbortedError();
}

/** Runs one phase: stops first if the run was aborted, reports its start and end, records its time. */
export async function phase<T>(run: RunContext, name: RunPhase, work: () => Promise<T> | T): Promise<T> {
  checkAbort(run);
  const start = performance.now();
  run.phaseMeter?.start();
  run.emit({ phase: name, state: 'start' });
  const result = await work();
  const elapsedMs = Math.round(performance.now() - start);
  run.timingsMs[name] = elapsedMs;
  run.phaseMeter?.stop(name);
  run.emit({ phase: name, state: 'end', elapsedMs });
  return result;
}

/** Reports progress within a phase: `done` of `total` shards. */
export function shardDone(run: RunContext, name: RunPhase, done: number, total: number): void {
  run.emit({ phase: name, state: 'progress', done, total });
}
