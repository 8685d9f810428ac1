import { buildIdIndex, lookupIds } from '../../kernels/id-index.js';
import type { IdIndex } from '../../kernels/id-index.js';
import { countDistinctSends } from '../../kernels/distinct-sends.js';
import { sqlFilePath, sqlString } from '../../io/input/duckdb-session.js';
import { firstLine, nullError, probeNulls } from '../../io/input/read-table.js';
import { sourceSql } from '../../io/input/table-files.js';
import type { LedgerHistoryDate } from '../../io/ledger/index.js';
import { CampaignError, InputError } from '../errors.js';
import { sharedFloat64, sharedInt32, toShared } from '../model/shared-arrays.js';
import type { ShardRunner } from '../pool/shard-runner.js';
import { HISTORY_CHUNK, HistorySink } from './ingest-history.js';
import type { HistoryKeys, HistoryPart, HistorySliceReport, HistorySliceTask, HistoryStaging } from './ingest-history.js';
import { ledgerPurgeDates } from './ledger-purge-dates.js';
import { count } from './load-context.js';
import type { LoadContext } from './load-context.js';
import type { LoadedCatalog } from './load-catalog.js';
import type { LoadedPeople, ProfileKeys } from './load-people.js';
import { planRanges } from './plays-ranges.js';
import { bucketGroups, planBuckets } from './profile-buckets.js';
import type { ProfileBuckets } from './profile-buckets.js';
import type { Tombstones } from './load-tombstones.js';

export interface LoadedSends {
  sentOffsets: Int32Array;
  sentShows: Int32Array;
  accountSends7d: Int32Array;
  /** Ledger dates holding a row of a tombstoned account or profile: the purge rewrites these only. */
  purgeDates: string[];
}

/** Slices of the ledger's columnar copies per reader thread: enough for the threads to finish together. */
const LEDGER_SLICES_PER_THREAD = 2;

/** A slice as planned, before the profile keys exist; `source` says what a failure is reported against. */
interface PlannedSlice {
  parts: HistoryPart[];
  /** The ledger date of each part (purge check), or null for the `sends` table. */
  dates: (string | null)[];
  pairCapacity: number;
  capCapacity: number;
  source: 'sends' | 'ledger';
}

/**
 * SPEC §5 "recently sent" (per profile, any scenario, send_date in [D − dedup_window_days, D))
 * and §7 frequency cap (per account, send_date in [D − 7, D)), over the dataset's `sends` table
 * plus the delivery ledger's accepted sends, after tombstone purge.
 *
 * Both sources are cut into slices decoded on the worker threads beside the plays
 * (ingest-history.ts): the `sends` table by row groups, the ledger by dates (the columnar copy each
 * compaction writes). No row becomes a JS object or string; scenarios are positions in a
 * dictionary built before any row is read — from the snapshot headers, which record each date's
 * scenario names, and a DISTINCT over the other sources' rows of the frequency cap, the only
 * rows whose scenario matters. The same scan of a ledger date checks every row against the
 * tombstones, so the purge knows its dates without reading them again.
 */
export class HistoryIngest {
  /** How the pairs are staged, once the profiles are known (`keys`). */
  private buckets: ProfileBuckets | null = null;

  private constructor(
    private readonly ctx: LoadContext,
    private readonly slices: PlannedSlice[],
    /** Ledger dates of the window without a columnar copy: their rows are JS columns, added on this thread. */
    private readonly rowDates: LedgerHistoryDate[],
    private readonly dictionary: Map<string, number>,
    private readonly staging: HistoryStaging,
    private readonly ledgerRows: number,
    /** Ledger dates the slices do not check against the tombstones; null when there is no tombstoned id. */
    private readonly uncheckedDates: LedgerHistoryDate[] | null,
    private readonly tombstones: { accounts: IdIndex | null; profiles: IdIndex | null },
    /** Pairs the slices and the snapshot dates can hold (footers and headers), and the readers. */
    private readonly pairRows: number,
    private readonly readers: number,
  ) {}

  /** Plans the slices and sizes the staging columns (row counts from the footers and headers). */
  static async plan(ctx: LoadContext, tombstones: Tombstones, ledger: readonly LedgerHistoryDate[], ledgerAll: readonly LedgerHistoryDate[], readers: number): Promise<HistoryIngest> {
    const D = ctx.day;
    const capFrom = D - 7;
    const t = ctx.tables.sends;
    const files = ledger.filter((d) => d.file !== null);
    const rowDates = ledger.filter((d) => d.file === null && d.columns !== null);
    const inCap = (day: number): boolean => day >= capFrom && day < D;

    // Scenario dictionary: only the cap's rows need a code (a send recorded twice is one send).
    const names = new Set<string>();
    const unnamed = files.filter((d) => inCap(d.day) && d.scenarios === null);
    for (const d of files) if (inCap(d.day)) for (const name of d.scenarios ?? []) names.add(name);
    for (const d of rowDates) if (inCap(d.day)) for (const name of d.columns!.scenario) names.add(name);
    const dayOf = t?.columns.find((b) => b.column.name === 'send_date')?.sql;
    const distinct = [
      ...(t === undefined ? [] : [`SELECT DISTINCT "scenario" AS scenario FROM ${sourceSql(t.source)} WHERE ${dayOf} >= ${capFrom} AND ${dayOf} < ${D}`]),
      // Ledger dates compacted before headers named their scenarios.
      ...unnamed.map((d) => `SELECT DISTINCT scenario FROM read_parquet(${sqlFilePath(d.file!)}) WHERE accepted`),
    ];
    if (distinct.length > 0) {
      try {
        for (const [name] of await ctx.session.rows(distinct.join(' UNION '))) if (name !== null) names.add(String(name));
      } catch (err) {
        throw historyError(t?.source.label ?? null, unnamed.length > 0, err);
      }
    }
    const dictionary = new Map([...names].sort().map((name, i) => [name, i]));
    // Rows outside the cap get -1: their scenario is never compared.
    const codeSql = (column: string): string => (dictionary.size === 0 ? 'CAST(-1 AS INTEGER)' : `CAST(coalesce(list_position([${[...dictionary.keys()].map(sqlString).join(', ')}], ${column}), 0) - 1 AS INTEGER)`);

    const slices: PlannedSlice[] = [];
    if (t !== undefined) {
      const bound = t.columns;
      await probeNulls(ctx.session, t.source, bound);
      const [day, account, profile, show, scenario] = bound.map((b) => b.sql) as [string, string, string, string, string];
      const select = `${day}, ${account}, ${profile}, ${show}, ${codeSql(scenario)}, TRUE`;
      const plan = await planRanges(ctx.session, t.source, readers);
      for (const range of plan) {
        const sql = `SELECT ${select} FROM ${range.from}${range.where === '' ? '' : ` WHERE ${range.where}`}`;
        slices.push({ parts: [{ sql, purgeCheck: false, deletionKeys: range.keys }], dates: [null], pairCapacity: range.rows, capCapacity: range.rows, source: 'sends' });
      }
    }

    // Ledger dates in slices of about equal rows; with tombstones, a date's rows of every status
    // are streamed and checked, so the purge finds its dates in the same scan.
    const checkPurge = ctx.tables.tombstones !== undefined && (tombstones.accountIds.size > 0 || tombstones.profileIds.size > 0);
    const ledgerRows = ledger.reduce((sum, d) => sum + d.accepted, 0);
    const fileRows = files.reduce((sum, d) => sum + d.accepted, 0);
    const target = Math.max(1, Math.ceil(fileRows / Math.max(1, readers * LEDGER_SLICES_PER_THREAD)));
    let slice: PlannedSlice | null = null;
    for (const d of files) {
      slice ??= { parts: [], dates: [], pairCapacity: 0, capCapacity: 0, source: 'ledger' };
      const code = inCap(d.day) ? codeSql('scenario') : 'CAST(-1 AS INTEGER)';
      const sql = `SELECT CAST(${d.day} AS INTEGER), CAST(account_id AS DOUBLE), CAST(profile_id AS DOUBLE), CAST(show_id AS DOUBLE), ${code}, accepted FROM read_parquet(${sqlFilePath(d.file!)})${checkPurge ? '' : ' WHERE accepted'}`;
      slice.parts.push({ sql, purgeCheck: checkPurge, deletionKeys: null });
      slice.dates.push(d.date);
      slice.pairCapacity += d.accepted;
      if (inCap(d.day)) slice.capCapacity += d.accepted;
      if (slice.pairCapacity >= target) {
        slices.push(slice);
        slice = null;
      }
    }
    if (slice !== null) slices.push(slice);
    // Without tombstoned ids no date can need the purge; otherwise the dates the slices do not scan are checked apart.
    const windowFiles = new Set(files.map((d) => d.date));
    const uncheckedDates = checkPurge ? ledgerAll.filter((d) => !windowFiles.has(d.date)) : null;

    const rowPairs = rowDates.reduce((sum, d) => sum + d.accepted, 0);
    const pairs = slices.reduce((sum, s) => sum + s.pairCapacity, 0) + rowPairs;
    const caps = slices.reduce((sum, s) => sum + s.capCapacity, 0) + rowDates.reduce((sum, d) => sum + (inCap(d.day) ? d.accepted : 0), 0);
    const staging: HistoryStaging = {
      // Sized by `keys`, once the profile count is known.
      pairProfile: sharedInt32(0),
      pairShow: sharedInt32(0),
      capAccountId: sharedFloat64(caps),
      capDay: sharedInt32(caps),
      capProfileId: sharedFloat64(caps),
      capShowId: sharedFloat64(caps),
      capScenario: sharedInt32(caps),
    };
    // Tiny indexes of the tombstoned ids: probing them stays in cache, unlike a Set of doubles.
    const index = (ids: ReadonlySet<number>): IdIndex | null => (ids.size === 0 ? null : buildIdIndex(Float64Array.from(ids), true).index);
    return new HistoryIngest(
      ctx,
      slices,
      rowDates,
      dictionary,
      staging,
      ledgerRows,
      uncheckedDates,
      { accounts: index(tombstones.accountIds), profiles: index(tombstones.profileIds) },
      pairs,
      readers,
    );
  }

  /** The keys every slice checks its rows against, once the profiles are known. */
  keys(people: ProfileKeys, catalog: LoadedCatalog, removedProfileIds: Float64Array): HistoryKeys {
    const D = this.ctx.day;
    // Every slice writes pairs, and so does the sink of the snapshot dates.
    const buckets = planBuckets(people.profileIds.length, this.readers, this.pairRows, this.slices.length + 1);
    this.buckets = buckets;
    this.staging.pairProfile = sharedInt32(buckets.blocks * buckets.blockRows);
    this.staging.pairShow = sharedInt32(buckets.blocks * buckets.blockRows);
    return {
      profileIndex: people.profileIndex,
      showIndex: catalog.showIndex,
      removedProfileIds,
      tombstonedAccounts: this.tombstones.accounts,
      tombstonedProfiles: this.tombstones.profiles,
      profileCount: people.profileIds.length,
      day: D,
      dedupFrom: D - this.ctx.config.dedup_window_days,
      capFrom: D - 7,
    };
  }

  /** Every slice as a task, in source order (staging segments assigned in that order). */
  tasks(keys: HistoryKeys, duckdbThreads: number): HistorySliceTask[] {
    let capStart = 0;
    return this.slices.map((s) => {
      const task: HistorySliceTask = { parts: s.parts, duckdbThreads, keys, staging: this.staging, buckets: this.bucketsOf(), capStart, capCapacity: s.capCapacity };
      capStart += s.capCapacity;
      return task;
    });
  }

  private bucketsOf(): ProfileBuckets {
    if (this.buckets === null) throw new Error('history keys not made yet');
    return this.buckets;
  }

  /** The error to report for a failure of slice `i`. */
  sliceError(i: number, err: unknown): Error {
    const ledger = this.slices[i]!.source === 'ledger';
    return historyError(ledger ? null : this.ctx.tables.sends!.source.label, ledger, err);
  }

  /**
   * Adds the dates read from their snapshots (JS columns), then groups the dedup pairs by
   * profile (scattered on the workers), counts each account's distinct sends of the cap and
   * finds the dates the purge must rewrite. `reports` holds every task's report, in task order.
   */
  async finish(reports: HistorySliceReport[], keys: HistoryKeys, people: LoadedPeople, runner: ShardRunner): Promise<LoadedSends> {
    const ctx = this.ctx;
    for (const [k, r] of reports.entries()) {
      if (r.nullPart < 0) continue;
      const sends = ctx.tables.sends!;
      if (this.slices[k]!.source === 'sends') throw await nullError(ctx.session, sends.source, sends.columns[r.nullColumn]!.column.name);
      throw new CampaignError('LEDGER_CORRUPT', `the delivery ledger's columnar copy of ${this.slices[k]!.dates[r.nullPart]} has a null value`);
    }
    const segments = reports.map((r, k) => ({ report: r, capStart: 0, k }));
    let capStart = 0;
    for (const s of segments) {
      s.capStart = capStart;
      capStart += this.slices[s.k]!.capCapacity;
    }
    // Dates read from their snapshots and journals (not compacted since their last delivery).
    if (this.rowDates.length > 0) {
      const rowCaps = this.staging.capDay.length - capStart;
      const sink = new HistorySink(keys, this.staging, this.bucketsOf(), capStart, rowCaps, 0);
      for (const d of this.rowDates) {
        const c = d.columns!;
        const scenario = Int32Array.from(c.scenario, (name) => this.dictionary.get(name) ?? -1);
        for (let start = 0; start < c.count; start += HISTORY_CHUNK) {
          const end = Math.min(c.count, start + HISTORY_CHUNK);
          const columns = { day: c.sendDay.subarray(start, end), accountId: c.accountId.subarray(start, end), profileId: c.profileId.subarray(start, end), showId: c.showId.subarray(start, end), scenario: scenario.subarray(start, end), accepted: null };
          sink.add(columns, end - start, 0, false);
        }
      }
      segments.push({ report: sink.finish(), capStart, k: -1 });
    }

    const sum = (f: (r: HistorySliceReport) => number, which?: 'sends'): number => segments.reduce((n, s) => n + (which === undefined || (s.k >= 0 && this.slices[s.k]!.source === which) ? f(s.report) : 0), 0);
    if (ctx.tables.sends !== undefined) count(ctx, 'sends', 'table_rows', sum((r) => r.read, 'sends'));
    count(ctx, 'sends', 'ledger_rows', this.ledgerRows);
    count(ctx, 'sends', 'tombstoned', sum((r) => r.tombstoned));
    const pairs = sum((r) => r.pairs);
    count(ctx, 'sends', 'in_dedup_window', pairs);

    // The frequency cap: rows of the last 7 days with a known account, compacted to the front.
    const { capAccountId, capDay, capProfileId, capShowId, capScenario } = this.staging;
    const capAccount = new Int32Array(capDay.length);
    const accountBuf = new Int32Array(HISTORY_CHUNK);
    let capRows = 0;
    for (const s of segments) {
      const end = s.capStart + s.report.capRows;
      for (let from = s.capStart; from < end; from += HISTORY_CHUNK) {
        const size = Math.min(HISTORY_CHUNK, end - from);
        lookupIds(people.accountIndex, capAccountId.subarray(from, from + size), accountBuf, size);
        for (let i = 0; i < size; i++) {
          const a = accountBuf[i]!;
          if (a < 0) continue;
          const r = from + i;
          capAccount[capRows] = a;
          capDay[capRows] = capDay[r]!;
          capProfileId[capRows] = capProfileId[r]!;
          capShowId[capRows] = capShowId[r]!;
          capScenario[capRows] = capScenario[r]!;
          capRows++;
        }
      }
    }
    const accounts = people.accountIds.length;
    const accountSends7d = sharedInt32(accounts);
    countDistinctSends({ account: capAccount, day: capDay, profile: capProfileId, show: capShowId, scenario: capScenario }, capRows, accounts, accountSends7d);

    // The dedup pairs grouped by profile: a counting sort, bucket by bucket on the workers.
    const P = keys.profileCount;
    const sentOffsets = sharedInt32(P + 1);
    const { groups } = bucketGroups(
      this.bucketsOf(),
      P,
      segments.map((s) => s.report.written),
      sentOffsets,
    );
    const sentShows = sharedInt32(pairs);
    const { pairProfile, pairShow } = this.staging;
    await Promise.all(groups.map((bucket) => (bucket.segments.length === 0 ? sentOffsets.fill(bucket.base, bucket.lo, bucket.hi) : runner.run({ kind: 'group-history', pairProfile, pairShow, bucket, offsets: sentOffsets, sentShows }))));

    // The purge's dates: those a slice found a tombstoned row in, and the others, checked apart.
    const hits: string[] = [];
    for (const s of segments) {
      if (s.k < 0) continue;
      const { dates, parts } = this.slices[s.k]!;
      for (let p = 0; p < parts.length; p++) if (parts[p]!.purgeCheck && s.report.purgeHits[p] === 1) hits.push(dates[p]!);
    }
    const purgeDates = this.uncheckedDates === null ? [] : [...hits, ...(await ledgerPurgeDates(ctx, this.uncheckedDates))].sort();
    return { sentOffsets, sentShows, accountSends7d, purgeDates };
  }
}

/** A failure reading the history: a `sends` table's is an input error; the ledger's, a file a compaction replaced. */
function historyError(sendsLabel: string | null, ledger: boolean, err: unknown): Error {
  if (err instanceof CampaignError) return err;
  if (ledger && /IO Error|No files found/i.test(firstLine(err))) {
    // A file gone from under DuckDB: only a delivery compacting a date during this run replaces it.
    return new CampaignError('LEDGER_CHANGED', `the delivery ledger's history changed while it was read (${firstLine(err)}); run again`);
  }
  if (!ledger && sendsLabel !== null) return new InputError(sendsLabel, `cannot read: ${firstLine(err)}`);
  return err instanceof Error ? err : new Error(String(err));
}

/** Removed profile ids ascending, shared: what the plays and the history test unknown profiles against. */
export function sortedRemoved(ids: ReadonlySet<number>): Float64Array {
  return toShared(Float64Array.from(ids).sort());
}
