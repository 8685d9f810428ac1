/*
 * The §10 Parquet files written two ways (issue 11): our writer (io/parquet, what the engine uses)
 * against DuckDB's — columns handed over from typed arrays as appender data chunks (numbers copied
 * straight into the vectors, ids as DOUBLE cast to BIGINT by the COPY), then `COPY … TO` with
 * snappy. Reads a published run's files back into columns first, writes each file both ways
 * (median of --repeats), and says whether the bytes are the same.
 *
 *   node dist/bench/parquet-writers.js --run OUT/D [--repeats 3]
 */
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import duckdb from '@duckdb/node-bindings';
import { SCENARIOS } from '../engine/config/config-types.js';
import { SCENARIO_FIELDS, SELECTION_FIELDS } from '../engine/output/output-tables.js';
import { DuckDBSession, sqlString } from '../io/input/duckdb-session.js';
import { writeParquet } from '../io/parquet/index.js';
import type { ColumnValues, ParquetField } from '../io/parquet/index.js';

const { values } = parseArgs({ options: { run: { type: 'string' }, repeats: { type: 'string', default: '3' } } });
if (values.run === undefined) throw new Error('usage: node dist/bench/parquet-writers.js --run OUT/D [--repeats 3]');
const runDir = values.run;
const repeats = Number(values.repeats);

interface Table {
  name: string;
  path: string;
  fields: ParquetField[];
  columns: ColumnValues[];
  rows: number;
}


/** Reads a file's columns back as the engine hands them to the writer. */
async function readBack(session: DuckDBSession, path: string, fields: ParquetField[]): Promise<Table> {
  const rows = await session.rows(`SELECT ${fields.map((f) => (f.type === 'string' ? `"${f.name}"` : `CAST("${f.name}" AS DOUBLE)`)).join(', ')} FROM read_parquet(${sqlString(path)})`);
  const columns: ColumnValues[] = fields.map((f, c) => {
    if (f.type === 'string') return { values: rows.map((r) => (r[c] === null ? null : String(r[c]))) };
    const numbers = f.type === 'int32' ? new Int32Array(rows.length) : new Float64Array(rows.length);
    const valid = new Uint8Array(rows.length);
    rows.forEach((r, i) => {
      valid[i] = r[c] === null ? 0 : 1;
      numbers[i] = r[c] === null ? 0 : Number(r[c]);
    });
    return f.nullable ? { values: numbers, valid } : { values: numbers };
  });
  return { name: path.slice(runDir.length + 1), path, fields, columns, rows: rows.length };
}

const sqlType = (f: ParquetField): string => (f.type === 'string' ? 'VARCHAR' : f.type === 'int32' ? 'INTEGER' : 'DOUBLE');
const logical = (f: ParquetField): duckdb.LogicalType => duckdb.create_logical_type(f.type === 'string' ? duckdb.Type.VARCHAR : f.type === 'int32' ? duckdb.Type.INTEGER : duckdb.Type.DOUBLE);

/** DuckDB's way: appender data chunks filled from the columns, then COPY … TO. */
async function duckdbWrite(connection: duckdb.Connection, t: Table, out: string): Promise<void> {
  await duckdb.query(connection, `CREATE OR REPLACE TABLE t (${t.fields.map((f) => `"${f.name}" ${sqlType(f)}`).join(', ')})`);
  const appender = duckdb.appender_create(connection, null, 't');
  const chunk = duckdb.create_data_chunk(t.fields.map(logical));
  const size = duckdb.vector_size();
  for (let start = 0; start < t.rows; start += size) {
    const n = Math.min(size, t.rows - start);
    duckdb.data_chunk_reset(chunk);
    t.fields.forEach((f, c) => {
      const vector = duckdb.data_chunk_get_vector(chunk, c);
      const column = t.columns[c]!;
      // Validity bits of this chunk (bit i = row i present): only a column with nulls needs them.
      let validity: Uint8Array | null = null;
      const setNull = (i: number): void => {
        validity ??= new Uint8Array(Math.ceil(size / 64) * 8).fill(0xff);
        validity[i >> 3]! &= ~(1 << (i & 7));
      };
      if (f.type === 'string') {
        const strings = column.values as (string | null)[];
        for (let i = 0; i < n; i++) {
          const s = strings[start + i]!;
          if (s === null) setNull(i);
          else duckdb.vector_assign_string_element(vector, i, s);
        }
      } else {
        const src = column.values as Float64Array | Int32Array;
        const width = src.BYTES_PER_ELEMENT;
        duckdb.copy_data_to_vector(vector, 0, src.buffer as ArrayBuffer, src.byteOffset + start * width, n * width);
        if (column.valid !== undefined) for (let i = 0; i < n; i++) if (column.valid[start + i] === 0) setNull(i);
      }
      const bits = validity as Uint8Array | null;
      if (bits !== null) {
        duckdb.vector_ensure_validity_writable(vector);
        duckdb.copy_data_to_vector_validity(vector, 0, bits.buffer as ArrayBuffer, 0, bits.byteLength);
      }
    });
    duckdb.data_chunk_set_size(chunk, n);
    duckdb.append_data_chunk(appender, chunk);
  }
  duckdb.appender_close_sync(appender);
  const select = t.fields.map((f) => (f.type === 'int64' ? `CAST("${f.name}" AS BIGINT) AS "${f.name}"` : `"${f.name}"`)).join(', ');
  await duckdb.query(connection, `COPY (SELECT ${select} FROM t) TO ${sqlString(out)} (FORMAT parquet, COMPRESSION snappy, ROW_GROUP_SIZE 1048576)`);
}

const session = await DuckDBSession.open(availableParallelism());
// One query at a time: the session has one connection.
const tables: Table[] = [];
for (const s of SCENARIOS) tables.push(await readBack(session, join(runDir, 'scenarios', `${s}.parquet`), SCENARIO_FIELDS));
tables.push(await readBack(session, join(runDir, 'selection.parquet'), SELECTION_FIELDS));
session.close();
const config = duckdb.create_config();
duckdb.set_config(config, 'threads', String(availableParallelism()));
const database = await duckdb.open(':memory:', config);
const connection = await duckdb.connect(database);
const dir = mkdtempSync(join(tmpdir(), 'parquet-writers-'));
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
let oursTotal = 0;
let duckTotal = 0;
try {
  for (const t of tables) {
    const ours = join(dir, 'ours.parquet');
    const theirs = join(dir, 'duckdb.parquet');
    const a: number[] = [];
    const b: number[] = [];
    for (let r = 0; r < repeats; r++) {
      let t0 = performance.now();
      await writeParquet(ours, t.fields, t.columns, t.rows);
      a.push(performance.now() - t0);
      t0 = performance.now();
      await duckdbWrite(connection, t, theirs);
      b.push(performance.now() - t0);
    }
    const same = Buffer.compare(readFileSync(ours), readFileSync(theirs)) === 0;
    const published = Buffer.compare(readFileSync(ours), readFileSync(t.path)) === 0;
    oursTotal += median(a);
    duckTotal += median(b);
    console.log(
      `${t.name}: ${t.rows.toLocaleString('en-US')} rows — ours ${median(a).toFixed(0)} ms (${(statSync(ours).size / 1e6).toFixed(1)} MB${published ? ', byte-identical to the published file' : ''}), ` +
        `DuckDB ${median(b).toFixed(0)} ms (${(statSync(theirs).size / 1e6).toFixed(1)} MB); bytes ${same ? 'identical' : 'differ'}`,
    );
  }
  console.log(`all files: ours ${oursTotal.toFixed(0)} ms, DuckDB ${duckTotal.toFixed(0)} ms (${(duckTotal / oursTotal).toFixed(2)}× ours); one thread for ours, ${availableParallelism()} DuckDB threads`);
} finally {
  duckdb.disconnect_sync(connection);
  duckdb.close_sync(database);
  rmSync(dir, { recursive: true, force: true });
}
