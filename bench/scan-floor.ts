/*
 * The floor under the engine's wall time (issue 11): DuckDB alone, on every core, scanning
 * exactly the columns the engine reads — every input table's contract columns through the same
 * column expressions, the plays of the history window only, and (with --state) the accepted
 * sends of the ledger's columnar copies in the lookback window — aggregated inside DuckDB, so no
 * value crosses into JS. The end-to-end benchmark reports the engine's wall ÷ this process's.
 *
 *   node dist/bench/scan-floor.js --data DIR --date D [--state DIR]
 */
import { LocalDataset } from '../io/input/dataset.js';
import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import { defaultConfig } from '../engine/config/default-config.js';
import { formatDay, parseDay } from '../engine/dates.js';
import { bindTables } from '../io/input/bind-tables.js';
import { DuckDBSession, sqlString } from '../io/input/duckdb-session.js';
import { rawTimestampLiteral } from '../io/input/raw-timestamp.js';
import { sourceSql } from '../io/input/table-files.js';
import { ledgerHistory } from '../io/ledger/index.js';

const { values } = parseArgs({ options: { data: { type: 'string' }, date: { type: 'string' }, state: { type: 'string' } } });
if (values.data === undefined || values.date === undefined) throw new Error('usage: node dist/bench/scan-floor.js --data DIR --date D [--state DIR]');
const started = performance.now();
const day = parseDay(values.date);
const config = defaultConfig();
const session = await DuckDBSession.open(availableParallelism());
const scans: string[] = [];
for (const [name, table] of Object.entries(await bindTables(session, new LocalDataset(values.data)))) {
  // bit_xor(hash(x)) makes DuckDB decode every value of x, and returns one number.
  const columns = table.columns.map((b) => `bit_xor(hash(${b.sql}))`).join(', ');
  const where = name === 'plays' ? ` WHERE "ts" >= ${rawTimestampLiteral(table.columns[2]!.sourceType, day - config.history_days)}` : '';
  scans.push(`SELECT count(*), ${columns} FROM ${sourceSql(table.source)}${where}`);
}
if (values.state !== undefined) {
  const from = formatDay(day - Math.max(config.dedup_window_days, 7));
  for (const d of (await ledgerHistory(values.state)).dates) {
    if (d.file === null || d.date < from || d.date >= values.date) continue;
    scans.push(`SELECT count(*), bit_xor(hash(account_id)), bit_xor(hash(profile_id)), bit_xor(hash(show_id)), bit_xor(hash(scenario)) FROM read_parquet(${sqlString(d.file)}) WHERE accepted`);
  }
}
let rows = 0;
// One query per table, run one after another: each uses every core.
for (const sql of scans) rows += Number((await session.rows(sql))[0]![0]);
session.close();
console.log(JSON.stringify({ rows, tables: scans.length, wallMs: Math.round(performance.now() - started) }));
