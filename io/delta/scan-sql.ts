import { sqlFilePath, sqlString } from '../input/duckdb-session.js';
import type { DuckDBSession } from '../input/duckdb-session.js';
import { DeltaError } from './delta-error.js';
import { deletionVectorId, readDeletionVector } from './deletion-vector.js';
import type { DeltaFile, DeltaSnapshot } from './snapshot.js';
import type { DeltaColumn } from './table-schema.js';
import { PartitionValueError, partitionLiteral } from './partition-values.js';

/** How to read a snapshot with DuckDB: the SQL table expressions and what they read. */
export interface DeltaScan {
  version: number;
  /** Live data files, in path order. */
  files: string[];
  /** Deletion-vector files the scan reads (inline vectors have none). */
  deletionVectorFiles: string[];
  /** Each live file with its deletion vector's id (protocol "uniqueId") and the rows it removes. */
  liveFiles: { file: string; deletionVector: string | null; deletedRows: number }[];
  /** The table expression: logical column names, partition values from the log, deleted rows dropped. */
  sql: string;
  /** The same with `filename` and `file_row_number` (physical row in the data file) added, for messages. */
  originSql: string;
}

/**
 * Prepares the DuckDB read of a snapshot in `session`: decodes the deletion vectors into the temp
 * table `keysTable` and builds the SQL.
 *
 * - Columns: under column mapping, `read_parquet(…, schema = MAP{…})` finds each column by its
 *   physical name (or Parquet field id in `id` mode), names it with its logical name and reads it
 *   as the log's type; without it, files are read by name with `union_by_name`, as a plain
 *   directory is. Either way a column a file lacks reads as NULL (protocol "Column Mapping").
 * - Partition values: files are grouped by their partition values; each group is one
 *   `read_parquet` with the values as typed literals, so an unused partition column costs
 *   nothing (a join on the file would cost every row).
 * - Deletion vectors: only files that have one are read with `file_row_number`, and their rows
 *   are kept when (file ordinal × 2^32 + row) is not in `keysTable`.
 */
export async function prepareDeltaScan(session: DuckDBSession, snapshot: DeltaSnapshot, keysTable: string): Promise<DeltaScan> {
  const dataColumns = snapshot.columns.filter((c) => !c.partition);
  const partitionColumns = snapshot.columns.filter((c) => c.partition);
  const deletionVectorFiles: string[] = [];
  const deleted = new Map<DeltaFile, Float64Array>();
  for (const f of snapshot.files) {
    if (f.deletionVector === null) continue;
    try {
      const dvFile = f.deletionVectorFile;
      if (dvFile !== null && !deletionVectorFiles.includes(dvFile)) deletionVectorFiles.push(dvFile);
      const rows = readDeletionVector(dvFile, f.deletionVector);
      if (rows.length > 0) deleted.set(f, rows);
    } catch (err) {
      if (err instanceof DeltaError) throw new DeltaError(err.file, `deletion vector of data file '${f.path}': ${err.message}`);
      throw err;
    }
  }

  const groups = new Map<string, { literals: string[]; clean: DeltaFile[]; deleting: DeltaFile[] }>();
  for (const f of snapshot.files) {
    const key = partitionColumns.length === 0 ? '' : JSON.stringify(partitionColumns.map((c) => f.partitionValues[c.partitionKey] ?? null));
    const group = groups.get(key) ?? { literals: partitionColumns.map((c) => `${literal(c, f)} AS ${ident(c.name)}`), clean: [], deleting: [] };
    (deleted.has(f) ? group.deleting : group.clean).push(f);
    groups.set(key, group);
  }
  // Files with deleted rows get consecutive ordinals group by group, so within one read_parquet
  // a file's ordinal is the group's first plus its file_index.
  const keys = new BigInt64Array([...deleted.values()].reduce((n, rows) => n + rows.length, 0));
  const firstOrdinal = new Map<string, number>();
  let ordinal = 0;
  let at = 0;
  for (const [key, group] of groups) {
    firstOrdinal.set(key, ordinal);
    for (const f of group.deleting) {
      const rows = deleted.get(f)!;
      // key = ordinal × 2^32 + row: exact in a double below 2^53 (2M files of 4G rows).
      const base = ordinal * 4294967296;
      for (let i = 0; i < rows.length; i++) keys[at++] = BigInt(base + rows[i]!);
      ordinal++;
    }
  }
  if (keys.length > 0) await session.createInt64Table(keysTable, 'k', keys);

  // Each branch is built once; the two variants differ only in their select lists.
  const branches: { columns: string[]; from: string }[] = [];
  const mapped = dataColumns.some((c) => c.key !== c.name);
  const schema = `MAP {${dataColumns.map((c) => `${typeof c.key === 'number' ? c.key : sqlString(c.key)}: {name: ${sqlString(c.name)}, type: ${sqlString(c.type)}, default_value: NULL}`).join(', ')}}`;
  const scan = async (files: DeltaFile[]): Promise<{ columns: string[]; from: string }> => {
    const list = `[${files.map((f) => sqlFilePath(f.file)).join(', ')}]`;
    if (mapped) return { columns: ['*'], from: `read_parquet(${list}, schema = ${schema})` };
    // Without column mapping the files are read by name as a plain Parquet directory is, so
    // DuckDB answers count(*) and IS NULL probes from the footers (with a schema it reads the
    // columns: 250 ms instead of 20 ms per probe of 9M plays). Columns the files lack are NULL.
    const from = `read_parquet(${list}, union_by_name = true)`;
    let described: unknown[][];
    try {
      described = await session.rows(`DESCRIBE SELECT * FROM ${from}`);
    } catch (err) {
      throw new DeltaError(files.length === 1 ? files[0]!.file : null, `data files cannot be read as Parquet (${(err instanceof Error ? err.message : String(err)).split('\n')[0]})`);
    }
    // DuckDB resolves names case-insensitively, as Delta requires names unique regardless of case.
    const present = new Set(described.map((r) => String(r[0]).toLowerCase()));
    return { columns: dataColumns.map((c) => (present.has(c.name.toLowerCase()) ? ident(c.name) : `CAST(NULL AS ${c.type}) AS ${ident(c.name)}`)), from };
  };
  for (const [key, { literals, clean, deleting }] of groups) {
    if (clean.length > 0) {
      const { columns, from } = await scan(clean);
      branches.push({ columns: [...columns, ...literals], from });
    }
    if (deleting.length > 0) {
      const first = firstOrdinal.get(key)!;
      const { columns, from } = await scan(deleting);
      branches.push({ columns: [...columns, ...literals], from: `${from} WHERE (CAST(file_index AS BIGINT) + ${first}) * 4294967296 + file_row_number NOT IN (SELECT k FROM "${keysTable}")` });
    }
  }
  const build = (origin: boolean): string => {
    const extra = origin ? ['filename', 'file_row_number'] : [];
    if (snapshot.files.length === 0) {
      const nulls = snapshot.columns.map((c) => `CAST(NULL AS ${c.type}) AS ${ident(c.name)}`);
      const originNulls = origin ? ['CAST(NULL AS VARCHAR) AS filename', 'CAST(NULL AS BIGINT) AS file_row_number'] : [];
      return `(SELECT ${[...nulls, ...originNulls].join(', ')} WHERE false)`;
    }
    return `(${branches.map((b) => `SELECT ${[...b.columns, ...extra].join(', ')} FROM ${b.from}`).join('\nUNION ALL\n')})`;
  };
  return {
    version: snapshot.version,
    files: snapshot.files.map((f) => f.file),
    deletionVectorFiles,
    liveFiles: snapshot.files.map((f) => ({ file: f.file, deletionVector: deletionVectorId(f.deletionVector), deletedRows: deleted.get(f)?.length ?? 0 })),
    sql: build(false),
    originSql: build(true),
  };
}

/** File `f`'s value of partition column `c` as a typed SQL literal; a value its type does not admit is a DeltaError naming the file. */
function literal(c: DeltaColumn, f: DeltaFile): string {
  try {
    return partitionLiteral(c, f.partitionValues[c.partitionKey] ?? null);
  } catch (err) {
    if (err instanceof PartitionValueError) throw new DeltaError(f.file, err.message);
    throw err;
  }
}

function ident(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
