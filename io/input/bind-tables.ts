import { statSync } from 'node:fs';
import { InputError } from '../errors.js';
import type { Dataset } from './dataset.js';
import type { DuckDBSession } from './duckdb-session.js';
import { checkFileSchemas } from './file-schemas.js';
import { INPUT_TABLES, OPTIONAL_TABLES } from './input-schema.js';
import type { TableName } from './input-schema.js';
import { bindColumns } from './read-table.js';
import type { BoundColumn } from './read-table.js';
import { findTable } from './table-files.js';
import { checkValueRanges } from './value-range.js';
import { sourceFooters } from './footer-stats.js';
import type { TableSource } from './table-files.js';

/** Files from which a table's footers are read beside its schema checks. */
const MANY_FILES = 64;

/** A table found in the dataset with its columns checked against the contract. */
export interface BoundTable {
  source: TableSource;
  columns: BoundColumn[];
}

/** Delta table versions to read instead of the latest, by table (a run's pins, or a past run's versions). */
export type DeltaVersions = Partial<Record<TableName, number>>;

/**
 * Finds each of `names` in the dataset (SPEC §2: a file, a directory or a Delta table) and checks
 * its columns (presence, type, one type across its files, no Hive key shadowing a column, the
 * range of ids and INT64 timestamps) before anything large is read. A missing required table is
 * an InputError; absent optional tables are left out of the result.
 */
export async function bindTables(
  session: DuckDBSession,
  dataset: Dataset,
  names: readonly TableName[] = Object.keys(INPUT_TABLES) as TableName[],
  deltaVersions: DeltaVersions = {},
): Promise<Partial<Record<TableName, BoundTable>>> {
  checkDatasetDirectory(dataset);
  const tables: Partial<Record<TableName, BoundTable>> = {};
  // The footers of a table of many files are summed on a second connection while this one checks
  // their schemas: two of DuckDB's threads read thousands of footers at once.
  let side: DuckDBSession | null = null;
  const prefetches: Promise<unknown>[] = [];
  try {
    for (const name of names) {
      const source = await findTable(session, dataset, name, !OPTIONAL_TABLES.includes(name), deltaVersions[name]);
      if (source === null) continue;
      if (source.files.length >= MANY_FILES) {
        side ??= await session.fork();
        prefetches.push(sourceFooters(side, source).catch(() => undefined));
      }
      await checkFileSchemas(session, dataset.dir, source, INPUT_TABLES[name]);
      const columns = await bindColumns(session, source, INPUT_TABLES[name]);
      await checkValueRanges(session, source, columns);
      tables[name] = { source, columns };
    }
  } catch (err) {
    throw namedByLocation(err, dataset);
  } finally {
    await Promise.all(prefetches);
    side?.close();
  }
  return tables;
}

/** A local dataset directory that is not there is one clear error, not "required table 'catalog' not found". */
function checkDatasetDirectory(dataset: Dataset): void {
  // A remote dataset (object storage) is checked by its own adapter.
  if (dataset.dir !== dataset.location) return;
  const dataDir = dataset.dir;
  let stats;
  try {
    stats = statSync(dataDir);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new InputError(dataDir, code === 'ENOENT' ? 'no such dataset directory' : `cannot open the dataset directory (${code ?? (err as Error).message})`);
  }
  if (!stats.isDirectory()) throw new InputError(dataDir, 'not a directory: the dataset is a directory of tables (catalog, accounts, profiles, plays, regions, …)');
}

/**
 * A remote dataset's files are read from a local view of the cache: a message that names a file
 * by its view path (DuckDB's, a column check's) names it by URL instead.
 */
function namedByLocation(err: unknown, dataset: Dataset): unknown {
  if (!(err instanceof InputError) || dataset.dir === dataset.location || !err.message.includes(dataset.dir)) return err;
  const message = err.message.slice(err.file.length + 2).split(dataset.dir).join(dataset.location);
  return new InputError(err.file, message);
}

/** The bound column `name` of a table (one of its contract columns). */
export function boundColumn(table: BoundTable, name: string): BoundColumn {
  const column = table.columns.find((c) => c.column.name === name);
  if (column === undefined) throw new Error(`column ${name} is not part of the table's contract`);
  return column;
}
