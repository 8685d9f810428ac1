import { sqlString } from '../../io/input/duckdb-session.js';
import type { DuckDBSession } from '../../io/input/duckdb-session.js';
import { sourceFooters } from '../../io/input/footer-stats.js';
import { sourceSql } from '../../io/input/table-files.js';
import type { TableSource } from '../../io/input/table-files.js';

/** A slice of a table that one reader decodes: a run of whole files, or whole row groups of one file. */
export interface TableRange {
  /** The table expression reading the slice's files. */
  from: string;
  /** Extra WHERE conditions selecting the slice's rows of them ('' for all). */
  where: string;
  /** Rows the slice holds (from the Parquet footers): the most it can stream. */
  rows: number;
  /** The files it reads, in the order of DuckDB's `file_index`. */
  files: string[];
}

/**
 * Cuts a Parquet source into about `parts` slices of about equal rows, so several readers decode
 * it at once and the cost follows the rows, not the files: consecutive small files are one slice
 * (a `read_parquet` of just those files), a file larger than a slice is cut at row groups (its
 * `file_row_number` filter lets DuckDB skip the other row groups). A Delta table (a table
 * expression with its own filters over the session's deletion vectors) is one slice.
 */
export async function planRanges(session: DuckDBSession, source: TableSource, parts: number): Promise<TableRange[]> {
  const footers = await sourceFooters(session, source);
  if (footers === null) {
    const [[total]] = (await session.rows(`SELECT count(*) FROM ${sourceSql(source)}`)) as [[bigint]];
    return [{ from: sourceSql(source), where: '', rows: Number(total), files: source.delta?.fileOrder ?? source.files }];
  }
  // Row groups of each file, in the source's file order.
  const fileGroups = source.files.map((): number[] => []);
  for (const g of footers.rowGroups) fileGroups[g.file]!.push(g.rows);
  const total = footers.rowGroups.reduce((n, g) => n + g.rows, 0);
  const target = Math.max(1, Math.ceil(total / Math.max(1, parts)));
  // Every slice reads its files with the options of the whole source, so a column a file lacks
  // reads as null in a slice as it would in the whole table.
  const read = (files: string[], rowNumbers: boolean): string =>
    `read_parquet([${files.map(sqlString).join(', ')}], hive_partitioning = ${source.hive}, union_by_name = ${source.files.length > 1}${rowNumbers ? ', file_row_number = true' : ''})`;

  const ranges: TableRange[] = [];
  let run: string[] = [];
  let runRows = 0;
  const flushRun = (): void => {
    if (run.length > 0) ranges.push({ from: read(run, false), where: '', rows: runRows, files: run });
    run = [];
    runRows = 0;
  };
  for (const [f, file] of source.files.entries()) {
    const rowGroups = fileGroups[f]!;
    const fileRows = rowGroups.reduce((n, r) => n + r, 0);
    if (fileRows <= target || rowGroups.length === 1) {
      run.push(file);
      runRows += fileRows;
      if (runRows >= target) flushRun();
      continue;
    }
    flushRun();
    let first = 0;
    let sliceRows = 0;
    for (const [k, rows] of rowGroups.entries()) {
      sliceRows += rows;
      if (sliceRows < target && k < rowGroups.length - 1) continue;
      ranges.push({ from: read([file], true), where: `file_row_number >= ${first} AND file_row_number < ${first + sliceRows}`, rows: sliceRows, files: [file] });
      first += sliceRows;
      sliceRows = 0;
    }
  }
  flushRun();
  return ranges;
}
