import { deltaSliceSql } from '../../io/delta/scan-sql.js';
import type { DeltaSlicePart } from '../../io/delta/scan-sql.js';
import { sqlFilePath } from '../../io/input/duckdb-session.js';
import type { DuckDBSession } from '../../io/input/duckdb-session.js';
import { sourceSchema } from '../../io/input/file-schemas.js';
import { sourceFooters } from '../../io/input/footer-stats.js';
import type { TableSource } from '../../io/input/table-files.js';

/** A slice of a table that one reader decodes: a run of whole files, or whole row groups of one file. */
export interface TableRange {
  /** The table expression reading the slice's rows. */
  from: string;
  /** Extra WHERE conditions selecting the slice's rows of them ('' for all). */
  where: string;
  /** Rows the slice holds (from the Parquet footers): the most it can stream. */
  rows: number;
  /** A Delta slice's deleted rows, which the reading session must hold as the table DELTA_SLICE_KEYS. */
  keys: BigInt64Array<ArrayBuffer> | null;
  /** The slice's files in the order of its rows' `file_index` (DuckDB's, or a Delta slice's own with `fileIndex`). */
  files: string[];
}

/**
 * Files in one slice at most: the DuckDB decoding a slice keeps a reader per file until it is
 * closed, so a slice of thousands of tiny files would hold thousands of footers at once.
 */
export const MAX_SLICE_FILES = 500;

/** The temp table a session reading a Delta slice holds the slice's deletion keys in. */
export const DELTA_SLICE_KEYS = '__delta_slice_deleted';

/**
 * Cuts a table into about `parts` slices of about equal rows, so several readers decode it at once
 * and the cost follows the rows, not the files: consecutive small files are one slice (a
 * `read_parquet` of just those files, at most MAX_SLICE_FILES), a file larger than a slice is cut
 * at row groups (its `file_row_number` filter lets DuckDB skip the other row groups). A Delta table is cut the same
 * way over its live files, each slice reading its files' partition values and skipping their
 * deleted rows (io/delta deltaSliceSql), with the deletion keys it needs; with `fileIndex` its
 * rows say which of its files they come from, as a plain slice's `file_index` does.
 */
export async function planRanges(
  session: DuckDBSession,
  source: TableSource,
  parts: number,
  fileIndex = false,
  maxFiles = MAX_SLICE_FILES,
): Promise<TableRange[]> {
  const footers = await sourceFooters(session, source);
  // Row groups of each file, in the source's file order.
  const fileGroups = source.files.map((): number[] => []);
  for (const g of footers.rowGroups) fileGroups[g.file]!.push(g.rows);
  const total = footers.rowGroups.reduce((n, g) => n + g.rows, 0);
  const target = Math.max(1, Math.ceil(total / Math.max(1, parts)));

  const slices: { parts: DeltaSlicePart[]; rows: number }[] = [];
  let run: DeltaSlicePart[] = [];
  let runRows = 0;
  const flushRun = (): void => {
    if (run.length > 0) slices.push({ parts: run, rows: runRows });
    run = [];
    runRows = 0;
  };
  for (const [f, rowGroups] of fileGroups.entries()) {
    const fileRows = rowGroups.reduce((n, r) => n + r, 0);
    if (fileRows <= target || rowGroups.length === 1) {
      run.push({ file: f });
      runRows += fileRows;
      if (runRows >= target || run.length >= maxFiles) flushRun();
      continue;
    }
    flushRun();
    let first = 0;
    let sliceRows = 0;
    for (const [k, rows] of rowGroups.entries()) {
      sliceRows += rows;
      if (sliceRows < target && k < rowGroups.length - 1) continue;
      slices.push({ parts: [{ file: f, rows: [first, first + sliceRows] }], rows: sliceRows });
      first += sliceRows;
      sliceRows = 0;
    }
  }
  flushRun();
  if (slices.length === 0) slices.push({ parts: [], rows: 0 });

  const delta = source.delta;
  // Files that all hold the same fields with the same types need no union by name: DuckDB then
  // binds a slice on its first file instead of reading every footer of the slice twice.
  const schema = delta === null && source.files.length > 1 ? await sourceSchema(session, source) : null;
  const byName = source.files.length > 1 && (schema === null || [...schema.values()].some((types) => types.size !== 1 || [...types.values()][0] !== source.files.length));
  return slices.map(({ parts: sliceParts, rows }): TableRange => {
    if (delta !== null) {
      if (sliceParts.length === 0) return { from: delta.sql, where: '', rows, keys: null, files: [] };
      const { sql, keys, order } = deltaSliceSql(delta, sliceParts, DELTA_SLICE_KEYS, false, fileIndex);
      return { from: sql, where: '', rows, keys: keys.length === 0 ? null : keys, files: order.map((f) => source.files[f]!) };
    }
    // Every slice reads its files with the options of the whole source, so a column a file lacks
    // reads as null in a slice as it would in the whole table.
    const sliced = sliceParts[0]?.rows;
    const files = sliceParts.map((p) => sqlFilePath(source.files[p.file]!));
    const from = `read_parquet([${files.join(', ')}], hive_partitioning = ${source.hive}, union_by_name = ${byName})`;
    return { from, where: sliced === undefined ? '' : `file_row_number >= ${sliced[0]} AND file_row_number < ${sliced[1]}`, rows, keys: null, files: sliceParts.map((p) => source.files[p.file]!) };
  });
}
