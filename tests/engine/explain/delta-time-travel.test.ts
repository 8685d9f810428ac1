/**
 * SPEC §2: "the manifest records each Delta table's version, so a past run can be explained or
 * reported on the data it read". A run reads Delta tables; then they move on: the chosen profile
 * of the explained account is deleted by a deletion vector and plays are appended. explain reads
 * the versions the run recorded and agrees with the run; with the versions left out of the
 * manifest (the latest data) it cannot. The report keeps the run's profiles (the deleted
 * profile's account stays in its arm) and reads plays as they are now.
 */
import assert from 'node:assert/strict';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, it } from 'vitest';
import { generateDataset } from '../../../bench/workloads/generate/generate-dataset.js';
import { explainAccount } from '../../../engine/explain/explain-account.js';
import { buildCampaignReport } from '../../../engine/report/build-campaign-report.js';
import { runCampaign } from '../../../engine/run-campaign.js';
import type { RunCampaignResult } from '../../../engine/run-campaign.js';
import { query } from '../../io/parquet/duckdb-query.js';
import { DeltaTableWriter, SPEC_FIELDS, deletionVectorFile, removeOf } from '../../../bench/workloads/delta/delta-writer.js';
import type { AddAction } from '../../../bench/workloads/delta/delta-writer.js';
import { expectEqual } from '../../support/expect-equal.js';
import { tempDir } from '../../support/temp-dir.js';

const D = '2026-11-22';
const root = tempDir('delta-time-travel-');
const base = join(root, 'base');
const lake = join(root, 'lake');
const out = join(root, 'out');
let run: RunCampaignResult;
let account = 0;
let profile = 0;


let profiles: DeltaTableWriter;
let plays: DeltaTableWriter;
let profilesFile: AddAction;

beforeAll(async () => {
  await generateDataset({ profiles: 1500, seed: 4, date: D, outDir: base, playsFiles: 2 });
  profiles = new DeltaTableWriter(join(lake, 'profiles'), { sql: query, fields: SPEC_FIELDS.profiles });
  profilesFile = await profiles.dataFile('p.parquet', `SELECT * FROM read_parquet('${base}/profiles.parquet') ORDER BY profile_id`);
  profiles.commit([{ add: profilesFile }]);
  plays = new DeltaTableWriter(join(lake, 'plays'), { sql: query, fields: SPEC_FIELDS.plays });
  plays.commit([{ add: await plays.dataFile('part-0.parquet', `SELECT * FROM read_parquet('${base}/plays/*.parquet')`) }]);
  for (const t of ['catalog', 'accounts', 'regions', 'sends', 'tombstones']) cpSync(join(base, `${t}.parquet`), join(lake, `${t}.parquet`));
  run = await runCampaign({ dataDir: lake, date: D, outDir: out, workers: 1 });

  // The explained account: one with a send whose chosen profile is then deleted.
  const [row] = await query(`SELECT account_id, profile_id FROM read_parquet('${run.outputDir}/selection.parquet') WHERE status = 'send' ORDER BY account_id LIMIT 1`);
  [account, profile] = [row![0] as number, row![1] as number];
  const [[position]] = await query(`SELECT file_row_number FROM read_parquet('${join(profiles.dir, 'p.parquet')}') WHERE profile_id = ${profile}`);
  const [dv] = deletionVectorFile(profiles.dir, [[position as number]]);
  profiles.commit([removeOf(profilesFile), { add: { ...profilesFile, deletionVector: dv! } }]);
  // Plays after the run: the chosen show of every sent account, watched on D by its chosen profile.
  plays.commit([
    {
      add: await plays.dataFile(
        'part-1.parquet',
        `SELECT s.profile_id, min(c.content_id)::INTEGER AS content_id, TIMESTAMPTZ '${D} 12:00:00+00' AS ts, 3600 AS watch_seconds
         FROM read_parquet('${run.outputDir}/selection.parquet') s JOIN read_parquet('${base}/catalog.parquet') c ON c.show_id = s.show_id
         WHERE s.status IN ('send', 'holdout') GROUP BY s.profile_id`,
      ),
    },
  ]);
});

describe('explain and report on a past run read the Delta versions it read', () => {
  it('the manifest records the versions; explain agrees with the run after the tables moved on', async () => {
    expectEqual(JSON.parse(readFileSync(join(run.outputDir, 'manifest.json'), 'utf8')).inputs.delta.profiles.version, 0);
    const explanation = await explainAccount({ outDir: out, date: D, accountId: account });
    expectEqual({ discrepancies: explanation.discrepancies, warnings: explanation.warnings }, { discrepancies: [], warnings: [] });
  });

  it('without the recorded versions the latest data is read, and the explanation no longer agrees', async () => {
    const manifestFile = join(run.outputDir, 'manifest.json');
    const original = readFileSync(manifestFile, 'utf8');
    const manifest = JSON.parse(original) as { inputs: { delta?: unknown } };
    delete manifest.inputs.delta;
    writeFileSync(manifestFile, JSON.stringify(manifest));
    try {
      const outcome = await explainAccount({ outDir: out, date: D, accountId: account }).then(
        (e) => [...e.discrepancies, ...e.warnings].length,
        () => 1,
      );
      assert.ok(outcome > 0, 'the latest data must not explain the run cleanly');
    } finally {
      writeFileSync(manifestFile, original);
    }
  });

  it("the report keeps the run's profiles and counts conversions in the plays added since", async () => {
    const report = await buildCampaignReport({ outDir: out, dataDir: lake, from: D, to: D, windowDays: 1 });
    const date = report.dates[0]!;
    expectEqual(date.lift.sent.accounts, run.counts['status']!['send']!, 'every sent account is in the arm, the one whose profile was deleted since too');
    expectEqual(date.lift.sent.conversions, date.lift.sent.accounts, 'each converted through the plays appended after the run');
  });
});
