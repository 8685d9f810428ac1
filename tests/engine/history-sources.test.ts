/**
 * The dedup history read two ways (issue 11): accepted sends in the delivery ledger (its columnar
 * copies) or the same rows as the dataset's `sends` table must select exactly the same; and the
 * run id follows the ledger's content through the per-date digests, without hashing rows.
 */
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'vitest';
import { DuckDBInstance } from '@duckdb/node-api';
import { SCENARIOS } from '../../engine/config/config-types.js';
import { formatDay, parseDay } from '../../engine/dates.js';
import { runCampaign } from '../../engine/run-campaign.js';
import { generateDataset } from '../../bench/workloads/generate/generate-dataset.js';
import { DateLedger, readAcceptedSends } from '../../io/ledger/index.js';
import { writeParquet } from '../../io/parquet/index.js';
import type { ParquetField } from '../../io/parquet/index.js';
import { expectEqual } from '../support/expect-equal.js';
import { buildAcceptedLedger } from '../support/accepted-ledger.js';
import { readRunOutputs } from '../support/read-run-outputs.js';
import { tempDir } from '../support/temp-dir.js';

const D = '2026-11-22';
const DAYS = 3;

test('the same history selects the same, given as ledger or as sends table; one altered accepted send changes the run id', async () => {
  const dir = tempDir();
  const data = join(dir, 'data');
  await generateDataset({ profiles: 3000, seed: 11, date: D, outDir: data });
  const day1 = await runCampaign({ dataDir: data, date: D, outDir: join(dir, 'day1'), workers: 2 });
  const stateDir = join(dir, 'state');
  await buildAcceptedLedger(day1.outputDir, stateDir, D, DAYS);
  const accepted = await readAcceptedSends(stateDir);
  assert.ok(accepted.length > 500, `${accepted.length} accepted sends`);

  // The same rows as a `sends` table: a directory holding the dataset's own file and the ledger's rows.
  const asTable = join(dir, 'data-sends');
  mkdirSync(join(asTable, 'sends'), { recursive: true });
  for (const name of readdirSync(data)) if (name !== 'sends.parquet') symlinkSync(join(data, name), join(asTable, name));
  copyFileSync(join(data, 'sends.parquet'), join(asTable, 'sends', 'part-0.parquet'));
  const fields: ParquetField[] = [
    { name: 'send_date', type: 'date', nullable: false },
    { name: 'account_id', type: 'int64', nullable: false },
    { name: 'profile_id', type: 'int64', nullable: false },
    { name: 'show_id', type: 'int64', nullable: false },
    { name: 'scenario', type: 'string', nullable: false },
  ];
  const columns = [accepted.map((s) => parseDay(s.send_date)), accepted.map((s) => s.account_id), accepted.map((s) => s.profile_id), accepted.map((s) => s.show_id), accepted.map((s) => s.scenario)];
  await writeParquet(join(asTable, 'sends', 'part-1.parquet'), fields, columns.map((values) => ({ values })), accepted.length);

  const viaLedger = await runCampaign({ dataDir: data, date: D, outDir: join(dir, 'via-ledger'), stateDir, workers: 2 });
  const viaTable = await runCampaign({ dataDir: asTable, date: D, outDir: join(dir, 'via-table'), stateDir: join(dir, 'no-state'), workers: 2 });
  const a = await readRunOutputs(viaLedger.outputDir);
  const b = await readRunOutputs(viaTable.outputDir);
  for (const s of SCENARIOS) expectEqual(a.scenarios[s], b.scenarios[s], `${s} rows`);
  expectEqual(a.selection, b.selection, 'selection rows');
  expectEqual(viaLedger.counts['sends']!['in_dedup_window'], viaTable.counts['sends']!['in_dedup_window'], 'rows in the dedup window');
  const day1Out = await readRunOutputs(day1.outputDir);
  assert.notDeepEqual(a.selection, day1Out.selection, 'the history changes the selection');

  // A ledger compacted before snapshot headers named each date's scenarios reads the same.
  for (const date of readdirSync(join(stateDir, 'ledger')).filter((name) => /^\d{4}-\d{2}-\d{2}$/.test(name))) {
    const path = join(stateDir, 'ledger', date, 'snapshot.tsv');
    const text = readFileSync(path, 'utf8');
    const newline = text.indexOf('\n');
    const header = JSON.parse(text.slice(0, newline)) as { history: { scenarios?: string[] } };
    assert.ok(Array.isArray(header.history.scenarios), `${date}: the header names its scenarios`);
    delete header.history.scenarios;
    writeFileSync(path, JSON.stringify(header) + text.slice(newline));
  }
  const viaOldLedger = await runCampaign({ dataDir: data, date: D, outDir: join(dir, 'via-old-ledger'), stateDir, workers: 2 });
  const c = await readRunOutputs(viaOldLedger.outputDir);
  for (const s of SCENARIOS) expectEqual(c.scenarios[s], a.scenarios[s], `${s} rows, headers without scenarios`);
  expectEqual(c.selection, a.selection, 'selection rows, headers without scenarios');
  expectEqual(viaOldLedger.runId, viaLedger.runId, 'the run id does not depend on the header naming scenarios');

  // Alter one accepted send (its show) through the ledger's own API: the run id must follow.
  const date = formatDay(parseDay(D) - 1);
  const ledger = await DateLedger.open(stateDir, date, 'write');
  const row = ledger.table.accountIds.indexOf(accepted.find((s) => s.send_date === date)!.account_id);
  ledger.table.setInfo(row, { profile_id: ledger.table.profileIds[row]!, show_id: ledger.table.showIds[row]! + 1, scenario: ledger.table.scenarios[row]!, crm_id: ledger.table.crmIds[row]! });
  await ledger.compact();
  await ledger.close();
  const again = await runCampaign({ dataDir: data, date: D, outDir: join(dir, 'via-ledger-2'), stateDir, workers: 2 });
  assert.notEqual(again.runId, viaLedger.runId, 'one altered accepted send changes the run id');
  const unchanged = await runCampaign({ dataDir: data, date: D, outDir: join(dir, 'via-ledger-3'), stateDir, workers: 1 });
  expectEqual(unchanged.runId, again.runId, 'the same ledger gives the same run id');
});

test('the tombstone purge rewrites only the ledger dates holding a tombstoned row, and none when no row matches', async () => {
  const dir = tempDir();
  const data = join(dir, 'data');
  await generateDataset({ profiles: 2000, seed: 12, date: D, outDir: data });
  const instance = await DuckDBInstance.create(':memory:');
  const db = await instance.connect();
  const tombstoned = Number((await db.runAndReadAll(`SELECT min(account_id) FROM read_parquet('${join(data, 'tombstones.parquet')}') WHERE account_id IS NOT NULL`)).getRowsJS()[0]![0]);
  db.closeSync();
  instance.closeSync();
  const stateDir = join(dir, 'state');
  const dates = [1, 2, 3].map((k) => formatDay(parseDay(D) - k));
  for (const [k, date] of dates.entries()) {
    // Only the second date holds a record of the tombstoned account.
    const accounts = k === 1 ? [tombstoned, 1e12 + 1] : [1e12 + 1, 1e12 + 2];
    const ledger = await DateLedger.open(stateDir, date, 'write');
    await ledger.register(accounts.map((a) => ({ account_id: a, profile_id: a + 1, show_id: 1, scenario: 'trending', crm_id: `crm-${a}` })));
    await ledger.write([{ op: 'send', ids: accounts }, { op: 'accept', ids: accounts }]);
    await ledger.compact();
    await ledger.close();
  }
  const snapshot = (date: string): string => join(stateDir, 'ledger', date, 'snapshot.tsv');
  const stamp = (): number[] => dates.map((d) => statSync(snapshot(d)).mtimeMs);
  const before = stamp();
  const first = await runCampaign({ dataDir: data, date: D, outDir: join(dir, 'out'), stateDir, workers: 1 });
  expectEqual(first.counts['ledger'], { purged_by_tombstones: 1 });
  const after = stamp();
  expectEqual([after[0] === before[0], after[1] === before[1], after[2] === before[2]], [true, false, true], 'only the date with the tombstoned row is rewritten');
  assert.equal(readFileSync(snapshot(dates[1]!), 'utf8').includes(`crm-${tombstoned}\t`), false, 'the row is gone from the snapshot');

  // The next night nothing matches any more: no date is rewritten.
  const second = await runCampaign({ dataDir: data, date: D, outDir: join(dir, 'out-2'), stateDir, workers: 1 });
  expectEqual(second.counts['ledger'], { purged_by_tombstones: 0 });
  expectEqual(stamp(), after, 'no date rewritten');
});
