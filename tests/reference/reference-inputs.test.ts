/**
 * Reference implementation, phase 1 and input handling (SPEC §2–§4): tombstones, eligibility reasons,
 * regions, timestamp encodings (TIMESTAMP ms/us/ns, WITH TIME ZONE, INT64 epoch ms), Hive directories,
 * window boundaries to the millisecond and ids up to 2^53.
 */
import { join } from 'node:path';
import { describe, it } from 'vitest';
import { expectEqual } from '../support/expect-equal.js';
import { tempDir } from '../support/temp-dir.js';
import { runReference, runReferenceToParquet, runReferenceWithCounts } from './reference-campaign.js';
import type { ReferenceResult, SelectionRow } from './reference-campaign.js';
import { D, ago, config, day, merge, top, viewers, writeDataset } from './fixtures.js';
import type { Dataset, TsEncoding } from './fixtures.js';
import { DuckDBInstance } from '@duckdb/node-api';

describe('reference: tombstones', () => {
  const dir = join(tempDir('reference-tombstones-'), 'data');
  const data: Dataset = merge({
    catalog: [{ content_id: 11, show_id: 1 }, { content_id: 21, show_id: 2 }, { content_id: 31, show_id: 3 }, { content_id: 91, show_id: 9 }, { content_id: 92, show_id: 9 }],
    accounts: [1, 2, 3, 4, 900, 901].map((account_id) => ({ account_id })),
    profiles: [
      { profile_id: 11, account_id: 1 },
      { profile_id: 21, account_id: 2 }, { profile_id: 22, account_id: 2 },
      { profile_id: 31, account_id: 3 },
      { profile_id: 41, account_id: 4 },
    ],
    plays: [
      { profile_id: 21, content_id: 91, ts: ago(1), watch_seconds: 100 },
      { profile_id: 22, content_id: 91, ts: ago(1), watch_seconds: 5000 }, // tombstoned: would be the primary profile
      { profile_id: 22, content_id: 11, ts: ago(1) }, { profile_id: 31, content_id: 11, ts: ago(1) }, // would lift show 1 to 4 viewers
    ],
    regions: [['US', 'na']],
    sends: [
      { send_date: day(1), account_id: 2, profile_id: 22, show_id: 999 }, { send_date: day(2), account_id: 2, profile_id: 22, show_id: 999 }, // purged
      { send_date: day(1), account_id: 4, profile_id: 41, show_id: 999 }, { send_date: day(2), account_id: 4, profile_id: 41, show_id: 999 },
      { send_date: day(1), account_id: 3, profile_id: 31, show_id: 999 },
    ],
    tombstones: [{ profile_id: 1002 }, { account_id: 901 }, { profile_id: 22 }, { account_id: 3 }, { account_id: null, profile_id: null }, { profile_id: 77777 }],
  },
  viewers(1000, 3, 900, 11, ago(1)), // one of them tombstoned: 2 viewers (+ 2 tombstoned profiles) → not in the pool
  viewers(1010, 3, 901, 21, ago(1)), // whole account tombstoned
  viewers(1020, 3, 900, 31, ago(1)));
  const written = writeDataset(dir, data);

  it('tombstoned profiles and accounts vanish: plays, rows, selection and sends', async () => {
    await written;
    const { result, counts } = await runReferenceWithCounts({ dataDir: dir, date: D, config: config({ holdout: { bps: 0 }, selection: { max_sends_7d: 2 } }), threads: 1 });
    expectEqual(result.scenarios.trending.map((r) => [r.profile_id, r.show_id]), [[11, 3], [21, 3], [41, 3]], 'trending');
    expectEqual(result.scenarios.re_engagement.map((r) => [r.profile_id, r.show_id, r.score]), [[21, 9, 100]], 're_engagement');
    const row = (account_id: number, profile_id: number, rfm_segment: string, scenario: string, show_id: number, status: string): SelectionRow =>
      ({ account_id, profile_id, crm_id: `crm-${account_id}`, rfm_segment, treatment: 'svod', scenario, show_id, status });
    expectEqual(result.selection, [
      row(1, 11, 'hibernating', 'trending', 3, 'send'),
      row(2, 21, 'promising', 're_engagement', 9, 'send'), // the sends of profile 22 were purged: not capped
      row(4, 41, 'hibernating', 'trending', 3, 'frequency_capped'),
    ], 'selection');
    expectEqual([counts.removedProfiles, counts.removedAccounts], [6, 2], '[removed profiles, removed accounts]');
  });
});

describe('reference: eligibility and regions', () => {
  const dir = join(tempDir('reference-eligibility-'), 'data');
  const data: Dataset = merge({
    catalog: [{ content_id: 11, show_id: 1 }, { content_id: 21, show_id: 2 }],
    accounts: [
      { account_id: 1 }, { account_id: 5, crm_id: null }, { account_id: 6, crm_id: '' }, { account_id: 7, push_opt_in: false },
      { account_id: 10, country: 'ZZ' }, { account_id: 900 },
    ],
    profiles: [
      { profile_id: 1, account_id: 1 },
      { profile_id: 2, account_id: 1, status: 'paused' },
      { profile_id: 3, account_id: 1, is_kids: true },
      { profile_id: 4, account_id: 999 },
      { profile_id: 5, account_id: 5 },
      { profile_id: 6, account_id: 6 },
      { profile_id: 7, account_id: 7 },
      { profile_id: 8, account_id: 999, status: 'inactive', is_kids: true }, // first failing reason: inactive
      { profile_id: 9, account_id: 7, is_kids: true }, // kids before no_consent
      { profile_id: 10, account_id: 10 }, // region: default
    ],
    plays: [],
    regions: [['US', 'na']],
  },
  viewers(1000, 2, 900, 11, ago(1)),
  viewers(1100, 1, 998, 11, ago(1), { is_kids: false, country: 'US' }), // orphan viewer in na: show 1 has 3 viewers
  viewers(1200, 3, 998, 21, ago(1), { is_kids: false }), // orphans without a country: default region
  );
  const written = writeDataset(dir, data);

  it('only eligible profiles get rows; the first failing reason is counted; ineligible viewers count', async () => {
    await written;
    const { result, counts } = await runReferenceWithCounts({ dataDir: dir, date: D, config: config(), threads: 1 });
    expectEqual(result.scenarios.trending.map((r) => [r.profile_id, r.show_id]), [[1, 1], [10, 2]], 'trending');
    expectEqual(counts.ineligible, { inactive: 2, kids: 4, orphan: 5, no_crm_id: 2, no_consent: 1 }, 'ineligible by reason');
    expectEqual(result.selection.map((s) => [s.account_id, s.profile_id]), [[1, 1], [10, 10]], 'selection');
    const elsewhere = await runReference({ dataDir: dir, date: D, config: config({ default_region: 'elsewhere' }), threads: 1 });
    expectEqual(top(elsewhere.scenarios.trending, 10), [[2, 3]], 'a renamed default region still groups the unmapped countries');
    const na = await runReference({ dataDir: dir, date: D, config: config({ default_region: 'na' }), threads: 1 });
    expectEqual([top(na.scenarios.trending, 1), top(na.scenarios.trending, 10)], [[[1, 3], [2, 3]], [[1, 3], [2, 3]]], 'default region named like a mapped one is that region');
  });
});

describe('reference: input encodings', () => {
  const root = tempDir('reference-inputs-');
  const big = Number.MAX_SAFE_INTEGER; // 2^53 − 1
  const data: Dataset = merge({
    catalog: [{ content_id: 11, show_id: 1 }, { content_id: 21, show_id: 2 }, { content_id: 31, show_id: 3 }, { content_id: 32, show_id: 3 }],
    accounts: [{ account_id: 1 }, { account_id: big - 1 }, { account_id: 900 }],
    profiles: [{ profile_id: 1, account_id: 1 }, { profile_id: big, account_id: big - 1 }],
    plays: [
      { profile_id: 1, content_id: 31, ts: ago(90, '00:00:00.000'), watch_seconds: 700 }, // first instant of the history window
      { profile_id: big, content_id: 31, ts: ago(91, '23:59:59.999'), watch_seconds: 700 }, // last instant before it
    ],
    regions: [['US', 'na']],
  },
  viewers(1000, 1, 900, 11, ago(7, '00:00:00.000')), // first instant of trending's window
  viewers(1001, 2, 900, 11, ago(1)),
  viewers(1010, 1, 900, 21, ago(8, '23:59:59.999')), // just outside
  viewers(1011, 2, 900, 21, ago(1)),
  viewers(1013, 1, 900, 21, `${D} 00:00:00.000`)); // on D: ignored
  const encodings: [TsEncoding, boolean | 'plays.parquet'][] = [
    ['timestamp', false], ['timestamp_ns', false], ['timestamptz', false], ['epoch_ms', false], ['epoch_ms', true], ['timestamp', true], ['timestamptz', 'plays.parquet'],
  ];
  const written = Promise.all(encodings.map(([ts, playsAsDirectory]) => writeDataset(join(root, `${ts}-${playsAsDirectory}`), data, { ts, playsAsDirectory })));
  const expected = (): ReferenceResult => ({
    scenarios: {
      cluster_discovery: [],
      re_engagement: [{ profile_id: 1, rank: 1, show_id: 3, score: 700 }],
      trending: [{ profile_id: 1, rank: 1, show_id: 1, score: 3 }, { profile_id: big, rank: 1, show_id: 1, score: 3 }],
      avod: [],
    },
    selection: [
      // 90 days since the last play: prefers cluster_discovery (none), falls back to re_engagement.
      { account_id: 1, profile_id: 1, crm_id: 'crm-1', rfm_segment: 'hibernating', treatment: 'svod', scenario: 're_engagement', show_id: 3, status: 'send' },
      { account_id: big - 1, profile_id: big, crm_id: `crm-${big - 1}`, rfm_segment: 'hibernating', treatment: 'svod', scenario: 'trending', show_id: 1, status: 'send' },
    ],
  });

  for (const [ts, playsAsDirectory] of encodings) {
    const layout = playsAsDirectory === false ? '' : `, plays as a Hive-style directory ${playsAsDirectory === true ? 'plays/' : 'plays.parquet/'}`;
    it(`plays.ts as ${ts}${layout}: windows to the millisecond`, async () => {
      await written;
      const dataDir = join(root, `${ts}-${playsAsDirectory}`);
      const result = await runReference({ dataDir, date: D, config: config({ holdout: { bps: 0 } }), threads: 1 });
      expectEqual(result, expected(), ts);
    });
  }

  it('the Parquet writer emits the SPEC §10 files and types', async () => {
    await written;
    const out = join(root, 'out');
    const timings = await runReferenceToParquet({ dataDir: join(root, 'epoch_ms-true'), date: D, config: config({ holdout: { bps: 0 } }), threads: 1, outDir: out });
    expectEqual(timings.steps.length > 10, true, 'timed steps');
    const instance = await DuckDBInstance.create(':memory:', { threads: '1' });
    const conn = await instance.connect();
    const types = async (file: string): Promise<string[]> =>
      (await conn.runAndReadAll(`DESCRIBE SELECT * FROM read_parquet('${join(out, file)}')`)).getRowObjectsJS().map((r) => `${String(r['column_name'])} ${String(r['column_type'])}`);
    expectEqual(await types('scenarios/trending.parquet'), ['profile_id BIGINT', 'rank INTEGER', 'show_id BIGINT', 'score DOUBLE'], 'scenario schema');
    expectEqual(await types('selection.parquet'), ['account_id BIGINT', 'profile_id BIGINT', 'crm_id VARCHAR', 'rfm_segment VARCHAR', 'treatment VARCHAR', 'scenario VARCHAR', 'show_id BIGINT', 'status VARCHAR'], 'selection schema');
    const trending = (await conn.runAndReadAll(`SELECT CAST(profile_id AS DOUBLE), rank FROM read_parquet('${join(out, 'scenarios/trending.parquet')}')`)).getRowsJS();
    expectEqual(trending, [[1, 1], [big, 1]], 'trending rows');
    conn.closeSync();
    instance.closeSync();
  });

  it('a missing required column is an error naming it', async () => {
    const dir = join(root, 'bad');
    await writeDataset(dir, { ...data, plays: [] });
    const instance = await DuckDBInstance.create(':memory:', { threads: '1' });
    const conn = await instance.connect();
    await conn.run(`COPY (SELECT 1 AS account_id, 'c' AS crm_id, 'svod' AS plan, true AS push_opt_in) TO '${join(dir, 'accounts.parquet')}' (FORMAT parquet)`);
    conn.closeSync();
    instance.closeSync();
    let message = '';
    await runReference({ dataDir: dir, date: D, config: config(), threads: 1 }).catch((err: unknown) => {
      message = (err as Error).message;
    });
    expectEqual(message, `reference: accounts: required column 'country' is missing`, 'error');
  });
});
