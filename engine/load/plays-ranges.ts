import { sqlFilePath, sqlString } from '../../io/input/duckdb-session.js';
import type { DuckDBSession } from '../../io/input/duckdb-session.js';
import { sourceSql } from '../../io/input/table-files.js';
import type { TableSource } from '../../io/input/table-files.js';

/** A slice of a table that one reader decodes: whole row groups of one file, or the whole source. */
export interface TableRange {
  /** Extra WHERE conditions selecting the slice ('' for the whole source). */
  where: string;
  /** Rows the slice holds (from the Parquet footers): the most it can stream. */
  rows: number;
}

/**
 * Cuts a Parquet source into about `parts` slices of whole row groups (never across files), so
 * several readers decode it at once. DuckDB skips the other files and row groups of a slice by
 * its `filename` and `file_row_number` filters. A Delta table (a table expression with its own
 * filters over the session's deletion vectors) is one slice.
 */
export async function planRanges(session: DuckDBSession, source: TableSource, parts: number): Promise<{ from: string; ranges: TableRange[] }> {
  const plain = sourceSql(source);
  const [[total]] = (await session.rows(`SELECT count(*) FROM ${plain}`)) as [[bigint]];
  if (source.delta !== null || parts <= 1) return { from: plain, ranges: [{ where: '', rows: Number(total) }] };
  const groups = (await session.rows(
    `SELECT DISTINCT file_name, row_group_id, row_group_num_rows FROM parquet_metadata([${source.files.map(sqlFilePath).join(', ')}]) ORDER BY file_name, row_group_id`,
  )) as [string, bigint, bigint][];
  const target = Math.max(1, Math.ceil(Number(total) / parts));
  const ranges: TableRange[] = [];
  let file = '';
  let fileRow = 0;
  let sliceStart = 0;
  let sliceRows = 0;
  const flush = (): void => {
    if (sliceRows > 0) ranges.push({ where: `filename = ${sqlString(file)} AND file_row_number >= ${sliceStart} AND file_row_number < ${sliceStart + sliceRows}`, rows: sliceRows });
    sliceStart = fileRow;
    sliceRows = 0;
  };
  for (const [name, , numRows] of groups) {
    if (name !== file) {
      flush();
      file = name;
      fileRow = 0;
      sliceStart = 0;
    }
    sliceRows += Number(numRows);
    fileRow += Number(numRows);
    if (sliceRows >= target) flush();
  }
  flush();
  return { from: sourceSql(source, true), ranges };
}
