import type { DuckDBSession } from './duckdb-session.js';
import { checkFileSchemas } from './file-schemas.js';
import { INPUT_TABLES, OPTIONAL_TABLES } from './input-schema.js';
import type { TableName } from './input-schema.js';
import { bindColumns } from './read-table.js';
import type { BoundColumn } from './read-table.js';
import { findTable } from './table-files.js';
import { checkValueRanges } from './value-range.js';
import type { TableSource } from './table-files.js';

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
 * an InputError; absent optional tables are left out of the result. A Delta log may name absolute
 * paths under the dataset directory and the directories of `allowExternalPaths` only.
 */
export async function bindTables(
  session: DuckDBSession,
  dataDir: string,
  names: readonly TableName[] = Object.keys(INPUT_TABLES) as TableName[],
  deltaVersions: DeltaVersions = {},
  allowExternalPaths: readonly string[] = [],
): Promise<Partial<Record<TableName, BoundTable>>> {
  const tables: Partial<Record<TableName, BoundTable>> = {};
  for (const name of names) {
    const source = await findTable(session, dataDir, name, !OPTIONAL_TABLES.includes(name), deltaVersions[name], allowExternalPaths);
    if (source === null) continue;
    await checkFileSchemas(session, dataDir, source, INPUT_TABLES[name]);
    const columns = await bindColumns(session, source, INPUT_TABLES[name]);
    await checkValueRanges(session, source, columns);
    tables[name] = { source, columns };
  }
  return tables;
}

/** The bound column `name` of a table (one of its contract columns). */
export function boundColumn(table: BoundTable, name: string): BoundColumn {
  const column = table.columns.find((c) => c.column.name === name);
  if (column === undefined) throw new Error(`column ${name} is not part of the table's contract`);
  return column;
}
