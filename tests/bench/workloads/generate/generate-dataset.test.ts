import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, test } from 'vitest';
import { generateDataset, type GenerateSummary } from '../../../../bench/workloads/generate/generate-dataset.js';
import { expectEqual } from '../../../support/expect-equal.js';
import { tempDir } from '../../../support/temp-dir.js';
import { queryDataset, type DatasetQuery, type Row } from './dataset-query.js';

const D = "DATE '2026-11-22'";
const D0 = "TIMESTAMPTZ '2026-11-22 00:00:00+00'";
const out = join(tempDir(), 'dataset');
let summary: GenerateSummary;
let db: DatasetQuery;
const sql = (text: string): Promise<Row[]> => db.sql(text);
/** The single value of a one-row, one-column query. */
const value = async (text: string): Promise<unknown> => Object.values((await sql(text))[0]!)[0];

beforeAll(async () => {
  summary = await generateDataset({ profiles: 2000, seed: 7, date: '2026-11-22', outDir: out });
  db = await queryDataset(out);
  // Plays the engine counts (SPEC §3): long enough, known content and profile, before D.
  await sql(`CREATE VIEW counted AS SELECT * FROM 'plays.parquet'
    WHERE watch_seconds >= 60 AND ts < ${D0}
      AND content_id IN (SELECT content_id FROM 'catalog.parquet') AND profile_id IN (SELECT profile_id FROM 'profiles.parquet')`);
  await sql(`CREATE VIEW available AS SELECT * FROM 'catalog.parquet' WHERE release_date <= ${D} AND (expiry_date IS NULL OR expiry_date > ${D})`);
});

afterAll(() => db.close());

const SCHEMA: Record<string, [string, string, boolean][]> = {
  catalog: [
    ['content_id', 'INTEGER', false], ['season_id', 'INTEGER', false], ['show_id', 'BIGINT', false], ['show_title', 'VARCHAR', false],
    ['category', 'VARCHAR', false], ['release_date', 'DATE', false], ['expiry_date', 'DATE', true], ['avod', 'BOOLEAN', false],
  ],
  accounts: [['account_id', 'BIGINT', false], ['crm_id', 'VARCHAR', true], ['plan', 'VARCHAR', false], ['country', 'VARCHAR', false], ['push_opt_in', 'BOOLEAN', false]],
  profiles: [
    ['profile_id', 'BIGINT', false], ['account_id', 'BIGINT', false], ['is_kids', 'BOOLEAN', false], ['status', 'VARCHAR', false],
    ['cluster_id', 'BIGINT', true], ['country', 'VARCHAR', true],
  ],
  plays: [['profile_id', 'BIGINT', false], ['content_id', 'INTEGER', false], ['ts', 'TIMESTAMP WITH TIME ZONE', false], ['watch_seconds', 'INTEGER', false]],
  regions: [['country', 'VARCHAR', false], ['region', 'VARCHAR', false]],
  sends: [['send_date', 'DATE', false], ['account_id', 'BIGINT', false], ['profile_id', 'BIGINT', false], ['show_id', 'BIGINT', false], ['scenario', 'VARCHAR', false]],
  tombstones: [['account_id', 'BIGINT', true], ['profile_id', 'BIGINT', true]],
};

test('every table has the SPEC §2 columns, types and nullability', async () => {
  for (const [table, columns] of Object.entries(SCHEMA)) {
    const described = await sql(`DESCRIBE SELECT * FROM '${table}.parquet'`);
    expectEqual(described.map((r) => [r['column_name'], r['column_type']]), columns.map(([name, type]) => [name, type]), `${table} columns`);
    const repetition = await sql(`SELECT name, repetition_type FROM parquet_schema('${table}.parquet') WHERE name <> 'schema'`);
    expectEqual(repetition.map((r) => [r['name'], r['repetition_type']]), columns.map(([name, , nullable]) => [name, nullable ? 'OPTIONAL' : 'REQUIRED']), `${table} nullability`);
  }
  const ts = await sql(`SELECT logical_type FROM parquet_schema('plays.parquet') WHERE name = 'ts'`);
  assert.match(String(ts[0]!['logical_type']), /MILLIS/);
});

test('dataset.json records the parameters and the row counts of every file', async () => {
  const manifest = JSON.parse(readFileSync(join(out, 'dataset.json'), 'utf8')) as { seed: number; date: string; profiles: number; playsFiles: number; rows: Record<string, number> };
  expectEqual([manifest.seed, manifest.date, manifest.profiles, manifest.playsFiles], [7, '2026-11-22', 2000, 1]);
  expectEqual(manifest.rows, summary.rows);
  for (const table of Object.keys(SCHEMA)) expectEqual(await value(`SELECT count(*) FROM '${table}.parquet'`), manifest.rows[table], `${table} rows`);
  assert.equal(manifest.rows['profiles'], 2000);
  const perProfile = manifest.rows['plays']! / 2000;
  assert.ok(perProfile > 20 && perProfile < 40, `${perProfile} plays per profile`);
});

test('ids are unique, large, non-contiguous and not sorted in file order', async () => {
  for (const [table, id] of [['accounts', 'account_id'], ['profiles', 'profile_id'], ['catalog', 'content_id']]) {
    const [r] = await sql(`SELECT count(*) = count(DISTINCT ${id}) AS uniq, max(${id}) - min(${id}) + 1 > count(*) AS gaps FROM '${table}.parquet'`);
    expectEqual([r!['uniq'], r!['gaps']], [true, true], `${table}.${id}`);
  }
  assert.ok(Number(await value(`SELECT count(*) FROM 'accounts.parquet' WHERE account_id > 4294967296`)) > 0);
  assert.ok(Number(await value(`SELECT count(*) FROM 'profiles.parquet' WHERE profile_id > 4294967296`)) > 0);
  const ascending = await value(`SELECT count(*) FILTER (WHERE d > 0) / count(*) FROM (SELECT account_id - lag(account_id) OVER () AS d FROM 'accounts.parquet')`);
  assert.ok(Number(ascending) < 0.6, `share of ascending neighbours ${ascending}`);
});

test('households exercise every eligibility reason', async () => {
  const [r] = await sql(`SELECT
      count(*) FILTER (WHERE is_kids) AS kids,
      count(*) FILTER (WHERE status <> 'active') AS inactive,
      count(*) FILTER (WHERE a.account_id IS NULL) AS orphans,
      count(*) FILTER (WHERE a.crm_id IS NULL) AS null_crm,
      count(*) FILTER (WHERE a.crm_id = '') AS empty_crm,
      count(*) FILTER (WHERE NOT a.push_opt_in) AS no_consent,
      count(*) FILTER (WHERE status = 'active' AND NOT is_kids AND a.crm_id <> '' AND a.push_opt_in) AS eligible
    FROM 'profiles.parquet' p LEFT JOIN 'accounts.parquet' a USING (account_id)`);
  for (const [reason, count] of Object.entries(r!)) assert.ok(Number(count) > 0, `no ${reason} profiles`);
  assert.ok(Number(r!['eligible']) > 1000, `only ${r!['eligible']} eligible`);
  const sizes = await sql(`SELECT n FROM (SELECT account_id, count(*) AS n FROM 'profiles.parquet' GROUP BY 1) GROUP BY n ORDER BY n`);
  expectEqual(sizes.map((s) => s['n']), [1, 2, 3, 4, 5]);
  assert.ok(Number(await value(`SELECT count(*) FROM 'accounts.parquet' ANTI JOIN 'profiles.parquet' USING (account_id)`)) > 0, 'no account without profiles');
  expectEqual((await sql(`SELECT DISTINCT plan FROM 'accounts.parquet' ORDER BY 1`)).map((p) => p['plan']), ['avod', 'svod']);
});

test('countries map to regions, with unmapped countries and profile overrides', async () => {
  const [g] = await sql(`SELECT count(DISTINCT country) AS countries, count(DISTINCT region) AS regions FROM 'regions.parquet'`);
  assert.ok(Number(g!['countries']) >= 20 && Number(g!['countries']) <= 40);
  assert.ok(Number(g!['regions']) >= 6 && Number(g!['regions']) <= 10);
  assert.ok(Number(await value(`SELECT count(*) FROM 'accounts.parquet' WHERE country NOT IN (SELECT country FROM 'regions.parquet')`)) > 0);
  const own = Number(await value(`SELECT count(country) / count(*) FROM 'profiles.parquet'`));
  assert.ok(own > 0 && own < 0.2, `share of profiles with their own country ${own}`);
  const nullClusters = Number(await value(`SELECT count(*) FILTER (WHERE cluster_id IS NULL) / count(*) FROM 'profiles.parquet'`));
  assert.ok(nullClusters > 0.003 && nullClusters < 0.04, `share of null clusters ${nullClusters}`);
});

test('the catalog has future, new, expired, expiring and AVOD content', async () => {
  const [r] = await sql(`SELECT
      count(*) FILTER (WHERE release_date > ${D}) AS future,
      count(*) FILTER (WHERE release_date >= ${D} - 7 AND release_date < ${D}) AS new_last_week,
      count(*) FILTER (WHERE expiry_date <= ${D}) AS expired,
      count(*) FILTER (WHERE expiry_date > ${D}) AS expiring,
      count(*) FILTER (WHERE avod) AS avod,
      count(DISTINCT category) AS categories,
      count(DISTINCT show_id) AS shows
    FROM 'catalog.parquet'`);
  for (const [what, count] of Object.entries(r!)) assert.ok(Number(count) > 0, `no ${what}`);
  assert.ok(Number(r!['categories']) >= 8);
  const span = await value(`SELECT max(release_date) - min(release_date) FROM 'catalog.parquet'`);
  assert.ok(Number(span) > 3 * 365, `releases span ${span} days`);
  // Some shows are entirely unavailable on D, most are available, some AVOD-available.
  const [s] = await sql(`SELECT count(*) AS shows,
      count(*) FILTER (WHERE show_id IN (SELECT show_id FROM available)) AS available,
      count(*) FILTER (WHERE show_id IN (SELECT show_id FROM available WHERE avod)) AS avod_available
    FROM (SELECT DISTINCT show_id FROM 'catalog.parquet')`);
  assert.ok(Number(s!['available']) < Number(s!['shows']) && Number(s!['available']) > Number(s!['shows']) / 2);
  assert.ok(Number(s!['avod_available']) > 0);
});

test('every recency band is present, including profiles with no plays at all', async () => {
  const bands = await sql(`SELECT CASE WHEN last IS NULL THEN 'none' WHEN last >= ${D0} - INTERVAL 7 DAY THEN '1-7'
        WHEN last >= ${D0} - INTERVAL 30 DAY THEN '8-30' WHEN last >= ${D0} - INTERVAL 90 DAY THEN '31-90' ELSE '>90' END AS band, count(*) AS n
      FROM (SELECT profile_id, max(c.ts) AS last FROM 'profiles.parquet' LEFT JOIN counted c USING (profile_id) GROUP BY 1)
      GROUP BY 1 ORDER BY 1`);
  expectEqual(bands.map((b) => b['band']), ['1-7', '31-90', '8-30', '>90', 'none']);
  for (const b of bands) assert.ok(Number(b['n']) >= 40, `band ${b['band']}: ${b['n']} profiles`);
  assert.ok(Number(await value(`SELECT count(*) FROM 'profiles.parquet' ANTI JOIN 'plays.parquet' USING (profile_id)`)) > 0, 'every profile has plays');
});

test('plays include the noise the engine must drop', async () => {
  const [r] = await sql(`SELECT count(*) AS n,
      count(*) FILTER (WHERE watch_seconds < 60) AS short,
      count(*) FILTER (WHERE watch_seconds = 60) AS exactly_60,
      count(*) FILTER (WHERE ts >= ${D0}) AS future,
      count(*) FILTER (WHERE ts < ${D0} - INTERVAL 90 DAY) AS older,
      count(*) FILTER (WHERE content_id NOT IN (SELECT content_id FROM 'catalog.parquet')) AS unknown_content,
      count(*) FILTER (WHERE profile_id NOT IN (SELECT profile_id FROM 'profiles.parquet')) AS unknown_profile
    FROM 'plays.parquet'`);
  for (const [what, count] of Object.entries(r!)) assert.ok(Number(count) > 0, `no ${what} plays`);
  const n = Number(r!['n']);
  const share = (what: string): number => Number(r![what]) / n;
  assert.ok(share('short') > 0.07 && share('short') < 0.13, `short ${share('short')}`);
  assert.ok(share('unknown_content') > 0.002 && share('unknown_content') < 0.01, `unknown content ${share('unknown_content')}`);
  assert.ok(share('unknown_profile') > 0.0005 && share('unknown_profile') < 0.005, `unknown profile ${share('unknown_profile')}`);
});

test('activity is heavy-tailed and viewing is episodic', async () => {
  const [r] = await sql(`SELECT quantile_cont(n, 0.5) AS median, max(n) AS top, avg(n) AS mean FROM (SELECT profile_id, count(*) AS n FROM counted GROUP BY 1)`);
  assert.ok(Number(r!['top']) > 10 * Number(r!['median']), `median ${r!['median']}, max ${r!['top']}`);
  const binge = await value(`SELECT count(*) FROM (SELECT profile_id, show_id FROM counted JOIN 'catalog.parquet' USING (content_id)
      GROUP BY 1, 2 HAVING count(DISTINCT content_id) >= 3)`);
  assert.ok(Number(binge) > 500, `${binge} profile/show pairs with 3+ episodes`);
});

test('scenario pools can fill: cluster, region and AVOD viewers reach min_viewers', async () => {
  const pooled = async (group: string, days: number, filter = 'TRUE'): Promise<number> =>
    Number(await value(`SELECT count(*) FROM (SELECT ${group}, c.show_id FROM counted p
        JOIN 'catalog.parquet' c USING (content_id)
        JOIN 'profiles.parquet' pr USING (profile_id)
        LEFT JOIN 'accounts.parquet' a USING (account_id)
        WHERE p.ts >= ${D0} - INTERVAL ${days} DAY AND ${filter}
        GROUP BY ALL HAVING count(DISTINCT p.profile_id) >= 3)`));
  assert.ok((await pooled('pr.cluster_id', 28)) > 50);
  assert.ok((await pooled('coalesce(pr.country, a.country)', 7)) > 50);
  assert.ok((await pooled('coalesce(pr.country, a.country)', 28, `a.plan = 'avod' AND c.show_id IN (SELECT show_id FROM available WHERE avod)`)) > 10);
  // Cluster rankings differ: not every cluster has the same most-watched show.
  const tops = await value(`SELECT count(DISTINCT top) FROM (SELECT cluster_id, arg_max(show_id, n) AS top FROM (
      SELECT pr.cluster_id, c.show_id, count(DISTINCT p.profile_id) AS n FROM counted p JOIN 'catalog.parquet' c USING (content_id)
      JOIN 'profiles.parquet' pr USING (profile_id) WHERE pr.cluster_id IS NOT NULL GROUP BY ALL) GROUP BY 1)`);
  assert.ok(Number(tops) > 1);
});

test('re-engagement candidates include shows with an unwatched episode new this week', async () => {
  const boosted = await value(`WITH watched AS (SELECT DISTINCT profile_id, show_id, content_id FROM counted JOIN 'catalog.parquet' USING (content_id)
      WHERE ts >= ${D0} - INTERVAL 90 DAY)
    SELECT count(*) FROM (SELECT DISTINCT w.profile_id, w.show_id FROM watched w JOIN available e ON e.show_id = w.show_id
      WHERE e.release_date >= ${D} - 7 AND e.release_date < ${D}
        AND NOT EXISTS (SELECT 1 FROM watched x WHERE x.profile_id = w.profile_id AND x.content_id = e.content_id))`);
  assert.ok(Number(boosted) > 10, `${boosted} profile/show pairs with a new unwatched episode`);
});

test('prior sends cover the dedup window, older history and 7-day bursts', async () => {
  const [r] = await sql(`SELECT
      count(*) FILTER (WHERE send_date >= ${D} - 28) AS in_dedup_window,
      count(*) FILTER (WHERE send_date < ${D} - 28) AS older,
      count(*) FILTER (WHERE send_date >= ${D}) AS on_or_after_d,
      count(*) FILTER (WHERE show_id NOT IN (SELECT show_id FROM 'catalog.parquet')) AS unknown_show
    FROM 'sends.parquet'`);
  assert.ok(Number(r!['in_dedup_window']) > 0 && Number(r!['older']) > 0);
  expectEqual([r!['on_or_after_d'], r!['unknown_show']], [0, 0]);
  const scenarios = await sql(`SELECT DISTINCT scenario FROM 'sends.parquet' ORDER BY 1`);
  expectEqual(scenarios.map((s) => s['scenario']), ['avod', 'cluster_discovery', 're_engagement', 'trending']);
  const capped = await value(`SELECT count(*) FROM (SELECT account_id FROM 'sends.parquet' WHERE send_date >= ${D} - 7 GROUP BY 1 HAVING count(*) >= 3)`);
  assert.ok(Number(capped) > 0, 'no account with 3+ sends in the last 7 days');
  // Sends target real profiles of the sending account.
  expectEqual(await value(`SELECT count(*) FROM 'sends.parquet' s ANTI JOIN 'profiles.parquet' p USING (profile_id, account_id)`), 0);
  // Some recent sends hit shows the profile has not watched, so dedup changes what the engine picks.
  const dedupBites = await value(`SELECT count(*) FROM 'sends.parquet' s WHERE send_date >= ${D} - 28
      AND NOT EXISTS (SELECT 1 FROM counted c JOIN 'catalog.parquet' USING (content_id) WHERE c.profile_id = s.profile_id AND show_id = s.show_id)`);
  assert.ok(Number(dedupBites) > 0);
});

test('tombstones delete a few accounts and a few profiles', async () => {
  const [r] = await sql(`SELECT
      count(*) FILTER (WHERE profile_id IS NULL AND account_id IN (SELECT account_id FROM 'accounts.parquet')) AS accounts,
      count(*) FILTER (WHERE account_id IS NULL AND profile_id IN (SELECT profile_id FROM 'profiles.parquet')) AS profiles,
      count(*) AS n
    FROM 'tombstones.parquet'`);
  assert.ok(Number(r!['accounts']) >= 2 && Number(r!['profiles']) >= 3);
  expectEqual(Number(r!['accounts']) + Number(r!['profiles']), r!['n']);
});
