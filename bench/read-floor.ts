import { parseArgs } from 'node:util';
import { decoderThreads, DuckDBSession } from '../io/input/duckdb-session.js';
import { INPUT_TABLES, OPTIONAL_TABLES } from '../io/input/input-schema.js';
import type { TableName } from '../io/input/input-schema.js';
import { bindColumns, readTable } from '../io/input/read-table.js';
import { findTable } from '../io/input/table-files.js';

/**
 * The input-read floor of issue 5: the same reader (DuckDB into typed arrays, same column
 * expressions) reading every input column the engine uses, and nothing else.
 */
const { values } = parseArgs({ options: { data: { type: 'string' }, threads: { type: 'string' } } });
if (values.data === undefined) throw new Error('usage: node dist/bench/read-floor.js --data DIR [--threads N]');
const started = performance.now();
const session = await DuckDBSession.open(values.threads === undefined ? decoderThreads() : Number(values.threads));
let rows = 0;
for (const name of Object.keys(INPUT_TABLES) as TableName[]) {
  const source = findTable(values.data, name, !OPTIONAL_TABLES.includes(name));
  if (source === null) continue;
  const bound = await bindColumns(session, source, INPUT_TABLES[name]);
  rows += (await readTable(session, source, bound)).rows;
}
session.close();
console.log(JSON.stringify({ rows, wallMs: Math.round(performance.now() - started) }));
