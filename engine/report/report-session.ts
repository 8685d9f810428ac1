import { availableParallelism } from 'node:os';
import { DuckDBSession, sqlFilePath, sqlString } from '../../io/input/duckdb-session.js';
import type { Dataset } from '../../io/input/dataset.js';
import { bindTables, boundColumn } from '../../io/input/bind-tables.js';
import type { BoundTable, DeltaVersions } from '../../io/input/bind-tables.js';
import type { TableName } from '../../io/input/input-schema.js';
import { sourceSql } from '../../io/input/table-files.js';
import type { TableSource } from '../../io/input/table-files.js';
import { formatDay } from '../dates.js';
import { InputError } from '../errors.js';
import type { PublishedRun } from '../run-dir/published-runs.js';
import { SELECTION_FILE } from '../run-dir/run-layout.js';

/** The statuses whose accounts form the two arms: intent to treat (`send`) and control (`holdout`). */
export const ARM_STATUSES = ['send', 'holdout'] as const;

/** One group of selection rows: a date and every breakdown value, with its accounts and conversions. */
export interface CubeRow {
  date: string;
  status: string;
  scenario: string | null;
  rfm_segment: string;
  treatment: string;
  region: string;
  accounts: number;
  conversions: number;
}

const REPORT_TABLES = ['catalog', 'accounts', 'profiles', 'plays', 'regions', 'tombstones'] as const satisfies readonly TableName[];

/**
 * DuckDB over a dataset and published runs, with the engine's own reading of the inputs: the same
 * table resolution (file, directory, Hive), column contract checks and id / timestamp expressions
 * as the loader (SPEC §2), so every timestamp encoding and id width means what it means to a run.
 *
 * Temp tables, built in order:
 * - `r_profiles`, `r_accounts` (tombstoned rows removed), `r_removed_profiles`, `r_regions`, `r_content`;
 * - `r_rows` (`loadSelections`): the selection rows of the runs, minus deleted accounts/profiles,
 *   with the chosen profile's region;
 * - `r_converted` (`markConversions`): (day, account_id) of arm rows with a counted play of the
 *   selected show in [D, D + window).
 */
export class ReportSession {
  private constructor(
    readonly session: DuckDBSession,
    private readonly dataset: Dataset,
    private readonly tables: Partial<Record<TableName, BoundTable>>,
  ) {}

  /**
   * Reads `dataset` (the session closes it). Delta tables are read at `deltaVersions` where given
   * (see reportDeltaVersions), else at their latest.
   */
  static async open(dataset: Dataset, deltaVersions: DeltaVersions = {}): Promise<ReportSession> {
    let session: DuckDBSession | null = null;
    try {
      session = await DuckDBSession.open(availableParallelism());
      const tables = await bindTables(session, dataset, REPORT_TABLES, deltaVersions);
      const report = new ReportSession(session, dataset, tables);
      await report.createPeople();
      return report;
    } catch (err) {
      session?.close();
      await dataset.close();
      throw err;
    }
  }

  async close(): Promise<void> {
    this.session.close();
    await this.dataset.close();
  }

  /** Where the plays are and how `ts` is stored (the outcome simulator writes beside them). */
  get plays(): { source: TableSource; tsType: string } {
    const t = this.table('plays');
    return { source: t.source, tsType: boundColumn(t, 'ts').sourceType };
  }

  private table(name: TableName): BoundTable {
    const t = this.tables[name];
    if (t === undefined) throw new Error(`table ${name} was not bound`);
    return t;
  }

  /** `SELECT <column AS name, ...> FROM <table>`, columns read as the engine reads them. */
  private select(name: TableName, columns: readonly string[], where = ''): string {
    const t = this.table(name);
    const list = columns.map((c) => `${boundColumn(t, c).sql} AS ${c}`).join(', ');
    return `SELECT ${list} FROM ${sourceSql(t.source)}${where === '' ? '' : ` WHERE ${where}`}`;
  }

  private async createPeople(): Promise<void> {
    const s = this.session;
    if (this.tables.tombstones === undefined) {
      await s.run('CREATE TEMP TABLE r_tomb_accounts AS SELECT CAST(NULL AS DOUBLE) AS account_id WHERE false');
      await s.run('CREATE TEMP TABLE r_tomb_profiles AS SELECT CAST(NULL AS DOUBLE) AS profile_id WHERE false');
    } else {
      await s.run(`CREATE TEMP TABLE r_tomb_accounts AS SELECT DISTINCT account_id FROM (${this.select('tombstones', ['account_id'])}) WHERE account_id IS NOT NULL`);
      await s.run(`CREATE TEMP TABLE r_tomb_profiles AS SELECT DISTINCT profile_id FROM (${this.select('tombstones', ['profile_id'])}) WHERE profile_id IS NOT NULL`);
    }
    // SPEC §4.3: a tombstoned profile, and every profile of a tombstoned account, never existed.
    await s.run(`CREATE TEMP TABLE r_all_profiles AS ${this.select('profiles', ['profile_id', 'account_id', 'country'])}`);
    await s.run(`CREATE TEMP TABLE r_removed_profiles AS
      SELECT profile_id FROM r_tomb_profiles
      UNION SELECT profile_id FROM r_all_profiles WHERE account_id IN (SELECT account_id FROM r_tomb_accounts)`);
    await s.run(`CREATE TEMP TABLE r_profiles AS
      SELECT * FROM r_all_profiles WHERE profile_id NOT IN (SELECT profile_id FROM r_removed_profiles)`);
    await s.run(`CREATE TEMP TABLE r_accounts AS
      SELECT account_id, country FROM (${this.select('accounts', ['account_id', 'country'])})
      WHERE account_id NOT IN (SELECT account_id FROM r_tomb_accounts)`);
    // A country mapped to two regions stops a run (SPEC §4.2 leaves no choice); here, any one of them.
    await s.run(`CREATE TEMP TABLE r_regions AS SELECT country, min(region) AS region FROM (${this.select('regions', ['country', 'region'])}) GROUP BY country`);
    await s.run(`CREATE TEMP TABLE r_content AS ${this.select('catalog', ['content_id', 'show_id', 'release_date'])}`);
  }

  /**
   * Loads the selection rows of `runs` into `r_rows`. Rows of deleted accounts, or whose chosen
   * profile was deleted, are left out. `region` is the chosen profile's region by SPEC §4.2 with
   * the run's own `default_region`.
   */
  async loadSelections(runs: readonly PublishedRun[]): Promise<void> {
    const parts = runs.map(
      (r) => `SELECT ${r.day} AS day, CAST(account_id AS DOUBLE) AS account_id, CAST(profile_id AS DOUBLE) AS profile_id, rfm_segment, treatment,
        scenario, CAST(show_id AS DOUBLE) AS show_id, status, ${r.minPlaySeconds} AS min_play, ${sqlString(r.defaultRegion)} AS default_region
        FROM read_parquet(${sqlFilePath(r.selectionFile)})`,
    );
    const union = parts.length === 0 ? 'SELECT NULL WHERE false' : parts.join('\nUNION ALL\n');
    try {
      await this.session.run(`CREATE TEMP TABLE r_sel AS ${union}`);
    } catch (err) {
      throw new InputError(SELECTION_FILE, `cannot read a run's selection: ${(err as Error).message.split('\n')[0]}`);
    }
    await this.session.run(`CREATE TEMP TABLE r_rows AS
      SELECT s.day, s.account_id, s.profile_id, s.rfm_segment, s.treatment, s.scenario, s.show_id, s.status, s.min_play,
        coalesce(rg.region, s.default_region) AS region
      FROM r_sel s
      LEFT JOIN r_profiles p ON p.profile_id = s.profile_id
      LEFT JOIN r_accounts a ON a.account_id = s.account_id
      LEFT JOIN r_regions rg ON rg.country = coalesce(p.country, a.country)
      WHERE s.account_id NOT IN (SELECT account_id FROM r_tomb_accounts)
        AND s.profile_id NOT IN (SELECT profile_id FROM r_removed_profiles)`);
  }

  /**
   * Marks in `r_converted` every arm row whose account had a counted play (SPEC §3: watch_seconds ≥
   * the run's min_play_seconds, content in the catalog, profile in profiles and of that account)
   * of any episode of the selected show, with ts in [D 00:00, D + windowDays 00:00) UTC.
   */
  async markConversions(windowDays: number): Promise<void> {
    const s = this.session;
    const [[first, last, minPlay]] = (await s.rows(
      `SELECT min(day), max(day), min(min_play) FROM r_rows WHERE status IN ('send', 'holdout')`,
    )) as [[number | null, number | null, number | null]];
    if (first === null || last === null || minPlay === null) {
      await s.run('CREATE TEMP TABLE r_converted AS SELECT CAST(NULL AS INTEGER) AS day, CAST(NULL AS DOUBLE) AS account_id WHERE false');
      return;
    }
    const plays = this.table('plays');
    const col = (name: string): string => boundColumn(plays, name).sql;
    const range = this.rawTsRange(first, last + windowDays);
    await s.run(`CREATE TEMP TABLE r_window_plays AS
      SELECT p.account_id, c.show_id, pl.day, pl.watch_seconds
      FROM (SELECT ${col('profile_id')} AS profile_id, ${col('content_id')} AS content_id, ${col('ts')} AS day, ${col('watch_seconds')} AS watch_seconds
            FROM ${sourceSql(plays.source)} WHERE ${range}) pl
      JOIN r_profiles p ON p.profile_id = pl.profile_id
      JOIN r_content c ON c.content_id = pl.content_id
      WHERE pl.watch_seconds >= ${minPlay}`);
    await s.run(`CREATE TEMP TABLE r_converted AS
      SELECT DISTINCT s.day, s.account_id
      FROM r_rows s JOIN r_window_plays w ON w.account_id = s.account_id AND w.show_id = s.show_id
      WHERE s.status IN ('send', 'holdout') AND w.day >= s.day AND w.day < s.day + ${windowDays} AND w.watch_seconds >= s.min_play`);
  }

  /** Selection rows grouped by date, status and every breakdown dimension, with conversions. */
  async cube(): Promise<CubeRow[]> {
    const rows = await this.session.rows(`
      SELECT s.day, s.status, s.scenario, s.rfm_segment, s.treatment, s.region, count(*)::INTEGER, count(c.account_id)::INTEGER
      FROM r_rows s LEFT JOIN r_converted c ON c.day = s.day AND c.account_id = s.account_id
      GROUP BY ALL ORDER BY ALL`);
    return rows.map(([day, status, scenario, segment, treatment, region, accounts, conversions]) => ({
      date: formatDay(Number(day)),
      status: String(status),
      scenario: scenario === null ? null : String(scenario),
      rfm_segment: String(segment),
      treatment: String(treatment),
      region: String(region),
      accounts: Number(accounts),
      conversions: Number(conversions),
    }));
  }

  /**
   * Profiles of the run by the exact set of scenarios they have rows in (every profile with a row
   * in a scenario has its rank 1 there), deleted profiles left out. Keys are scenario bitmasks
   * over `run.scenarioFiles`.
   */
  async overlap(run: PublishedRun): Promise<{ mask: number; profiles: number }[]> {
    if (run.scenarioFiles.length === 0) return [];
    const union = run.scenarioFiles
      .map((f, k) => `SELECT CAST(profile_id AS DOUBLE) AS profile_id, ${2 ** k} AS bit FROM read_parquet(${sqlFilePath(f.file)}) WHERE rank = 1`)
      .join('\nUNION ALL\n');
    let rows: unknown[][];
    try {
      rows = await this.session.rows(`
        SELECT mask, count(*)::INTEGER FROM (
          SELECT profile_id, bit_or(bit)::INTEGER AS mask FROM (${union}) GROUP BY profile_id
        ) WHERE profile_id NOT IN (SELECT profile_id FROM r_removed_profiles)
        GROUP BY mask ORDER BY mask`);
    } catch (err) {
      throw new InputError(`${run.date}/scenarios/`, `cannot read the run's scenario files: ${(err as Error).message.split('\n')[0]}`);
    }
    return rows.map(([mask, profiles]) => ({ mask: Number(mask), profiles: Number(profiles) }));
  }

  /**
   * Whether the dataset holds any play (of any kind) at or after `day` 00:00 UTC. Row groups whose
   * statistics rule it out are skipped, so this rarely reads more than the newest files.
   */
  async hasPlayFrom(day: number): Promise<boolean> {
    const plays = this.table('plays');
    return (await this.session.rows(`SELECT 1 FROM ${sourceSql(plays.source)} WHERE ${this.rawTsRange(day, null)} LIMIT 1`)).length > 0;
  }

  /**
   * `ts` in [fromDay 00:00, toDay 00:00) (no upper bound when null) on the raw column, so DuckDB can skip row groups by their
   * statistics, for each encoding the contract allows (as the engine's plays loader does).
   */
  private rawTsRange(fromDay: number, toDay: number | null): string {
    const type = boundColumn(this.table('plays'), 'ts').sourceType;
    const at = (day: number): string =>
      type === 'BIGINT' ? `${day * 86_400_000}` : type === 'TIMESTAMP WITH TIME ZONE' ? `TIMESTAMPTZ '${formatDay(day)} 00:00:00+00'` : `TIMESTAMP '${formatDay(day)}'`;
    return `"ts" >= ${at(fromDay)}${toDay === null ? '' : ` AND "ts" < ${at(toDay)}`}`;
  }
}
