import { DuckDBSession } from '../../io/input/duckdb-session.js';
import { bindTables } from '../../io/input/bind-tables.js';
import type { DeltaVersions } from '../../io/input/bind-tables.js';
import type { BoundTable } from '../../io/input/bind-tables.js';
import type { TableName } from '../../io/input/input-schema.js';
import { describeDeltaInputs, sourceSql } from '../../io/input/table-files.js';
import type { PhaseCounter } from '../progress.js';
import type { DeltaInput, InputFile } from '../../io/input/table-files.js';
import type { Dataset, TransferSummary } from '../../io/input/dataset.js';
import type { LedgerHistoryDate } from '../../io/ledger/index.js';
import type { CampaignConfig } from '../config/config-types.js';
import type { CampaignModel, ModelLabels } from '../model/campaign-model.js';
import { loadCatalog } from './load-catalog.js';
import type { LoadContext } from './load-context.js';
import { loadPeople } from './load-people.js';
import type { ShardRunner } from '../pool/shard-runner.js';
import { HistoryIngest } from './load-sends.js';
import { loadTombstones } from './load-tombstones.js';
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
  /** The day of the latest play before D in the history window (counted or not), null when there is none. */
  latestPlayDay: number | null;
  /** What the run must say although it goes on: each required table that is empty. */
  warnings: string[];
}

/** Rows of each bound table, from the Parquet footers (a Delta table: of its live files, less deleted rows). */
async function tableRows(ctx: LoadContext): Promise<Partial<Record<TableName, number>>> {
  const rows: Partial<Record<TableName, number>> = {};
  for (const [name, bound] of Object.entries(ctx.tables) as [TableName, BoundTable][]) {
    const [[n]] = (await ctx.session.rows(`SELECT count(*) FROM ${sourceSql(bound.source)}`)) as [[bigint]];
    rows[name] = Number(n);
  }
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
    const step = options.onStep ?? (() => undefined);
    const sources = Object.values(ctx.tables).map((t) => t.source);
    // Every table's row count (Parquet footers): the load's progress is rows read of all of them.
    const rows = await tableRows(ctx);
    const progress = options.progress;
    if (progress !== undefined) progress.total = Object.values(rows).reduce((n, r) => n + r, 0);
    const loaded = (...names: TableName[]): void => {
      for (const name of names) progress?.add(rows[name] ?? 0);
    };
    // The files are hashed (for the manifest and the run id) on a worker: the workers are idle
    // until the plays start, and the main thread is the critical path until then.
    const hashing = options.runner.run({ kind: 'describe-inputs', dataDir: dataset.dir, sources }).then((reply) => {
      if (reply.kind !== 'describe-inputs') throw new Error('unexpected worker reply');
      // A remote dataset's files are recorded by URL too (and plain Parquet by the ETag read).
      return reply.files.map((f): InputFile => {
        const origin = dataset.origin(f.path);
        return origin === null ? f : { ...f, url: origin.url, ...(origin.etag === null ? {} : { etag: origin.etag }) };
      });
    });
    // Keep a rejected hash from being reported as unhandled while the loads below are awaited.
    hashing.catch(() => undefined);

    step('tombstones');
    const tombstones = await loadTombstones(ctx);
    loaded('tombstones');
    step('catalog');
    const catalog = await loadCatalog(ctx);
    loaded('catalog');
    step('sends');
    const history = await HistoryIngest.plan(ctx, tombstones, options.ledgerWindow, options.ledgerAll, Math.max(1, options.runner.threads));
    step('accounts and profiles');
    // The workers decode the plays and the send history (they need the profile and content
    // indexes) while this thread loads the accounts.
    let ingest: IngestJob | null = null;
    const people = await loadPeople(ctx, tombstones, async (keys) => {
      step('plays');
      ingest = await startIngest(ctx, keys, catalog, history, options.runner, progress?.shared);
    });
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
      latestPlayDay: ctx.latestPlayDay ?? null,
      warnings: emptyTableWarnings(ctx),
    };
  } finally {
    session?.close();
    await dataset.close();
  }
}
