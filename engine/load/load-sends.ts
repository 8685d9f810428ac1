import { buildIdIndex, lookupId, lookupIds } from '../../kernels/id-index.js';
import { countDistinctSends } from '../../kernels/distinct-sends.js';
import { groupOffsets } from '../../kernels/group-offsets.js';
import { sqlString } from '../../io/input/duckdb-session.js';
import type { Chunk } from '../../io/input/duckdb-session.js';
import { firstLine, streamBound } from '../../io/input/read-table.js';
import type { BoundColumn } from '../../io/input/read-table.js';
import { sourceSql } from '../../io/input/table-files.js';
import type { LedgerHistoryDate } from '../../io/ledger/index.js';
import { CampaignError } from '../errors.js';
import { sharedInt32, toShared } from '../model/shared-arrays.js';
import { count } from './load-context.js';
import type { LoadContext } from './load-context.js';
import type { LoadedCatalog } from './load-catalog.js';
import type { LoadedPeople } from './load-people.js';
import type { Tombstones } from './load-tombstones.js';

export interface LoadedSends {
  sentOffsets: Int32Array;
  sentShows: Int32Array;
  accountSends7d: Int32Array;
}

/** The columns every history row lands in, whatever its source. */
interface SendColumns {
  day: Int32Array;
  accountId: Float64Array;
  profileId: Float64Array;
  showId: Float64Array;
  /** Position of the row's scenario in the run's scenario dictionary. */
  scenario: Int32Array;
}

const CHUNK = 2048;

/**
 * SPEC §5 "recently sent" (per profile, any scenario, send_date in [D − dedup_window_days, D))
 * and §7 frequency cap (per account, send_date in [D − 7, D)), over the dataset's `sends` table
 * plus the delivery ledger's accepted sends, after tombstone purge.
 *
 * Both sources are scanned by DuckDB (the ledger through the columnar copy each compaction
 * writes) and land chunk by chunk as typed columns: ids become dense profile, show and account
 * indexes at once, and only two things are kept — (profile, show) pairs of the dedup window,
 * grouped by profile, and the rows of the last 7 days for the cap. No row becomes a JS object or
 * string; scenarios are positions in a dictionary DuckDB builds.
 */
export async function loadSends(ctx: LoadContext, people: LoadedPeople, catalog: LoadedCatalog, tombstones: Tombstones, ledger: readonly LedgerHistoryDate[]): Promise<LoadedSends> {
  const D = ctx.day;
  const capFrom = D - 7;
  const t = ctx.tables.sends;
  const files = ledger.filter((d) => d.file !== null);
  const ledgerSql = files.map((d) => `SELECT CAST(${d.day} AS INTEGER) AS d, CAST(account_id AS DOUBLE) AS a, CAST(profile_id AS DOUBLE) AS p, CAST(show_id AS DOUBLE) AS s, scenario FROM read_parquet(${sqlString(d.file!)}) WHERE accepted`);

  // Scenario dictionary: the only string column, needed for one thing (a send recorded twice is one send).
  const names = new Set<string>();
  const distinct = [...(t === undefined ? [] : [`SELECT DISTINCT "scenario" AS scenario FROM ${sourceSql(t.source)}`]), ...ledgerSql.map((q) => `SELECT DISTINCT scenario FROM (${q})`)];
  if (distinct.length > 0) for (const [name] of await ctx.session.rows(distinct.join(' UNION '))) if (name !== null) names.add(String(name));
  for (const d of ledger) for (const name of d.columns?.scenario ?? []) names.add(name);
  const dictionary = [...names].sort();
  const code = new Map(dictionary.map((name, i) => [name, i]));
  const codeSql = (column: string): string => (dictionary.length === 0 ? 'CAST(0 AS INTEGER)' : `CAST(list_position([${dictionary.map(sqlString).join(', ')}], ${column}) - 1 AS INTEGER)`);

  let tableRows = 0;
  let sendsTableTotal = 0;
  if (t !== undefined) {
    const [[n]] = (await ctx.session.rows(`SELECT count(*) FROM ${sourceSql(t.source)}`)) as [[bigint]];
    sendsTableTotal = Number(n);
  }
  const ledgerRows = ledger.reduce((sum, d) => sum + d.accepted, 0);
  const capacity = sendsTableTotal + ledgerRows;
  const capLedgerRows = ledger.reduce((sum, d) => sum + (d.day >= capFrom && d.day < D ? d.accepted : 0), 0);
  const sink = new HistorySink(ctx, people, catalog, tombstones.accountIds, capacity, sendsTableTotal + capLedgerRows);

  if (t !== undefined) {
    const bound: BoundColumn[] = t.columns.map((b) => (b.column.name === 'scenario' ? { ...b, kind: 'i32', sql: codeSql(b.sql) } : b));
    tableRows = await streamBound(ctx.session, t.source, bound, '', '', (chunk) => sink.addChunk(chunk));
    count(ctx, 'sends', 'table_rows', tableRows);
  }
  if (ledgerSql.length > 0) {
    const sql = `SELECT d, a, p, s, ${codeSql('scenario')} FROM (${ledgerSql.join(' UNION ALL ')})`;
    try {
      await ctx.session.stream(sql, (chunk) => sink.addChunk(chunk));
    } catch (err) {
      // A file gone from under DuckDB: only a delivery compacting a date during this run replaces it.
      if (!/IO Error|No files found/i.test(firstLine(err))) throw err;
      throw new CampaignError('LEDGER_CHANGED', `the delivery ledger's history changed while it was read (${firstLine(err)}); run again`);
    }
  }
  for (const d of ledger) {
    const c = d.columns;
    if (c === null) continue;
    const scenario = Int32Array.from(c.scenario, (name) => code.get(name)!);
    for (let start = 0; start < c.count; start += CHUNK) {
      const end = Math.min(c.count, start + CHUNK);
      sink.add({ day: c.sendDay.subarray(start, end), accountId: c.accountId.subarray(start, end), profileId: c.profileId.subarray(start, end), showId: c.showId.subarray(start, end), scenario: scenario.subarray(start, end) }, end - start);
    }
  }
  count(ctx, 'sends', 'ledger_rows', ledgerRows);
  return sink.finish();
}

/** Receives history rows chunk by chunk and keeps what the passes need, in arrays sized once. */
class HistorySink {
  private readonly D: number;
  private readonly dedupFrom: number;
  private readonly capFrom: number;
  private readonly pBuf = new Int32Array(CHUNK);
  private readonly sBuf = new Int32Array(CHUNK);
  private readonly tombBuf = new Int32Array(CHUNK);
  private readonly tombstonedAccounts: ReturnType<typeof buildIdIndex>['index'] | null;
  /** Dedup window pairs. */
  private readonly pairProfile: Int32Array;
  private readonly pairShow: Int32Array;
  private pairs = 0;
  /** Rows of the last 7 days with a known account (frequency cap). */
  private readonly capAccount: Int32Array;
  private readonly capDay: Int32Array;
  private readonly capProfile: Float64Array;
  private readonly capShow: Float64Array;
  private readonly capScenario: Int32Array;
  private capRows = 0;
  private purged = 0;

  constructor(
    private readonly ctx: LoadContext,
    private readonly people: LoadedPeople,
    private readonly catalog: LoadedCatalog,
    tombstonedAccountIds: ReadonlySet<number>,
    capacity: number,
    capCapacity: number,
  ) {
    this.D = ctx.day;
    this.dedupFrom = ctx.day - ctx.config.dedup_window_days;
    this.capFrom = ctx.day - 7;
    this.pairProfile = new Int32Array(capacity);
    this.pairShow = new Int32Array(capacity);
    this.capAccount = new Int32Array(capCapacity);
    this.capDay = new Int32Array(capCapacity);
    this.capProfile = new Float64Array(capCapacity);
    this.capShow = new Float64Array(capCapacity);
    this.capScenario = new Int32Array(capCapacity);
    // A tiny index of the tombstoned accounts: probing it stays in cache, unlike a Set of doubles.
    this.tombstonedAccounts = tombstonedAccountIds.size === 0 ? null : buildIdIndex(Float64Array.from(tombstonedAccountIds)).index;
  }

  addChunk(chunk: Chunk): void {
    this.add({ day: chunk.i32(0), accountId: chunk.f64(1), profileId: chunk.f64(2), showId: chunk.f64(3), scenario: chunk.i32(4) }, chunk.size);
  }

  add(c: SendColumns, size: number): void {
    const { D, dedupFrom, capFrom, pBuf, sBuf, tombBuf } = this;
    const { day, accountId, profileId, showId, scenario } = c;
    lookupIds(this.people.profileIndex, profileId, pBuf, size);
    lookupIds(this.catalog.showIndex, showId, sBuf, size);
    if (this.tombstonedAccounts !== null) lookupIds(this.tombstonedAccounts, accountId, tombBuf, size);
    const removed = this.people.removedProfileIds;
    for (let i = 0; i < size; i++) {
      const p = pBuf[i]!;
      // A kept profile is never a removed one: only unknown profiles need the removed-id test.
      if ((this.tombstonedAccounts !== null && tombBuf[i]! >= 0) || (p < 0 && removed.has(profileId[i]!))) {
        this.purged++;
        continue;
      }
      const d = day[i]!;
      if (d >= D) continue;
      if (d >= capFrom) {
        const a = lookupId(this.people.accountIndex, accountId[i]!);
        if (a >= 0) {
          const k = this.capRows++;
          this.capAccount[k] = a;
          this.capDay[k] = d;
          this.capProfile[k] = profileId[i]!;
          this.capShow[k] = showId[i]!;
          this.capScenario[k] = scenario[i]!;
        }
      }
      if (d < dedupFrom || p < 0 || sBuf[i]! < 0) continue;
      this.pairProfile[this.pairs] = p;
      this.pairShow[this.pairs] = sBuf[i]!;
      this.pairs++;
    }
  }

  finish(): LoadedSends {
    count(this.ctx, 'sends', 'tombstoned', this.purged);
    count(this.ctx, 'sends', 'in_dedup_window', this.pairs);
    const accounts = this.people.accountIds.length;
    const accountSends7d = sharedInt32(accounts);
    countDistinctSends(
      { account: this.capAccount, day: this.capDay, profile: this.capProfile, show: this.capShow, scenario: this.capScenario },
      this.capRows,
      accounts,
      accountSends7d,
    );
    const { offsets, order } = groupOffsets(this.pairProfile, this.people.profileIds.length, this.pairs);
    const sentShows = sharedInt32(this.pairs);
    for (let i = 0; i < this.pairs; i++) sentShows[i] = this.pairShow[order[i]!]!;
    return { sentOffsets: toShared(offsets), sentShows, accountSends7d };
  }
}
