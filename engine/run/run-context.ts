import type { WorkerUseMeter } from '../pool/worker-use.js';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import type { DeltaVersions } from '../../io/input/bind-tables.js';
import { INPUT_TABLES } from '../../io/input/input-schema.js';
import type { CampaignConfig, EffectiveConfig, PartialConfig } from '../config/config-types.js';
import { defaultConfig } from '../config/default-config.js';
import { configFromObject, effectiveConfig, loadConfigFile } from '../config/resolve-config.js';
import { resolveStorage } from '../config/storage-config.js';
import type { StorageOptions } from '../../io/storage/storage-options.js';
import { parseDay } from '../dates.js';
import { abortedBy, CampaignError } from '../errors.js';
import { ResourceMeter } from './resource-meter.js';
import type { PhaseCounter, ProgressListener, ProgressUnit, RunPhase } from '../progress.js';

export type { PhaseCounter } from '../progress.js';

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
  /**
   * A YAML/JSON file path, a config object — whole or partial, merged over the SPEC defaults
   * exactly as a file is, unknown keys and bad values ConfigErrors naming the key — or nothing
   * for the defaults.
   */
  config?: PartialConfig | string;
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
   * Decode every play from the dataset, ignoring the plays cache under the state directory, and
   * write the cache anew from what was decoded. Outputs are the same either way.
   */
  cold?: boolean;
  /** Size limit of the plays cache in bytes (default 16 GiB); 0 keeps no cache (and removes it). */
  playsCacheMaxBytes?: number;
  /**
   * Directories whose files a Delta table's log may name by absolute path or `file:` URI (shallow
   * clones, `p` deletion vectors), besides the dataset directory. Relative paths stay inside
   * their table whatever this says (README "Reading Delta Lake").
   */
  allowExternalPaths?: readonly string[];
  /**
   * Aborts the run: within a second whatever phase it is in (DuckDB queries interrupted, worker
   * threads stopped, the lock released), with nothing published; runCampaign then rejects with an
   * AbortedError whose `reason` is the signal's.
   */
  signal?: AbortSignal;
  onProgress?: ProgressListener;
  /**
   * The lease of the run's lock (ms, default 2 minutes): the lock is refreshed every 10 s, and one
   * not refreshed for this long is stale, so a run killed on another host or in another container
   * blocks the date at most this long.
   */
  lockLeaseMs?: number;
}

/** The plays cache's default size limit. */
export const DEFAULT_PLAYS_CACHE_MAX_BYTES = 16 * 2 ** 30;

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
  /** The plays cache: how this run uses it, and its limit (0: no cache). */
  playsCache: { cold: boolean; maxBytes: number };
  /** Absolute. */
  allowExternalPaths: string[];
  signal: AbortSignal | undefined;
  emit: ProgressListener;
  started: number;
  timingsMs: Record<string, number>;
  /** Measures how busy the workers are in each phase (the manifest's `worker_use`), once a runner exists. */
  phaseMeter?: WorkerUseMeter;
  /** CPU time and peak RSS per phase (the manifest's `resources`). */
  resources: ResourceMeter;
  /** Once known (the write phase computes it), every progress event carries it. */
  runId?: string;
  /** Phase timings of the previous run under the same output root: the `expectedMs` of each phase's start event. */
  expectedMs?: Record<string, number>;
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
  const base = typeof options.config === 'string' ? loadConfigFile(options.config) : options.config === undefined ? defaultConfig() : configFromObject(options.config, '(object)');
  const effective = effectiveConfig(base, options.date);
  const requested = options.workers ?? availableParallelism();
  if (!Number.isInteger(requested) || requested < 0) throw new CampaignError('BAD_OPTION', `workers must be a whole number ≥ 0, got ${requested}`);
  // Threads beyond the cores add memory and contention, no speed (1000 workers: 10.8 GB and 94 s on 10k profiles).
  const workers = Math.min(requested, availableParallelism());
  const outDir = resolve(options.outDir);
  const maxBytes = options.playsCacheMaxBytes ?? DEFAULT_PLAYS_CACHE_MAX_BYTES;
  if (!Number.isSafeInteger(maxBytes) || maxBytes < 0) throw new CampaignError('BAD_OPTION', `playsCacheMaxBytes must be a whole number of bytes ≥ 0, got ${maxBytes}`);
  const listener = options.onProgress ?? (() => undefined);
  const run: RunContext = {
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
    playsCache: { cold: options.cold === true, maxBytes },
    allowExternalPaths: (options.allowExternalPaths ?? []).map((p) => resolve(p)),
    signal: options.signal,
    emit: (event) => listener(run.runId === undefined ? event : { ...event, runId: run.runId }),
    started,
    timingsMs: {},
    resources: new ResourceMeter(),
  };
  return run;
}

function checkDeltaVersions(versions: Readonly<Record<string, number>>): DeltaVersions {
  for (const [table, version] of Object.entries(versions)) {
    if (!(table in INPUT_TABLES)) throw new CampaignError('BAD_OPTION', `a Delta version is pinned for '${table}', which is not an input table (${Object.keys(INPUT_TABLES).join(', ')})`);
    if (!Number.isInteger(version) || version < 0) throw new CampaignError('BAD_OPTION', `the Delta version pinned for '${table}' must be a whole number ≥ 0, got ${version}`);
  }
  return versions as DeltaVersions;
}

export function checkAbort(run: RunContext): void {
  if (run.signal?.aborted === true) throw abortedBy(run.signal);
}

/**
 * Lets the event loop run (a SIGTERM's handler, the abort it fires) between two long synchronous
 * steps on the main thread, then stops if the run was aborted meanwhile.
 */
export async function breathe(run: RunContext): Promise<void> {
  await new Promise((resolve) => setImmediate(resolve));
  checkAbort(run);
}

const PROGRESS_EVERY_MS = 100;

/**
 * Runs one phase: stops first if the run was aborted, reports its start (with the previous run's
 * time for it) and end, progress in `unit`s every 100 ms while `done` moves, records its time,
 * CPU time and peak memory.
 */
export async function phase<T>(run: RunContext, name: RunPhase, work: (counter: PhaseCounter) => Promise<T> | T, unit: ProgressUnit = 'steps', total = 1): Promise<T> {
  checkAbort(run);
  const start = performance.now();
  run.phaseMeter?.start();
  run.resources.start();
  const counter = phaseCounter(unit, total);
  const expectedMs = run.expectedMs?.[name];
  const expectedTotalMs = run.expectedMs?.['total'];
  run.emit({ phase: name, state: 'start', done: 0, total: counter.total, unit, ...(expectedMs === undefined ? {} : { expectedMs }), ...(expectedTotalMs === undefined ? {} : { expectedTotalMs }) });
  let reported = 0;
  const ticker = setInterval(() => {
    const done = counter.done();
    if (done === reported) return;
    reported = done;
    run.emit({ phase: name, state: 'progress', done: Math.min(done, counter.total), total: counter.total, unit, elapsedMs: Math.round(performance.now() - start) });
  }, PROGRESS_EVERY_MS);
  ticker.unref();
  let result: T;
  try {
    result = await work(counter);
  } finally {
    clearInterval(ticker);
  }
  const elapsedMs = Math.round(performance.now() - start);
  run.timingsMs[name] = elapsedMs;
  run.phaseMeter?.stop(name);
  run.resources.stop(name);
  run.emit({ phase: name, state: 'end', elapsedMs, done: counter.total, total: counter.total, unit });
  return result;
}

function phaseCounter(unit: ProgressUnit, total: number): PhaseCounter {
  let local = 0;
  const shared = new BigInt64Array(new SharedArrayBuffer(8));
  return {
    unit,
    total,
    add: (n) => {
      local += n;
    },
    shared,
    done: () => local + Number(Atomics.load(shared, 0)),
  };
}

/** Reports a change of what the phase is doing (the table the load is reading). */
export function phaseDetail(run: RunContext, name: RunPhase, detail: string, counter: PhaseCounter): void {
  run.emit({ phase: name, state: 'progress', detail, done: Math.min(counter.done(), counter.total), total: counter.total, unit: counter.unit });
}
