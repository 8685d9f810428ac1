import { existsSync } from 'node:fs';
import { PLAYS_CACHE_DIR } from '../../io/plays-cache/cache-index.js';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { openDataset } from '../../io/input/open-dataset.js';
import { ledgerHistory, purgeLedger, upgradeOldLayout } from '../../io/ledger/index.js';
import type { DateRange, LedgerHistory, LedgerHistoryDate } from '../../io/ledger/index.js';
import { pauseForTest } from '../output/test-pause.js';
import { formatDay } from '../dates.js';
import { judgeFreshness } from '../freshness/check-freshness.js';
import type { FreshnessResult } from '../freshness/check-freshness.js';
import { loadDataset } from '../load/load-dataset.js';
import type { LoadedDataset } from '../load/load-dataset.js';
import { removePlaysCache } from '../load/plays-cache.js';
import type { PlaysCacheOptions } from '../load/plays-cache.js';
import type { ShardRunner } from '../pool/shard-runner.js';
import type { PhaseCounter } from '../progress.js';
import type { RunContext } from './run-context.js';

export interface RunInputs {
  loaded: LoadedDataset;
  /** The ledger's dates of the lookback window: their accepted sends join the dedup history, their digests the run id. */
  ledgerWindow: LedgerHistoryDate[];
}

/** The ledger dates a run reads: only the dedup window and the 7-day frequency cap look back. */
function lookbackOf(run: RunContext): Required<DateRange> {
  return { from: formatDay(run.day - Math.max(run.config.dedup_window_days, 7)), to: formatDay(run.day - 1) };
}

/**
 * Phase `load`: the ledger dates of the lookback written before columnar copies existed upgraded
 * (once), where the ledger's history lives (its columnar copies), the dataset and that history
 * into the model (the plays decoded on the workers), then the ledger rows of tombstoned accounts
 * and profiles purged, on the dates that hold one (counted under `ledger`).
 */
export async function loadRunInputs(run: RunContext, runner: ShardRunner, progress?: PhaseCounter): Promise<RunInputs> {
  const { stateDir } = run;
  // Before the load, which may create the state directory for the plays cache.
  const hadState = existsSync(stateDir);
  if (hadState) await upgradeOldLayout(stateDir, lookbackOf(run), { afterHistoryFile: () => pauseForTest('ledger-upgrade-history-written') });
  const input = await readRunInputs(run, runner, progress);
  const { loaded } = input;
  if (hadState && (loaded.tombstones.accountIds.length > 0 || loaded.tombstones.profileIds.length > 0)) {
    const tombstones = { accountIds: new Set(loaded.tombstones.accountIds), profileIds: new Set(loaded.tombstones.profileIds) };
    const purged = loaded.purgeDates.length === 0 ? 0 : await purgeLedger(stateDir, tombstones, { dates: loaded.purgeDates });
    loaded.counts['ledger'] = { purged_by_tombstones: purged };
  }
  return input;
}

/**
 * The reading half of `load`, which writes nothing: the ledger's history of the lookback window
 * (read without its lock) and the dataset into the model. The selection does not depend on the
 * purge, which only removes rows the model already leaves out, so a preview stops here.
 */
export async function readRunInputs(run: RunContext, runner: ShardRunner, progress?: PhaseCounter): Promise<RunInputs> {
  const { config, day, stateDir } = run;
  const lookback = lookbackOf(run);
  const ledger: LedgerHistory = existsSync(stateDir) ? await ledgerHistory(stateDir, lookback) : { dates: [], accepted: 0 };
  const ledgerWindow = ledger.dates.filter((d) => d.date >= lookback.from && d.date <= lookback.to);
  const loaded = await loadDataset({
    dataset: await openDataset(run.dataDir, { storage: run.storage, defaultCacheDir: join(stateDir, 'cache'), allowExternalPaths: run.allowExternalPaths, ...(run.signal === undefined ? {} : { signal: run.signal }) }),
    day,
    config,
    ledgerWindow,
    ledgerAll: ledger.dates,
    // The plays are decoded by the workers' own DuckDBs; this session reads the other tables and
    // the history, first while the workers wait for the profile index: it gets every core.
    duckdbThreads: availableParallelism(),
    runner,
    deltaVersions: run.deltaVersions,
    ...playsCacheOf(run),
    onStep: (detail) => run.emit({ phase: 'load', state: 'progress', detail, ...(progress === undefined ? {} : { done: progress.done(), total: progress.total, unit: progress.unit }) }),
    ...(progress === undefined ? {} : { progress }),
    ...(run.signal === undefined ? {} : { signal: run.signal }),
  });
  return { loaded, ledgerWindow };
}

/**
 * The plays cache under the state directory: a preview's runs only read it; a limit of 0 keeps
 * none (an existing one is removed).
 */
function playsCacheOf(run: RunContext): { playsCache?: PlaysCacheOptions } {
  const dir = join(run.stateDir, PLAYS_CACHE_DIR);
  const { cold, maxBytes } = run.playsCache;
  if (maxBytes === 0) {
    if (run.scratch === undefined) removePlaysCache(dir);
    return {};
  }
  return { playsCache: { dir, mode: run.scratch !== undefined ? 'read' : cold ? 'cold' : 'warm', maxBytes } };
}

/**
 * The freshness guard's verdict on the loaded inputs (SPEC §9): the plays' latest day and count in
 * the history window and the eligible profiles; with `sends` (once selected) the sends too.
 */
export function loadFreshness(run: RunContext, input: RunInputs, sends: number | null): FreshnessResult {
  const { counts, latestPlayDay } = input.loaded;
  const playsInWindow = (counts['plays']?.['read_in_history_window'] ?? 0) - (counts['plays_dropped']?.['future'] ?? 0);
  return judgeFreshness(run.config.freshness, run.day, run.config.history_days, { latestPlayDay, playsInWindow, eligibleProfiles: counts['profiles']?.['eligible'] ?? 0, sends });
}
