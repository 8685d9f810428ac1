/*
 * Should DuckDB map the plays' ids to dense indexes and order them by profile (issue 11)?
 * On one dataset, each step timed on its own (median of --repeats, DuckDB on every core):
 *   scan      DuckDB decodes the four plays columns of the history window (aggregated, no JS)
 *   join      the same with profile_id and content_id joined to dense-index tables in DuckDB
 *   join+sort the joined rows materialised in profile order (what the engine would then stream)
 *   stream    the four raw columns streamed into JS, untouched
 *   stream+js the same, mapped with the engine's hash-index
 *             kernel (lookupIds), one thread: what the engine does per slice on each worker
 *
 *   node dist/bench/id-mapping.js --data DIR [--date D] [--repeats 3]
 */
import { LocalDataset } from '../io/input/dataset.js';
import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import { parseDay } from '../engine/dates.js';
import { bindTables } from '../io/input/bind-tables.js';
import { DuckDBSession } from '../io/input/duckdb-session.js';
import { rawTimestampLiteral } from '../io/input/raw-timestamp.js';
import { readTable } from '../io/input/read-table.js';
import { sourceSql } from '../io/input/table-files.js';
import { buildIdIndex, lookupIds } from '../kernels/id-index.js';

const { values } = parseArgs({ options: { data: { type: 'string' }, date: { type: 'string', default: '2026-11-22' }, repeats: { type: 'string', default: '3' } } });
if (values.data === undefined) throw new Error('usage: node dist/bench/id-mapping.js --data DIR [--date D] [--repeats 3]');
const session = await DuckDBSession.open(availableParallelism());
const tables = await bindTables(session, new LocalDataset(values.data), ['plays', 'profiles', 'catalog']);
const plays = tables.plays!;
const where = `"ts" >= ${rawTimestampLiteral(plays.columns[2]!.sourceType, parseDay(values.date) - 90)}`;
const select = plays.columns.map((b) => b.sql).join(', ');
const from = sourceSql(plays.source);
await session.run(`CREATE TEMP TABLE profile_index AS SELECT profile_id, CAST(row_number() OVER (ORDER BY profile_id) - 1 AS INTEGER) AS p FROM ${sourceSql(tables.profiles!.source)}`);
await session.run(`CREATE TEMP TABLE content_index AS SELECT content_id, CAST(row_number() OVER (ORDER BY content_id) - 1 AS INTEGER) AS c FROM ${sourceSql(tables.catalog!.source)}`);
const profileIds = (await readTable(session, tables.profiles!.source, [tables.profiles!.columns[0]!], '', 'ORDER BY profile_id')).columns[0]!.values as Float64Array;
const contentIds = (await readTable(session, tables.catalog!.source, [tables.catalog!.columns[0]!], '', 'ORDER BY content_id')).columns[0]!.values as Float64Array;
const profileIndex = buildIdIndex(profileIds, true).index;
const contentIndex = buildIdIndex(contentIds, true).index;
const joined = `SELECT pi.p, ci.c, CAST(floor(epoch_ms(pl.ts) / 86400000) AS INTEGER) AS d, CAST(pl.watch_seconds AS INTEGER) AS w
  FROM ${from} pl JOIN profile_index pi ON pi.profile_id = pl.profile_id JOIN content_index ci ON ci.content_id = pl.content_id WHERE pl.${where}`;

const steps: [string, () => Promise<void>][] = [
  ['scan', () => session.run(`SELECT count(*), sum(c0), sum(c1), sum(c2), sum(c3) FROM (SELECT ${plays.columns.map((b, i) => `${b.sql} AS c${i}`).join(', ')} FROM ${from} WHERE ${where})`)],
  ['join', () => session.run(`SELECT count(*), sum(p), sum(c), sum(d), sum(w) FROM (${joined})`)],
  ['join+sort', () => session.run(`CREATE OR REPLACE TEMP TABLE sorted AS ${joined} ORDER BY p`)],
  ['stream', async () => void (await session.stream(`SELECT ${select} FROM ${from} WHERE ${where}`, () => undefined))],
  [
    'stream+js',
    async () => {
      const p = new Int32Array(2048);
      const c = new Int32Array(2048);
      await session.stream(`SELECT ${select} FROM ${from} WHERE ${where}`, (chunk) => {
        lookupIds(profileIndex, chunk.f64(0), p, chunk.size);
        lookupIds(contentIndex, chunk.f64(1), c, chunk.size);
      });
    },
  ],
];
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
for (const [name, step] of steps) {
  const times: number[] = [];
  for (let r = 0; r < Number(values.repeats); r++) {
    const t = performance.now();
    await step();
    times.push(performance.now() - t);
  }
  console.log(`${name.padEnd(10)} ${median(times).toFixed(0)} ms`);
}
session.close();
