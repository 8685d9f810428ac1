import assert from 'node:assert/strict';
import { cpSync, mkdirSync, readdirSync, readFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'vitest';
import { parseDay } from '../../../../engine/dates.js';
import { buildCampaignReport } from '../../../../engine/report/build-campaign-report.js';
import { runCampaign } from '../../../../engine/run-campaign.js';
import { generateDataset } from '../../../../bench/workloads/generate/generate-dataset.js';
import { simulateOutcomes } from '../../../../bench/workloads/outcomes/simulate-outcomes.js';
import { ago, config, D, writeDataset } from '../../../reference/fixtures.js';
import type { Dataset } from '../../../reference/fixtures.js';
import { describe, query } from '../../../io/parquet/duckdb-query.js';
import { expectEqual } from '../../../support/expect-equal.js';
import { tempDir } from '../../../support/temp-dir.js';

const MS_PER_DAY = 86_400_000;
const D1 = '2026-11-23';
const root = tempDir('outcomes-');
const data = join(root, 'data');
const out = join(root, 'out');
const generated = (async () => {
  await generateDataset({ profiles: 3000, seed: 11, date: D, outDir: data, playsFiles: 2 });
  await runCampaign({ dataDir: data, date: D, outDir: out, workers: 0 });
})();
// Awaited by each test; this only keeps a failure from counting as unhandled before that.
generated.catch(() => undefined);

test('outcome plays: deterministic, of arm accounts, conversions in the window and well above min_play', async () => {
  await generated;
  const copy = join(root, 'copy');
  cpSync(data, copy, { recursive: true });
  const options = { outDir: out, date: D, uplift: 0.4, baseRate: 0.2, windowDays: 5, seed: 3 };
  const summary = await simulateOutcomes({ ...options, dataDir: data });
  await simulateOutcomes({ ...options, dataDir: copy });
  const file = join(data, 'plays', `outcomes-${D}.parquet`);
  expectEqual(summary.file, file);
  expectEqual(readFileSync(join(copy, 'plays', `outcomes-${D}.parquet`)).equals(readFileSync(file)), true, 'same seed, same file');
  expectEqual(readdirSync(join(data, 'plays')).sort(), [`outcomes-${D}.parquet`, 'part-00000.parquet', 'part-00001.parquet']);
  // The same ts type as the generator's files, so DuckDB reads the directory as one table.
  const part = await describe(join(data, 'plays', 'part-00000.parquet'));
  expectEqual(await describe(file), { profile_id: 'BIGINT', content_id: 'BIGINT', ts: part['ts']!, watch_seconds: 'INTEGER' });

  const start = parseDay(D) * MS_PER_DAY;
  const windowEnd = start + 5 * MS_PER_DAY;
  // Every play is by a profile of an arm account, between D and one day after the window.
  const [[rows, outsideArms, first, last, atWindowEnd]] = await query(`
    WITH arms AS (SELECT account_id FROM read_parquet('${join(out, D, 'selection.parquet')}') WHERE status IN ('send', 'holdout')),
    p AS (SELECT profile_id, account_id FROM read_parquet('${join(data, 'profiles.parquet')}')),
    o AS (SELECT * FROM read_parquet('${file}'))
    SELECT count(*), count(*) FILTER (WHERE p.account_id IS NULL OR p.account_id NOT IN (SELECT account_id FROM arms)),
      min(epoch_ms(ts)), max(epoch_ms(ts)), count(*) FILTER (WHERE epoch_ms(ts) = ${windowEnd})
    FROM o LEFT JOIN p USING (profile_id)`);
  expectEqual([rows, outsideArms], [summary.rows, 0]);
  assert.ok((first as number) >= start && (last as number) < windowEnd + MS_PER_DAY, `plays from ${first} to ${last}`);
  assert.ok((atWindowEnd as number) >= 1, 'a play exactly at the end of the window');
  expectEqual(summary.conversion_plays > 0 && summary.noise_plays > 0, true);
  // Plays of the account's recommended show are either short (noise) or ≥ min_play_seconds + 300.
  const [[recommended, borderline]] = await query(`
    WITH sel AS (SELECT account_id, show_id FROM read_parquet('${join(out, D, 'selection.parquet')}') WHERE status IN ('send', 'holdout')),
    o AS (SELECT * FROM read_parquet('${file}'))
    SELECT count(*), count(*) FILTER (WHERE o.watch_seconds >= 60 AND o.watch_seconds < 360)
    FROM o JOIN read_parquet('${join(data, 'profiles.parquet')}') p USING (profile_id)
    JOIN read_parquet('${join(data, 'catalog.parquet')}') c ON c.content_id = o.content_id
    JOIN sel ON sel.account_id = p.account_id AND sel.show_id = c.show_id`);
  assert.ok((recommended as number) >= summary.conversion_plays, `${recommended} plays of recommended shows`);
  expectEqual(borderline, 0);
  expectEqual(summary.window, { from: D, to: '2026-11-27' });

  // The report with the same window finds exactly the conversions the simulator made.
  const report = await buildCampaignReport({ outDir: out, dataDir: data, from: D, to: D, windowDays: 5, minAccounts: 10 });
  const lift = report.dates[0]!.lift;
  expectEqual(
    [lift.sent.accounts, lift.sent.conversions, lift.holdout.accounts, lift.holdout.conversions],
    [summary.send.accounts, summary.send.already_converted + summary.send.simulated_conversions, summary.holdout.accounts, summary.holdout.already_converted + summary.holdout.simulated_conversions],
  );
});

test('refuses to simulate twice, without a run, with a single plays file, or with impossible rates', async () => {
  await generated;
  const base = { dataDir: data, outDir: out, date: D, uplift: 0.3 };
  await assert.rejects(simulateOutcomes(base), /outcomes-2026-11-22\.parquet already exists: outcomes of 2026-11-22 were simulated already/);
  await assert.rejects(simulateOutcomes({ ...base, date: '2026-11-23' }), /no published run for 2026-11-23 under .*out; run 'campaign run --date 2026-11-23' first/);
  await assert.rejects(simulateOutcomes({ ...base, baseRate: 0.8, uplift: 0.5 }), /base rate × \(1 \+ uplift\) = 1\.2.* is not a probability/);
  await assert.rejects(simulateOutcomes({ ...base, uplift: -2 }), /uplift must be a number ≥ −1/);
  await assert.rejects(simulateOutcomes({ ...base, baseRate: 0 }), /base rate must be in \(0, 1\]/);
  await assert.rejects(simulateOutcomes({ ...base, windowDays: 0 }), /window days must be a whole number from 1 to 365/);
  const single = join(root, 'single');
  await generateDataset({ profiles: 50, seed: 1, date: D, outDir: single });
  await assert.rejects(simulateOutcomes({ ...base, dataDir: single }), /plays is the single file plays\.parquet; outcomes are added as another file of a plays\/ directory \(generate with --plays-files 2 or more/);
});

test('simulating the next day leaves the previous day exactly as it was', async () => {
  await generated;
  const options = { dataDir: data, outDir: out, windowDays: 5, minAccounts: 10 };
  const before = await buildCampaignReport({ ...options, from: D, to: D });
  // Without delivery's dedup, most accounts are recommended the same show again on D + 1.
  await runCampaign({ dataDir: data, date: D1, outDir: out, workers: 0 });
  const next = await simulateOutcomes({ dataDir: data, outDir: out, date: D1, uplift: 0.4, baseRate: 0.2, windowDays: 5, seed: 3 });
  const after = await buildCampaignReport({ ...options, from: D, to: D1 });
  expectEqual(after.dates[0], before.dates[0]);
  const lift = after.dates[1]!.lift;
  expectEqual(
    [lift.sent.conversions, lift.holdout.conversions],
    [next.send.already_converted + next.send.simulated_conversions, next.holdout.already_converted + next.holdout.simulated_conversions],
  );
  // D's conversions carry over into D + 1's window (same show): that is what the top-up accounts for.
  assert.ok(next.send.already_converted > before.dates[0]!.lift.sent.conversions / 2, `${next.send.already_converted} carried over`);
});

test('epoch-millisecond plays get an epoch-millisecond outcome file; base rate 1 converts every account', async () => {
  const dir = join(root, 'epoch');
  const dataset: Dataset = {
    catalog: [{ content_id: 11, show_id: 1 }, { content_id: 12, show_id: 1 }, { content_id: 21, show_id: 2 }],
    accounts: [1, 2, 3, 4, 5].map((a) => ({ account_id: a })),
    profiles: [1, 2, 3, 4, 5].flatMap((a) => [{ profile_id: a * 10 + 1, account_id: a }, { profile_id: a * 10 + 2, account_id: a, is_kids: true }]),
    plays: [1, 2, 3, 4, 5].map((a) => ({ profile_id: a * 10 + 1, content_id: 11, ts: ago(2) })),
    regions: [['US', 'north_america']],
  };
  await writeDataset(dir, dataset, { ts: 'epoch_ms' });
  // The layout the error message suggests: plays.parquet moved into plays/.
  mkdirSync(join(dir, 'plays'));
  renameSync(join(dir, 'plays.parquet'), join(dir, 'plays', 'part-00000.parquet'));
  const runs = join(root, 'epoch-out');
  await runCampaign({ dataDir: dir, date: D, outDir: runs, config: config({ holdout: { bps: 5000 } }), workers: 0 });
  const summary = await simulateOutcomes({ dataDir: dir, outDir: runs, date: D, uplift: 0, baseRate: 1 });
  expectEqual((await describe(summary.file))['ts'], 'BIGINT');
  const report = await buildCampaignReport({ outDir: runs, dataDir: dir, from: D, to: D, minAccounts: 1 });
  const lift = report.dates[0]!.lift;
  expectEqual(lift.sent.accounts + lift.holdout.accounts, 5);
  expectEqual([lift.sent.conversions, lift.holdout.conversions], [lift.sent.accounts, lift.holdout.accounts]);
});
