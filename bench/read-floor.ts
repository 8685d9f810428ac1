import { parseArgs } from 'node:util';
import { decoderThreads, DuckDBSession } from '../io/input/duckdb-session.js';
import { bindTables } from '../io/input/bind-tables.js';
import { readTable } from '../io/input/read-table.js';

/**
 * The input-read floor of issue 5: the same reader (DuckDB into typed arrays, same column
 * expressions) reading every input column the engine uses, and nothing else.
 */
const { values } = parseArgs({ options: { data: { type: 'string' }, threads: { type: 'string' } } });
if (values.data === undefined) throw new Error('usage: node dist/bench/read-floor.js --data DIR [--threads N]');
const started = performance.now();
const session = await DuckDBSession.open(values.threads === undefined ? decoderThreads() : Number(values.threads));
let rows = 0;
for (const table of Object.values(await bindTables(session, values.data))) rows += (await readTable(session, table.source, table.columns)).rows;
session.close();
console.log(JSON.stringify({ rows, wallMs: Math.round(performance.now() - started) }));
