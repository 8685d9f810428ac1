import { DuckDBInstance } from '@duckdb/node-api';
import type { DuckDBConnection } from '@duckdb/node-api';
import { afterAll } from 'vitest';

/** A value read back by DuckDB, with BIGINTs as numbers (the writer's domain is ±(2^53-1)). */
export type Cell = null | boolean | number | string;

let instance: DuckDBInstance | null = null;
let connection: Promise<DuckDBConnection> | null = null;

// Registered at import (file level), so the database outlives every test of the file.
afterAll(async () => {
  (await connection)?.closeSync();
  instance?.closeSync();
});

function connect(): Promise<DuckDBConnection> {
  connection ??= DuckDBInstance.create(':memory:').then((created) => {
    instance = created;
    return created.connect();
  });
  return connection;
}

/** Runs `sql` in a shared in-memory DuckDB (one per test file) and returns the rows. */
export async function query(sql: string): Promise<Cell[][]> {
  const reader = await (await connect()).runAndReadAll(sql);
  return reader.getRowsJS().map((row) => row.map(toCell));
}

/** Reads each expression of `select <exprs> from '<path>'` as one column array, in file order. */
export async function readColumns(path: string, exprs: string[]): Promise<Cell[][]> {
  const rows = await query(`select ${exprs.join(', ')} from read_parquet('${path}')`);
  return exprs.map((_, i) => rows.map((row) => row[i]!));
}

/** Column name → DuckDB type, as `DESCRIBE` reports it. */
export async function describe(path: string): Promise<Record<string, string>> {
  const rows = await query(`describe select * from read_parquet('${path}')`);
  return Object.fromEntries(rows.map((row) => [row[0] as string, row[1] as string]));
}

function toCell(value: unknown): Cell {
  if (typeof value === 'bigint') {
    if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < -BigInt(Number.MAX_SAFE_INTEGER)) throw new Error(`unsafe bigint ${value}`);
    return Number(value);
  }
  if (value === null || typeof value === 'boolean' || typeof value === 'number' || typeof value === 'string') return value;
  throw new Error(`unexpected DuckDB value ${String(value)}; cast it in SQL`);
}
