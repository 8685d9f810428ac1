import { join, relative, sep } from 'node:path';
import { InputError } from '../errors.js';
import { sqlFilePath } from './duckdb-session.js';
import type { DuckDBSession } from './duckdb-session.js';
import type { ContractColumn } from './input-schema.js';
import type { TableSource } from './table-files.js';

/** One file's top-level columns and their DuckDB types, from its footer. */
export type FileColumns = Map<string, string>;

/**
 * Checks what reading the files of a directory table together would hide, from their footers alone:
 * - a Hive directory `key=value/` whose key is also a column inside its files (DuckDB would
 *   silently replace the column by the path value: `accounts/crm_id=X/` would make every identity
 *   X) is an InputError naming the table, the key and the file;
 * - a contract column stored as a timestamp in one file and as an integer (or any other kind) in
 *   another (DuckDB takes one file's type and fails on the others mid-read) is an InputError naming
 *   the column and a file of each kind.
 */
export async function checkFileSchemas(session: DuckDBSession, dataDir: string, source: TableSource, contract: readonly ContractColumn[]): Promise<void> {
  if (!source.hive && source.files.length < 2) return;
  if (await schemasAgree(session, dataDir, source, contract)) return;
  let files: Map<string, FileColumns>;
  try {
    files = await readFileColumns(session, source.files);
  } catch (err) {
    throw new InputError(source.label, `cannot read as Parquet: ${(err instanceof Error ? err.message : String(err)).split('\n')[0]}`);
  }
  if (source.hive) checkPartitionKeys(join(dataDir, source.table), source, files);
  for (const column of contract) {
    let first: { file: string; type: string; kind: string } | null = null;
    for (const [file, columns] of files) {
      const type = columns.get(column.name);
      if (type === undefined) continue;
      const kind = typeKind(type);
      first ??= { file, type, kind };
      if (kind !== first.kind) {
        throw new InputError(source.label, `column '${column.name}' is ${first.type} in ${first.file} but ${type} in ${file}; every file of a table must store a column with one type`);
      }
    }
  }
}

function checkPartitionKeys(tableDir: string, source: TableSource, files: Map<string, FileColumns>): void {
  for (const file of source.files) {
    const dirs = relative(tableDir, file).split(sep).slice(0, -1);
    for (const dir of dirs) {
      const key = dir.slice(0, dir.indexOf('='));
      if (!dir.includes('=') || !files.get(file)?.has(key)) continue;
      throw new InputError(source.label, `partition directory '${dir}/' names the column '${key}', which ${file} also holds; a path key must not override a data column: rename the directory or drop the column from the files`);
    }
  }
}

/** Integer widths mix freely (DuckDB widens them), as do timestamp units; other types must match. */
function typeKind(duckdbType: string): string {
  if (/^(U?(TINY|SMALL|BIG|HUGE)?INT(EGER)?)$/.test(duckdbType)) return 'integer';
  if (duckdbType.startsWith('TIMESTAMP')) return 'timestamp';
  return duckdbType;
}

/** Every field name of a source's files (nested ones too) with its DuckDB types and how many files hold each. */
export type SourceSchema = Map<string, Map<string, number>>;

const schemas = new WeakMap<TableSource, Promise<SourceSchema | null>>();

/**
 * The fields of every file of a source, summed by DuckDB in one read of the footers (null when a
 * file cannot be read as Parquet: the file-by-file reads then name it), shared by the schema
 * checks and the column binding of the run.
 */
export function sourceSchema(session: DuckDBSession, source: TableSource): Promise<SourceSchema | null> {
  let schema = schemas.get(source);
  if (schema === undefined) {
    schema = session
      .rows(`SELECT name, duckdb_type, count(DISTINCT file_name) FROM parquet_schema([${source.files.map(sqlFilePath).join(', ')}]) GROUP BY ALL`)
      .then((rows) => {
        const fields: SourceSchema = new Map();
        for (const [name, type, files] of rows) {
          const types = fields.get(String(name)) ?? new Map<string, number>();
          types.set(String(type), Number(files));
          fields.set(String(name), types);
        }
        return fields;
      })
      .catch(() => null);
    schemas.set(source, schema);
  }
  return schema;
}

/**
 * The check summed by DuckDB over every field of every file (nested ones too), for thousands of
 * files: true when no contract column name has two kinds of type and no Hive key names a field
 * anywhere, so the file-by-file check could find nothing; false when it must run.
 */
async function schemasAgree(session: DuckDBSession, dataDir: string, source: TableSource, contract: readonly ContractColumn[]): Promise<boolean> {
  const schema = await sourceSchema(session, source);
  if (schema === null) return false;
  const kinds = new Map<string, Set<string>>();
  for (const [name, types] of schema) kinds.set(name, new Set([...types.keys()].map(typeKind)));
  if (contract.some((c) => (kinds.get(c.name)?.size ?? 0) > 1)) return false;
  if (!source.hive) return true;
  const tableDir = join(dataDir, source.table);
  const keys = new Set(source.files.flatMap((file) => relative(tableDir, file).split(sep).slice(0, -1).filter((d) => d.includes('=')).map((d) => d.slice(0, d.indexOf('=')))));
  return ![...keys].some((k) => kinds.has(k));
}

/** Each file's top-level columns and their DuckDB types, from one read of the footers (DuckDB's error when one is not Parquet). */
export async function readFileColumns(session: DuckDBSession, fileList: readonly string[]): Promise<Map<string, FileColumns>> {
  const rows = await session.rows(`SELECT file_name, name, duckdb_type, num_children FROM parquet_schema([${fileList.map(sqlFilePath).join(', ')}])`);
  // Schema elements come depth first per file: the root, then each column with its children.
  const files = new Map<string, FileColumns>();
  const open = new Map<string, number[]>();
  for (const [file, name, type, children] of rows) {
    const key = String(file);
    let stack = open.get(key);
    if (stack === undefined) {
      stack = [];
      open.set(key, stack);
      files.set(key, new Map());
    }
    if (stack.length === 1) files.get(key)!.set(String(name), String(type));
    if (stack.length > 0) stack[stack.length - 1]!--;
    const n = Number(children ?? 0);
    if (n > 0) stack.push(n);
    while (stack.length > 0 && stack[stack.length - 1] === 0) stack.pop();
  }
  return files;
}
