import { sqlFilePath } from './duckdb-session.js';
import type { DuckDBSession } from './duckdb-session.js';
import { sourceSql } from './table-files.js';
import type { TableSource } from './table-files.js';

/** What the Parquet footers of a source say about one top-level column, over every row group. */
export interface ColumnFooter {
  /** Whether every file has the column, with its null count recorded in every row group. */
  complete: boolean;
  nulls: number;
  /** Smallest and largest value as numbers (integer columns), or null where a row group has no such statistic. */
  min: number | null;
  max: number | null;
}

/** A source's footers, read once: row groups in the source's file order, and per-column facts. */
export interface SourceFooters {
  rowGroups: { file: number; id: number; rows: number }[];
  columns: Map<string, ColumnFooter>;
}

const cache = new WeakMap<TableSource, Promise<SourceFooters>>();

/**
 * The footers of a source's data files, from one `parquet_metadata` query shared by every check
 * and plan of the run: with thousands of files, a probe per column over the files would cost more
 * than decoding their rows. For a Delta table the row groups are the physical ones (deleted rows
 * included: an upper bound), and the columns only its data columns read by name: a partition
 * column's values come from the log, and under column mapping the footers name no logical column.
 * Null counts, minimums and maximums over rows a deletion vector removes still bound the live rows.
 */
export function sourceFooters(session: DuckDBSession, source: TableSource): Promise<SourceFooters> {
  let footers = cache.get(source);
  if (footers === undefined) {
    footers = readFooters(session, source);
    cache.set(source, footers);
  }
  return footers;
}

const rowCounts = new WeakMap<TableSource, Promise<number>>();

/**
 * A source's rows, counted once per run: a plain source's from its footers, a Delta table's by a
 * count over its live rows (deletion vectors applied; the footers count deleted rows too).
 */
export function sourceRows(session: DuckDBSession, source: TableSource): Promise<number> {
  let rows = rowCounts.get(source);
  if (rows === undefined) {
    rows =
      source.delta === null
        ? sourceFooters(session, source).then((f) => f.rowGroups.reduce((n, g) => n + g.rows, 0))
        : session.rows(`SELECT count(*) FROM ${sourceSql(source)}`).then((r) => Number((r as [[bigint]])[0][0]));
    rowCounts.set(source, rows);
  }
  return rows;
}

async function readFooters(session: DuckDBSession, source: TableSource): Promise<SourceFooters> {
  if (source.files.length === 0) return { rowGroups: [], columns: new Map() };
  const order = new Map(source.files.map((f, i) => [f, i]));
  const min = 'TRY_CAST(coalesce(stats_min_value, stats_min) AS DOUBLE)';
  const max = 'TRY_CAST(coalesce(stats_max_value, stats_max) AS DOUBLE)';
  // One pass over the footers, summed by DuckDB: a row per row group, then a row per column.
  const rows = (await session.rows(
    `SELECT file_name, row_group_id, any_value(row_group_num_rows), path_in_schema, count(DISTINCT file_name), count(*) = count(stats_null_count),
       coalesce(sum(stats_null_count), 0), CASE WHEN count(*) = count(${min}) THEN min(${min}) END, CASE WHEN count(*) = count(${max}) THEN max(${max}) END
     FROM parquet_metadata([${source.files.map(sqlFilePath).join(', ')}])
     GROUP BY GROUPING SETS ((file_name, row_group_id), (path_in_schema))`,
  )) as [string | null, bigint | null, bigint | null, string | null, bigint, boolean, bigint | number, number | null, number | null][];
  const rowGroups: SourceFooters['rowGroups'] = [];
  const facts: { name: string; files: number; complete: boolean; nulls: number; min: number | null; max: number | null }[] = [];
  for (const [name, id, groupRows, column, files, counted, nulls, lo, hi] of rows) {
    if (column !== null) facts.push({ name: column, files: Number(files), complete: counted, nulls: Number(nulls), min: lo, max: hi });
    else if (name !== null && order.has(name)) rowGroups.push({ file: order.get(name)!, id: Number(id), rows: Number(groupRows) });
  }
  rowGroups.sort((a, b) => a.file - b.file || a.id - b.id);
  // Files without row groups have no column chunks, and so say nothing about their columns.
  const filesWithRows = new Set(rowGroups.map((g) => g.file)).size;
  const columns = new Map<string, ColumnFooter>();
  const delta = source.delta;
  const readByName = delta === null ? null : new Set(delta.mapped ? [] : delta.dataColumns.map((c) => c.name));
  for (const f of facts) {
    if (readByName !== null && !readByName.has(f.name)) continue;
    columns.set(f.name, { complete: f.files === filesWithRows && f.complete, nulls: f.nulls, min: f.min, max: f.max });
  }
  return { rowGroups, columns };
}
