import { InputError } from '../errors.js';
import { sqlFilePath } from './duckdb-session.js';
import type { Chunk, ColumnKind, DuckDBSession } from './duckdb-session.js';
import type { ContractColumn, ContractType } from './input-schema.js';
import { sourceSql } from './table-files.js';
import type { TableSource } from './table-files.js';
import { ColumnBuilder } from './column-builder.js';
import { sourceFooters } from './footer-stats.js';
import { sourceSchema } from './file-schemas.js';
import type { ColumnData } from './column-builder.js';

const INT_TYPES = new Set(['TINYINT', 'SMALLINT', 'INTEGER', 'BIGINT', 'HUGEINT', 'UTINYINT', 'USMALLINT', 'UINTEGER', 'UBIGINT', 'UHUGEINT']);
const TIMESTAMP_TYPES = new Set(['TIMESTAMP', 'TIMESTAMP_S', 'TIMESTAMP_MS', 'TIMESTAMP_NS', 'TIMESTAMP WITH TIME ZONE']);

/** A checked column: the SQL that yields it in its JS landing kind, and where it came from. */
export interface BoundColumn {
  column: ContractColumn;
  kind: ColumnKind;
  sql: string;
  /** The Parquet-level type DuckDB reported, for messages. */
  sourceType: string;
}

/**
 * Checks the source's columns against the contract (presence and type) and returns the
 * expressions that read each one: ids as DOUBLE (exact below 2^53), dates and timestamps as
 * days since 1970-01-01, so every later comparison is integer day arithmetic.
 */
export async function bindColumns(session: DuckDBSession, source: TableSource, columns: readonly ContractColumn[]): Promise<BoundColumn[]> {
  let types = await uniformTypes(session, source, columns);
  if (types === null) {
    let described: unknown[][];
    try {
      described = await session.rows(`DESCRIBE SELECT * FROM ${sourceSql(source)}`);
    } catch (err) {
      throw new InputError(source.label, `cannot read as Parquet: ${firstLine(err)}`);
    }
    types = new Map(described.map((row) => [String(row[0]), String(row[1])]));
  }
  return columns.map((column) => {
    const sourceType = types.get(column.name);
    if (sourceType === undefined) throw new InputError(source.label, `required column '${column.name}' is missing (found: ${[...types.keys()].join(', ')})`);
    const q = `"${column.name}"`;
    const bound = (kind: ColumnKind, sql: string): BoundColumn => ({ column, kind, sql, sourceType });
    if (!accepts(column.type, sourceType)) throw new InputError(source.label, `column '${column.name}' has type ${sourceType}, expected ${expected(column.type)}`);
    switch (column.type) {
      case 'int':
        return bound('f64', `CAST(${q} AS DOUBLE)`);
      case 'string':
        return bound('str', q);
      case 'bool':
        return bound('bool', q);
      case 'date':
        return bound('i32', `CAST(${q} - DATE '1970-01-01' AS INTEGER)`);
      case 'timestamp':
        return bound('i32', INT_TYPES.has(sourceType) ? `CAST(floor(${q} / 86400000) AS INTEGER)` : `CAST(floor(epoch_ms(${q}) / 86400000) AS INTEGER)`);
    }
  });
}

/**
 * The contract columns' types of a directory of many files, from the summed footers, when every
 * file holds each of them with one and the same type (what DESCRIBE would then say, without
 * reading thousands of footers once more); null otherwise.
 */
async function uniformTypes(session: DuckDBSession, source: TableSource, columns: readonly ContractColumn[]): Promise<Map<string, string> | null> {
  if (source.delta !== null || source.files.length < 2) return null;
  const schema = await sourceSchema(session, source);
  if (schema === null) return null;
  const types = new Map<string, string>();
  for (const c of columns) {
    const found = schema.get(c.name);
    if (found === undefined || found.size !== 1) return null;
    const [[type, files]] = [...found] as [[string, number]];
    if (files !== source.files.length) return null;
    types.set(c.name, type);
  }
  return types;
}

function accepts(type: ContractType, sourceType: string): boolean {
  switch (type) {
    case 'int':
      return INT_TYPES.has(sourceType);
    case 'string':
      return sourceType === 'VARCHAR';
    case 'bool':
      return sourceType === 'BOOLEAN';
    case 'date':
      return sourceType === 'DATE';
    case 'timestamp':
      // INT64 only: no epoch-millisecond date after 1970-01-25 fits an INT32, so an INT32 `ts` is
      // epoch seconds or days, which would silently read as January 1970 and drop every play.
      return TIMESTAMP_TYPES.has(sourceType) || sourceType === 'BIGINT';
  }
}

function expected(type: ContractType): string {
  switch (type) {
    case 'int':
      return 'an integer type';
    case 'string':
      return 'a string (VARCHAR)';
    case 'bool':
      return 'BOOLEAN';
    case 'date':
      return 'DATE';
    case 'timestamp':
      return 'a TIMESTAMP or INT64 epoch milliseconds';
  }
}

/**
 * Streams the bound columns (plus an optional WHERE clause) chunk by chunk, failing with the
 * file and row of the first null found in a non-nullable column.
 */
export async function streamBound(
  session: DuckDBSession,
  source: TableSource,
  bound: readonly BoundColumn[],
  where: string,
  orderBy: string,
  onChunk: (chunk: Chunk) => void,
): Promise<number> {
  const select = bound.map((b) => b.sql).join(', ');
  const sql = `SELECT ${select} FROM ${sourceSql(source)}${where === '' ? '' : ` WHERE ${where}`} ${orderBy}`;
  const required = bound.map((b, i) => (b.column.nullable ? -1 : i)).filter((i) => i >= 0);
  let nullColumn = -1;
  let rows = 0;
  try {
    if (where !== '') await probeNulls(session, source, bound);
    rows = await session.stream(sql, (chunk) => {
      if (nullColumn >= 0) return;
      for (const c of required) {
        if (chunk.firstNull(c) >= 0) {
          nullColumn = c;
          return;
        }
      }
      onChunk(chunk);
    });
  } catch (err) {
    if (err instanceof InputError) throw err;
    throw new InputError(source.label, `cannot read: ${firstLine(err)}`);
  }
  if (nullColumn >= 0) throw await nullError(session, source, bound[nullColumn]!.column.name);
  return rows;
}

/**
 * Rows a filter drops are never streamed, so a null there (a null `ts` fails any comparison)
 * would pass unseen: checks each non-nullable column over the whole source. The footers' null
 * counts answer when every file records them; otherwise an IS NULL probe scans the column.
 */
export async function probeNulls(session: DuckDBSession, source: TableSource, bound: readonly BoundColumn[]): Promise<void> {
  const footers = await sourceFooters(session, source);
  for (const b of bound) {
    if (b.column.nullable) continue;
    const name = b.column.name;
    const footer = footers.columns.get(name);
    if (footer !== undefined && footer.complete && footer.nulls === 0) continue;
    if ((await session.rows(`SELECT 1 FROM ${sourceSql(source)} WHERE "${name}" IS NULL LIMIT 1`)).length > 0) throw await nullError(session, source, name);
  }
}

/** The error for a null in non-nullable column `name`, naming the file and row of the first one. */
export async function nullError(session: DuckDBSession, source: TableSource, name: string): Promise<InputError> {
  const rows = await session.rows(
    `SELECT filename, file_row_number FROM ${sourceSql(source, true)} WHERE "${name}" IS NULL ORDER BY filename, file_row_number LIMIT 1`,
  );
  const [file, row] = rows[0] ?? [source.label, '?'];
  if (source.files.length > 1 && source.delta === null) {
    // Reading several files by name fills a column one of them lacks with nulls: say so. (In a
    // Delta table the log's schema decides, and a file without a column reads it as null.)
    const columns = await session.rows(`DESCRIBE SELECT * FROM read_parquet(${sqlFilePath(String(file))})`);
    if (!columns.some((c) => String(c[0]) === name)) return new InputError(source.label, `required column '${name}' is missing in ${String(file)}`);
  }
  const where = source.files.length > 1 ? ` in ${String(file)}` : '';
  return new InputError(source.label, `column '${name}' is not nullable but has a null at row ${String(row)} (0-based)${where}`);
}

export function firstLine(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).split('\n')[0]!;
}

/** Reads whole (small) tables into columns in the order of `bound`. */
export async function readTable(
  session: DuckDBSession,
  source: TableSource,
  bound: readonly BoundColumn[],
  where = '',
  orderBy = '',
): Promise<{ rows: number; columns: ColumnData[] }> {
  // A count without a filter is answered from the Parquet footers: every array is sized once.
  let total = 1024;
  if (where === '') {
    try {
      total = Number(((await session.rows(`SELECT count(*) FROM ${sourceSql(source)}`)) as [[bigint]])[0][0]);
    } catch (err) {
      throw new InputError(source.label, `cannot read: ${firstLine(err)}`);
    }
  }
  const builders = bound.map((b) => new ColumnBuilder(b.kind, b.column.nullable, total));
  const rows = await streamBound(session, source, bound, where, orderBy, (chunk) => {
    for (let c = 0; c < builders.length; c++) builders[c]!.append(chunk, c);
  });
  return { rows, columns: builders.map((b) => b.finish()) };
}
