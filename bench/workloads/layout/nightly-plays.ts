import { existsSync, linkSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { DuckDBSession, sqlString } from '../../../io/input/duckdb-session.js';
import { DeltaTableWriter, inlineDeletionVector, removeOf, SPEC_FIELDS } from '../delta/delta-writer.js';
import type { AddAction } from '../delta/delta-writer.js';

export type LakeLayout = 'parquet' | 'delta';

export interface NightlyLakeOptions {
  /** A generated dataset (plays as `plays.parquet` or a directory of files). */
  data: string;
  /** Where the lake's dataset appears (it must not exist). */
  out: string;
  /** Plays as a directory of Parquet files, or as a Delta table of the same files. */
  layout: LakeLayout;
  /** The first night's date: the plays of that day and later are held back until appended. */
  firstNight: string;
  /** Days before the first night written as one file each; older plays are one file. */
  dailyDays: number;
  /** Rows per Parquet row group (DuckDB's default when absent): small groups let a reader cut a file in slices. */
  rowGroupSize?: number;
}

/**
 * A dataset whose plays arrive night by night, as a lake receives them (issue 22): the plays
 * before the first night as one history file plus a file per recent day
 * (`plays/<YYYY-MM-DD>/part-0.parquet`), the later days held back and appended one file per night
 * (in a Delta table, one commit per change). Also the changes a lake sees between nights: plays
 * arriving late for an old day, a file rewritten or removed, rows deleted by a deletion vector.
 * The other tables are hard links to the generated ones (replace them to change them).
 */
export class NightlyLake {
  private readonly writer: DeltaTableWriter | null;
  private files = 0;

  private constructor(
    readonly dir: string,
    readonly layout: LakeLayout,
    private readonly session: DuckDBSession,
    private readonly rowGroupSize: number | undefined,
  ) {
    this.writer = layout === 'parquet' ? null : new DeltaTableWriter(join(dir, 'plays'), { sql: (text) => session.rows(text), fields: SPEC_FIELDS.plays });
  }

  static async create(options: NightlyLakeOptions): Promise<NightlyLake> {
    const { data, out } = options;
    if (existsSync(out)) throw new Error(`${out} exists`);
    mkdirSync(join(out, 'plays'), { recursive: true });
    for (const entry of readdirSync(data)) if (entry !== 'plays.parquet' && statSync(join(data, entry)).isFile()) linkSync(join(data, entry), join(out, entry));
    // One thread: every COPY writes exactly one file, rows in the order asked.
    const session = await DuckDBSession.open(1);
    const source = existsSync(join(data, 'plays.parquet')) ? sqlString(join(data, 'plays.parquet')) : `read_parquet(${sqlString(join(data, 'plays', '**', '*.parquet'))})`;
    await session.run(`CREATE TEMP TABLE all_plays AS SELECT profile_id, content_id, ts, watch_seconds, CAST(ts AS DATE) AS day FROM ${source}`);
    const lake = new NightlyLake(out, options.layout, session, options.rowGroupSize);
    const first = `DATE '${options.firstNight}'`;
    const adds = [await lake.writeFile('history', `day < ${first} - ${options.dailyDays}`)];
    for (let k = options.dailyDays; k >= 1; k--) {
      const [[day]] = (await session.rows(`SELECT strftime(${first} - ${k}, '%Y-%m-%d')`)) as [[string]];
      adds.push(await lake.writeFile(day, `day = DATE '${day}'`));
    }
    lake.writer?.commit(adds.map((add) => ({ add })));
    return lake;
  }

  /** Appends the plays of `day` (YYYY-MM-DD) as a new file; returns its path in the table. */
  async appendDay(day: string): Promise<string> {
    return this.commitAdd(await this.writeFile(day, `day = DATE '${day}'`));
  }

  /**
   * Appends plays arriving late for an old `day`: every `every`-th play of `fromDay` moved to
   * `day` (same time of day), as a new file; returns its path.
   */
  async appendLate(day: string, fromDay: string, every: number): Promise<string> {
    const rows = `SELECT profile_id, content_id, ts - (DATE '${fromDay}' - DATE '${day}') * INTERVAL 1 DAY AS ts, watch_seconds FROM all_plays WHERE day = DATE '${fromDay}' AND hash(profile_id, content_id, ts) % ${every} = 0`;
    return this.commitAdd(await this.writeRows(`${day}/late-${this.files}.parquet`, rows));
  }

  /** Rewrites the file at `path` keeping the rows `keep` (SQL over its columns) selects: in place, or in Delta a remove and a new add. */
  async rewrite(path: string, keep: string): Promise<string> {
    const rows = `SELECT * FROM read_parquet(${sqlString(join(this.dir, 'plays', path))}) WHERE ${keep}`;
    await this.session.run(`CREATE OR REPLACE TEMP TABLE rewritten AS ${rows}`);
    if (this.writer === null) {
      await this.copy('SELECT * FROM rewritten', path);
      return path;
    }
    const add = await this.writeRows(`${dirname(path)}/rewritten-${this.files}.parquet`, 'SELECT * FROM rewritten');
    this.writer.commit([removeOf(this.live(path)), { add }]);
    return add.path;
  }

  /** Removes the file at `path` (from disk, or from the Delta table's live files). */
  remove(path: string): void {
    if (this.writer === null) rmSync(join(this.dir, 'plays', path));
    else this.writer.commit([removeOf(this.live(path))]);
  }

  /** Delta only: deletes rows (0-based, physical) of the file at `path` with a new inline deletion vector. */
  deleteRows(path: string, rows: readonly number[]): void {
    if (this.writer === null) throw new Error('deletion vectors need a Delta table');
    const add = this.live(path);
    this.writer.commit([removeOf(add), { add: { ...add, deletionVector: inlineDeletionVector(rows) } }]);
  }

  /** Paths of the table's files, as the table lists them (live files of a Delta table). */
  livePaths(): string[] {
    if (this.writer !== null) return [...this.writer.live.keys()].sort();
    const paths: string[] = [];
    for (const d of readdirSync(join(this.dir, 'plays')).sort()) for (const f of readdirSync(join(this.dir, 'plays', d)).sort()) paths.push(`${d}/${f}`);
    return paths;
  }

  close(): void {
    this.session.close();
  }

  private live(path: string): AddAction {
    const add = this.writer!.live.get(path);
    if (add === undefined) throw new Error(`${path} is not a live file`);
    return add;
  }

  private commitAdd(add: AddAction): string {
    this.writer?.commit([{ add }]);
    return add.path;
  }

  /** Writes the plays `where` selects as `<name>/part-<n>.parquet`, in time order. */
  private writeFile(name: string, where: string): Promise<AddAction> {
    return this.writeRows(`${name}/part-${this.files}.parquet`, `SELECT profile_id, content_id, ts, watch_seconds FROM all_plays WHERE ${where}`);
  }

  private async writeRows(path: string, rows: string): Promise<AddAction> {
    this.files++;
    const ordered = `SELECT * FROM (${rows}) ORDER BY ts, profile_id, content_id, watch_seconds`;
    if (this.writer !== null) return this.writer.dataFile(path, ordered, {}, this.rowGroupSize);
    await this.copy(ordered, path);
    return { path, partitionValues: {}, size: statSync(join(this.dir, 'plays', path)).size, modificationTime: 0, dataChange: true, stats: '{}' };
  }

  /** COPY into a temp file renamed into place: a reader never sees half a file. */
  private async copy(select: string, path: string): Promise<void> {
    const file = join(this.dir, 'plays', path);
    mkdirSync(dirname(file), { recursive: true });
    await this.session.run(`COPY (${select}) TO ${sqlString(`${file}.tmp`)} (FORMAT parquet${this.rowGroupSize === undefined ? '' : `, ROW_GROUP_SIZE ${this.rowGroupSize}`})`);
    renameSync(`${file}.tmp`, file);
  }
}
