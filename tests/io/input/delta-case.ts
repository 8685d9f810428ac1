/**
 * The baseline dataset with one table turned into a Delta table, then spoiled, for the Delta error
 * and path tests (delta-errors.test.ts, tests/io/delta/*).
 */
import { join } from 'node:path';
import { DeltaTableWriter, SPEC_FIELDS, removeOf } from '../../../bench/workloads/delta/delta-writer.js';
import type { DeltaTableOptions } from '../../../bench/workloads/delta/delta-writer.js';
import { query } from '../parquet/duckdb-query.js';
import { variant } from './contract-fixture.js';

/** Builds a case's dataset under `dir` from the baseline dataset `baseDir`; returns the data dir. */
export type CaseData = (baseDir: string, dir: string) => Promise<string>;

/**
 * The baseline dataset with `table` as a Delta table of two commits (the second re-adds the rows
 * in a new file and removes the first), then `spoil` applied to it.
 */
export function deltaCase(table: 'regions' | 'profiles', spoil: (w: DeltaTableWriter, data: string) => unknown, options: Partial<DeltaTableOptions> = {}): CaseData {
  return async (baseDir: string, dir: string): Promise<string> => {
    const data = await variant(baseDir, join(dir, 'data'), { [table]: null });
    const w = new DeltaTableWriter(join(data, table), { sql: query, fields: SPEC_FIELDS[table], ...options });
    const first = await w.dataFile('part-0.parquet', `SELECT * FROM read_parquet('${join(baseDir, `${table}.parquet`)}')`);
    w.commit([{ add: first }]);
    w.commit([removeOf(first), { add: await w.dataFile('part-1.parquet', `SELECT * FROM read_parquet('${join(baseDir, `${table}.parquet`)}')`) }]);
    await spoil(w, data);
    return data;
  };
}
