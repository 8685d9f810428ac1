/*
 * Builds the day-29 state of a dataset for the end-to-end benchmark (issue 11): a delivery ledger
 * holding 28 dates of accepted sends at the day's full send volume, written through the ledger's
 * own write API (register → send → accept → compact, as a delivery does), plus the same history
 * as a `sends` table in a sibling dataset directory for the SQL reference.
 *
 *   node dist/bench/day29-history.js --data DIR --date D --work DIR [--days 28]
 *
 * The sends of each date are those of D's own day-1 run (every `send` account, its chosen
 * profile and scenario); the show rotates through the profile's recommendations of all four
 * scenarios, so each date sends a different show, as nightly runs that exclude what was sent do.
 * Writes <work>/state (the ledger) and <work>/data (the dataset with history as `sends`).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { DuckDBInstance } from '@duckdb/node-api';
import { formatDay, parseDay } from '../engine/dates.js';
import { DateLedger } from '../io/ledger/index.js';
import type { RecordInfo } from '../io/ledger/index.js';

const { values } = parseArgs({
  options: {
    data: { type: 'string' },
    date: { type: 'string', default: '2026-11-22' },
    work: { type: 'string' },
    days: { type: 'string', default: '28' },
  },
});
if (values.data === undefined || values.work === undefined) throw new Error('usage: node dist/bench/day29-history.js --data DIR --date D --work DIR [--days 28]');
const data = resolve(values.data);
const work = resolve(values.work);
const days = Number(values.days);
const D = parseDay(values.date);
const cli = resolve('dist/cli/main.js');

rmSync(work, { recursive: true, force: true });
mkdirSync(work, { recursive: true });
const day1 = join(work, 'day1');
const r = spawnSync(process.execPath, [cli, 'run', '--data', data, '--date', values.date, '--out', day1, '--state', join(work, 'day1-state'), '--json'], { encoding: 'utf8', maxBuffer: 1 << 26 });
if (r.status !== 0) throw new Error(`day-1 run failed:\n${r.stderr}`);
const runDir = join(day1, values.date);

const instance = await DuckDBInstance.create(':memory:');
const db = await instance.connect();
// At 10M profiles the lists below hold ~60M rows: without these DuckDB ran out of memory here.
await db.run(`SET preserve_insertion_order = false`);
const q = (path: string): string => `'${path.replaceAll("'", "''")}'`;
// Each send account's row, with the list of shows recommended to its profile over all scenarios;
// only the chosen profiles of send accounts are aggregated.
const reader = await db.runAndReadAll(`
  WITH sent AS (SELECT account_id, profile_id, scenario, crm_id FROM read_parquet(${q(join(runDir, 'selection.parquet'))}) WHERE status = 'send'),
  recs AS (
    SELECT profile_id, list(show_id ORDER BY k, rank) AS shows FROM (
      ${readdirSync(join(runDir, 'scenarios')).map((f, k) => `SELECT profile_id, rank, show_id, ${k} AS k FROM read_parquet(${q(join(runDir, 'scenarios', f))})`).join(' UNION ALL ')}
    ) WHERE profile_id IN (SELECT profile_id FROM sent) GROUP BY profile_id)
  SELECT s.account_id, s.profile_id, s.scenario, s.crm_id, list_distinct(r.shows) AS shows
  FROM sent s JOIN recs r USING (profile_id)
  ORDER BY s.account_id`);
const rows = reader.getRowsJS() as [bigint, bigint, string, string, bigint[]][];
console.log(`${rows.length.toLocaleString('en-US')} send records per date, ${days} dates`);

const stateDir = join(work, 'state');
for (let k = 1; k <= days; k++) {
  const date = formatDay(D - k);
  const infos: RecordInfo[] = rows.map(([account, profile, scenario, crm, shows]) => ({
    account_id: Number(account),
    profile_id: Number(profile),
    show_id: Number(shows[(k - 1) % shows.length]!),
    scenario,
    crm_id: crm,
  }));
  const ids = infos.map((i) => i.account_id);
  const ledger = await DateLedger.open(stateDir, date, 'write');
  await ledger.register(infos);
  await ledger.write([{ op: 'send', ids }]);
  await ledger.write([{ op: 'accept', ids }]);
  await ledger.compact();
  await ledger.close();
  process.stdout.write(`\r${date} written`);
}
process.stdout.write('\n');

// The same history as a `sends` table: the dataset's own sends plus every accepted ledger send.
const sendsData = join(work, 'data');
mkdirSync(sendsData, { recursive: true });
for (const name of readdirSync(data)) if (!name.startsWith('sends')) symlinkSync(join(data, name), join(sendsData, name));
const own = existsSync(join(data, 'sends.parquet')) ? `SELECT send_date, account_id, profile_id, show_id, scenario FROM read_parquet(${q(join(data, 'sends.parquet'))}) UNION ALL ` : '';
const ledgerFiles = readdirSync(join(stateDir, 'history')).filter((f) => f.endsWith('.parquet'));
const ledgerSql = ledgerFiles.map((f) => `SELECT DATE ${q(f.slice(0, 10))} AS send_date, account_id, profile_id, show_id, scenario FROM read_parquet(${q(join(stateDir, 'history', f))}) WHERE accepted`).join(' UNION ALL ');
await db.run(`COPY (${own}${ledgerSql}) TO ${q(join(sendsData, 'sends.parquet'))} (FORMAT parquet)`);
const total = await db.runAndReadAll(`SELECT count(*) FROM read_parquet(${q(join(sendsData, 'sends.parquet'))})`);
console.log(`history as a sends table: ${Number(total.getRowsJS()[0]![0]).toLocaleString('en-US')} rows in ${sendsData}`);
db.closeSync();
instance.closeSync();
rmSync(day1, { recursive: true, force: true });
rmSync(join(work, 'day1-state'), { recursive: true, force: true });
