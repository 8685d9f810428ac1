import { DuckDBSession } from '../../io/input/duckdb-session.js';
import { bindTables } from '../../io/input/bind-tables.js';
import type { DeltaVersions } from '../../io/input/bind-tables.js';
import { statSync } from 'node:fs';
import type { BoundTable } from '../../io/input/bind-tables.js';
import { sourceRows } from '../../io/input/footer-stats.js';
import type { TableName } from '../../io/input/input-schema.js';
import { describeDeltaInputs, sourceFiles } from '../../io/input/table-files.js';
import type { DeltaInput, InputFile, TableSource } from '../../io/input/table-files.js';
import type { PhaseCounter } from '../progress.js';
import type { Dataset, TransferSummary } from '../../io/input/dataset.js';
import type { LedgerHistoryDate } from '../../io/ledger/index.js';
import type { CampaignConfig } from '../config/config-types.js';
import type { CampaignModel, ModelLabels } from '../model/campaign-model.js';
import { loadCatalog } from './load-catalog.js';
import type { LoadContext } from './load-context.js';
import { loadPeople } from './load-people.js';
import type { LoadedPeople } from './load-people.js';
import type { ShardRunner } from '../pool/shard-runner.js';
import { loadTombstones } from './load-tombstones.js';
import type { PlaysCacheOptions, PlaysCacheReport } from './plays-cache.js';
import { startIngest } from './start-ingest.js';
import type { IngestJob } from './start-ingest.js';

export interface LoadOptions {
  /** The opened dataset; loadDataset closes it once every file is read. */
  dataset: Dataset;
  day: number;
  config: CampaignConfig;
  /** The delivery ledger's dates of the lookback window, whose accepted sends join the dataset's `sends` table. */
  ledgerWindow: readonly LedgerHistoryDate[];
  /** Every ledger date, checked against the tombstones. */
  ledgerAll: readonly LedgerHistoryDate[];
  duckdbThreads: number;
  /** Decodes the plays on its threads (inline when it has none). */
  runner: ShardRunner;
  /** Delta tables to read at a pinned version instead of their latest. */
  deltaVersions?: DeltaVersions;
  /** The plays cache to use (plays-cache.ts); none when absent. */
  playsCache?: PlaysCacheOptions;
  onStep?: (step: string) => void;
  /** Counts the input rows read, of the total the footers give (the load phase's progress). */
  progress?: PhaseCounter;
  /** Interrupts this thread's DuckDB queries (the workers' are stopped through the runner). */
  signal?: AbortSignal;
}

export interface LoadedDataset {
  model: CampaignModel;
  labels: ModelLabels;
  /** The dataset as the user named it (a directory or a URL). */
  dataset: string;
  inputFiles: InputFile[];
  /** What was transferred from object storage; null for a local dataset. */
  transfer: TransferSummary | null;
  /** The Delta tables read: version and live files, by table. */
  deltaInputs: Record<string, DeltaInput>;
  counts: Record<string, Record<string, number>>;
  regionNames: string[];
  tombstones: { accountIds: number[]; profileIds: number[] };
  /** Ledger dates holding a tombstoned row: the purge rewrites these only. */
  purgeDates: string[];
  /** What the plays cache did, or null when the load used none. */
  playsCache: PlaysCacheReport | null;
  /** The day of the latest play before D in the history window (counted or not), null when there is none. */
  latestPlayDay: number | null;
  /** What the run must say although it goes on: each required table that is empty. */
  warnings: string[];
}

/** Rows of each bound table (io/input sourceRows: footers, or a Delta table's live rows). */
async function tableRows(ctx: LoadContext): Promise<Partial<Record<TableName, number>>> {
  const rows: Partial<Record<TableName, number>> = {};
  for (const [name, bound] of Object.entries(ctx.tables) as [TableName, BoundTable][]) rows[name] = await sourceRows(ctx.session, bound.source);
  return rows;
}

/** The required tables without which nothing can be sent, and the count that holds their rows. */
const SEND_TABLES = [
  ['catalog', 'episodes'],
  ['accounts', 'rows'],
  ['profiles', 'rows'],
  ['plays', 'rows'],
] as const;

/**
 * A warning for each of catalog, accounts, profiles and plays that has no row: a run on it sends
 * nothing, which must not pass as a quiet night.
 */
function emptyTableWarnings(ctx: LoadContext): string[] {
  return SEND_TABLES.filter(([t, key]) => ctx.counts[t]?.[key] === 0).map(([t]) => `required table '${t}' is empty (0 rows in ${ctx.tables[t]!.source.label}): nothing can be sent`);
}

/**
 * Reads and checks every input table, then builds the columnar model. The contract checks
 * (files, columns, types) all run before the first large read, so a bad dataset fails fast.
 */
export async function loadDataset(options: LoadOptions): Promise<LoadedDataset> {
  const { dataset } = options;
  let session: DuckDBSession | null = null;
  try {
    session = await DuckDBSession.open(options.duckdbThreads, options.signal);
    const ctx: LoadContext = { session, day: options.day, config: options.config, tables: await bindTables(session, dataset, undefined, options.deltaVersions), counts: {} };
    const sources = Object.values(ctx.tables).map((t) => t.source);
    // Every table's row count (Parquet footers): the load's progress is rows read of all of them.
    const rows = await tableRows(ctx);
    const progress = options.progress;
    if (progress !== undefined) progress.total = Object.values(rows).reduce((n, r) => n + r, 0);
    const loaded = (...names: TableName[]): void => {
      for (const name of names) progress?.add(rows[name] ?? 0);
    };
    // The files are hashed (for the manifest and the run id) on a worker: the workers are idle
    // until the plays start, and the main thread is the critical path until then. The plays'
    // files first, spread over the workers: the plays cache is keyed by their hashes.
    const describe = (of: TableSource[]): Promise<InputFile[]> =>
      options.runner.run({ kind: 'describe-inputs', dataDir: dataset.dir, sources: of }).then((reply) => {
        if (reply.kind !== 'describe-inputs') throw new Error('unexpected worker reply');
        // A remote dataset's files are recorded by URL too (and plain Parquet by the ETag read).
        return reply.files.map((f): InputFile => {
          const origin = dataset.origin(f.path);
          return origin === null ? f : { ...f, url: origin.url, ...(origin.etag === null ? {} : { etag: origin.etag }) };
        });
      });
    const playsSource = ctx.tables.plays!.source;
    // The plays (most of the bytes) in contiguous parts of about equal bytes, one per worker.
    const playsHashing = Promise.all(splitByBytes(sourceFiles(playsSource), Math.max(1, options.runner.threads)).map((files) => describe([{ ...playsSource, files, delta: null }]))).then((parts) => parts.flat());
    const otherHashing = describe(sources.filter((s) => s !== playsSource));
    const hashing = Promise.all([playsHashing, otherHashing]).then(([playsFiles, others]) => inSourceOrder(sources, playsSource, playsFiles, others));
    // Keep a rejected hash from being reported as unhandled while the loads below are awaited.
    hashing.catch(() => undefined);
    const step = options.onStep ?? (() => undefined);
    if (options.playsCache !== undefined) {
      const files = playsHashing.then((described) => described.slice(0, playsSource.files.length));
      files.catch(() => undefined);
      ctx.playsCache = { options: options.playsCache, files, step: (detail) => step(detail) };
    }

    step('tombstones');
    const tombstones = await loadTombstones(ctx);
    loaded('tombstones');
    step('catalog');
    const catalog = await loadCatalog(ctx);
    loaded('catalog');
    step('accounts and profiles');
    // The workers decode the plays and the send history (they need the profile and content
    // indexes) while this thread plans the history and loads the accounts.
    let ingest: IngestJob | null = null;
    let people: LoadedPeople;
    try {
      people = await loadPeople(ctx, tombstones, async (keys) => {
        step('plays');
        ingest = await startIngest(ctx, keys, catalog, tombstones, { window: options.ledgerWindow, all: options.ledgerAll }, options.runner, step, progress?.shared);
      });
    } catch (err) {
      await (ingest as IngestJob | null)?.abandon();
      throw err;
    }
    loaded('accounts', 'profiles', 'regions');
    const { plays, sends } = await (ingest as IngestJob | null)!.finish(people);
    loaded('sends');
    const inputFiles = await hashing;

    const model: CampaignModel = {
      day: options.day,
      profileCount: people.profileIds.length,
      accountCount: people.accountIds.length,
      showCount: catalog.showCount,
      contentCount: catalog.contentCount,
      clusterCount: people.clusterCount,
      regionCount: people.regionNames.length,
      ...plays,
      contentShow: catalog.contentShow,
      contentFlags: catalog.contentFlags,
      showFlags: catalog.showFlags,
      showAvailableEpisodes: catalog.showAvailableEpisodes,
      showNewEpisodes: catalog.showNewEpisodes,
      showBoost: catalog.showBoost,
      showAllowed: catalog.showAllowed,
      profileAccount: people.profileAccount,
      profileCluster: people.profileCluster,
      profileRegion: people.profileRegion,
      profileIneligible: people.profileIneligible,
      profileAvodPlan: people.profileAvodPlan,
      accountProfileOffsets: people.accountProfileOffsets,
      accountProfiles: people.accountProfiles,
      accountAvodPlan: people.accountAvodPlan,
      accountSends7d: sends.accountSends7d,
      orphanProfiles: people.orphanProfiles,
      sentOffsets: sends.sentOffsets,
      sentShows: sends.sentShows,
    };
    const labels: ModelLabels = {
      profileIds: people.profileIds,
      accountIds: people.accountIds,
      accountCrmIds: people.accountCrmIds,
      showIds: catalog.showIds,
      showTitles: catalog.showTitles,
      showCategories: catalog.showCategories,
    };
    return {
      model,
      labels,
      dataset: dataset.location,
      inputFiles,
      transfer: dataset.transfer(),
      deltaInputs: describeDeltaInputs(dataset.dir, sources),
      counts: ctx.counts,
      regionNames: people.regionNames,
      tombstones: { accountIds: [...tombstones.accountIds], profileIds: [...tombstones.profileIds] },
      purgeDates: sends.purgeDates,
      playsCache: ctx.playsCache?.report ?? null,
      latestPlayDay: ctx.latestPlayDay ?? null,
      warnings: emptyTableWarnings(ctx),
    };
  } finally {
    session?.close();
    await dataset.close();
  }
}

/** The files of every source in `sources` order, from the plays' description and the others'. */
function inSourceOrder(sources: readonly TableSource[], plays: TableSource, playsFiles: InputFile[], others: InputFile[]): InputFile[] {
  const out: InputFile[] = [];
  let at = 0;
  for (const s of sources) {
    if (s === plays) {
      out.push(...playsFiles);
      continue;
    }
    const n = sourceFiles(s).length;
    out.push(...others.slice(at, at + n));
    at += n;
  }
  return out;
}

/** `files` cut into at most `parts` contiguous runs of about equal bytes (none empty). */
function splitByBytes(files: readonly string[], parts: number): string[][] {
  const sizes = files.map((f) => statSync(f).size);
  const target = sizes.reduce((n, b) => n + b, 0) / parts;
  const runs: string[][] = [[]];
  let bytes = 0;
  for (const [i, file] of files.entries()) {
    if (bytes >= target * runs.length && runs.at(-1)!.length > 0 && runs.length < parts) runs.push([]);
    runs.at(-1)!.push(file);
    bytes += sizes[i]!;
  }
  return runs;
}
