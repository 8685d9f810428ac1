import type { Dataset } from '../../io/input/dataset.js';
import { DuckDBSession } from '../../io/input/duckdb-session.js';
import { INPUT_TABLES } from '../../io/input/input-schema.js';
import type { ContractType, TableName } from '../../io/input/input-schema.js';
import { relativePath, sourceFiles, sourceSql } from '../../io/input/table-files.js';
import { bindTables } from '../../io/input/bind-tables.js';
import type { DeltaVersions } from '../../io/input/bind-tables.js';
import type { BoundTable } from '../../io/input/bind-tables.js';

/** The SQL type each contract type is bound to (see bindColumns). */
const SQL_TYPE: Record<ContractType, string> = { int: 'DOUBLE', string: 'VARCHAR', bool: 'BOOLEAN', date: 'INTEGER', timestamp: 'INTEGER' };

/** The plays view names its day column `day`: the bound `ts` is already the UTC day number. */
const RENAMED: Record<string, string> = { ts: 'day' };

/**
 * A DuckDB session over the dataset with one view `in_<table>` per SPEC §2 table, each column
 * read through the engine's own bound expression (ids DOUBLE, dates and timestamps as days since
 * 1970-01-01), so every file layout and encoding the engine accepts reads the same way here.
 * Absent optional tables are empty views; `tomb_accounts` and `tomb_profiles` hold the deletions.
 */
export interface InputViews {
  session: DuckDBSession;
  /** The dataset read (closed by close()). */
  dataset: Dataset;
  /** The checked tables, for scans that must filter on raw columns before converting them. */
  tables: Partial<Record<TableName, BoundTable>>;
  /** Every input file, relative to the dataset directory. */
  files: string[];
  close(): Promise<void>;
}

/** Delta tables are read at `deltaVersions` (a past run's versions) where given, else at their latest. */
export async function openInputViews(dataset: Dataset, threads: number, deltaVersions: DeltaVersions = {}): Promise<InputViews> {
  let session: DuckDBSession | null = null;
  try {
    session = await DuckDBSession.open(threads);
    const files: string[] = [];
    const tables = await bindTables(session, dataset, undefined, deltaVersions);
    for (const name of Object.keys(INPUT_TABLES) as TableName[]) {
      const table = tables[name];
      let select: string;
      if (table === undefined) {
        select = `SELECT ${INPUT_TABLES[name].map((c) => `CAST(NULL AS ${SQL_TYPE[c.type]}) AS ${columnName(c.name)}`).join(', ')} WHERE false`;
      } else {
        select = `SELECT ${table.columns.map((b) => `${b.sql} AS ${columnName(b.column.name)}`).join(', ')} FROM ${sourceSql(table.source)}`;
        files.push(...sourceFiles(table.source).map((f) => relativePath(dataset.dir, f)));
      }
      await session.run(`CREATE TEMP VIEW in_${name} AS ${select}`);
    }
    await session.run('CREATE TEMP TABLE tomb_accounts AS SELECT DISTINCT account_id FROM in_tombstones WHERE account_id IS NOT NULL');
    await session.run('CREATE TEMP TABLE tomb_profiles AS SELECT DISTINCT profile_id FROM in_tombstones WHERE profile_id IS NOT NULL');
    const open = session;
    return {
      session,
      dataset,
      tables,
      files,
      close: async () => {
        open.close();
        await dataset.close();
      },
    };
  } catch (err) {
    session?.close();
    await dataset.close();
    throw err;
  }
}

function columnName(name: string): string {
  return RENAMED[name] ?? name;
}
