/**
 * Reference implementation, pool scenarios (SPEC §5): trending, cluster_discovery, avod — boosts,
 * category filters, min_viewers, pool_size, windows, watched and recently-sent exclusions.
 */
import { join } from 'node:path';
import { describe, it } from 'vitest';
import { expectEqual } from '../support/expect-equal.js';
import { tempDir } from '../support/temp-dir.js';
import { runReference } from './reference-campaign.js';
import type { ReferenceSend, ScenarioRow } from './reference-campaign.js';
import { D, ago, config, day, merge, top, viewers, writeDataset } from './fixtures.js';
import type { Dataset } from './fixtures.js';

describe('reference: trending', () => {
  const dir = join(tempDir('reference-trending-'), 'data');
  // Shows: 1 drama, 2 comedy, 3 holiday (smallest episode 30 is holiday), 4 drama, 5 kids,
  // 6 drama but expired on D (unavailable), 7 drama (smallest episode 70 is drama, 71 holiday).
  const base: Dataset = {
    catalog: [
      { content_id: 11, show_id: 1, category: 'drama' },
      { content_id: 21, show_id: 2, category: 'comedy' },
      { content_id: 31, show_id: 3, category: 'drama' },
      { content_id: 30, show_id: 3, category: 'holiday' },
      { content_id: 41, show_id: 4, category: 'drama' },
      { content_id: 51, show_id: 5, category: 'kids' },
      { content_id: 61, show_id: 6, category: 'drama', expiry_date: D },
      { content_id: 71, show_id: 7, category: 'holiday' },
      { content_id: 70, show_id: 7, category: 'drama' },
    ],
    accounts: [
      { account_id: 1 }, { account_id: 2 }, { account_id: 3, country: 'FR' }, { account_id: 4, country: 'ZZ' }, { account_id: 5 },
      { account_id: 900 }, { account_id: 901, country: 'DE' },
    ],
    profiles: [
      { profile_id: 1, account_id: 1 },
      { profile_id: 2, account_id: 2 },
      { profile_id: 3, account_id: 3 },
      { profile_id: 4, account_id: 4 },
      { profile_id: 5, account_id: 5 },
    ],
    plays: [
      { profile_id: 2, content_id: 11, ts: ago(60) }, // profile 2 watched show 1 (history window, outside trending window)
    ],
    regions: [['US', 'na'], ['FR', 'eu'], ['DE', 'eu']],
  };
  const data = merge(
    base,
    viewers(1000, 5, 900, 11, ago(1)), // show 1: 5 viewers
    viewers(1010, 3, 900, 21, ago(3)), // show 2: 3 + 1 below
    viewers(1013, 1, 900, 21, ago(7, '00:00:00')), // exactly D−7 00:00: inside the 7-day window
    viewers(1020, 3, 900, 30, ago(2)), // show 3: 3 viewers (via the holiday episode)
    viewers(1030, 2, 900, 41, ago(2)), // show 4: 2 viewers
    viewers(1032, 1, 900, 41, ago(8, '23:59:59.999')), // outside the window
    viewers(1033, 1, 900, 41, `${D} 00:00:00`), // on D: ignored
    viewers(1040, 3, 900, 51, ago(4)), // show 5: 3 viewers
    viewers(1050, 6, 900, 61, ago(1)), // show 6: unavailable
    viewers(1060, 3, 900, 71, ago(5)), // show 7: 3 viewers, category drama
    viewers(1070, 2, 900, 41, ago(1), { country: 'FR' }), // eu: profile country overrides account US
    viewers(1080, 1, 901, 41, ago(1)), // eu through the account country DE
  );
  data.plays.push({ profile_id: 1030, content_id: 41, ts: ago(1), watch_seconds: 59 }); // short: not counted (still 1 viewer)
  data.plays.push({ profile_id: 1034, content_id: 41, ts: ago(1), watch_seconds: 59 }); // short, unknown profile anyway
  const written = writeDataset(dir, data);
  const run = async (patch: Record<string, unknown>, extraSends?: ReferenceSend[]): Promise<ScenarioRow[]> => {
    await written;
    const result = await runReference({ dataDir: dir, date: D, config: config(patch), threads: 1, extraSends });
    return result.scenarios.trending;
  };
  const trending = (patch: Record<string, unknown>): Record<string, unknown> => ({ scenarios: { trending: patch } });

  it('ranks by boosted viewer count, then show_id; excludes watched and unavailable shows', async () => {
    const rows = await run({ boosts: { holiday: 2 } });
    expectEqual(top(rows, 1), [[3, 6], [1, 5], [2, 4], [5, 3], [7, 3]], 'profile 1');
    expectEqual(top(rows, 2), [[3, 6], [2, 4], [5, 3], [7, 3]], 'profile 2 (watched show 1)');
    expectEqual(top(rows, 3), [[4, 3]], 'profile 3 (eu)');
    expectEqual(top(rows, 4), [], 'profile 4 (default region, no pool)');
    expectEqual(rows.every((r) => r.profile_id < 1000), true, 'kids viewers get no rows');
    expectEqual(rows.map((r) => r.profile_id), [...rows.map((r) => r.profile_id)].sort((a, b) => a - b), 'sorted by profile_id');
  });

  it('scores are float64 count × boost', async () => {
    const rows = await run({ boosts: { holiday: 1.1, comedy: 0.5 } });
    expectEqual(top(rows, 1), [[1, 5], [3, 3 * 1.1], [5, 3], [7, 3], [2, 2]], 'profile 1');
    expectEqual(3 * 1.1 === 3.3, false, 'the test really checks float64 arithmetic');
  });

  it('min_viewers and pool_size cut the pool before the per-profile exclusions', async () => {
    expectEqual(top(await run({ boosts: { holiday: 2 }, ...trending({ min_viewers: 2 }) }), 2), [[3, 6], [2, 4], [5, 3], [7, 3], [4, 2]], 'min_viewers 2');
    const cut = await run({ boosts: { holiday: 2 }, ...trending({ pool_size: 2 }) });
    expectEqual(top(cut, 1), [[3, 6], [1, 5]], 'pool_size 2, profile 1');
    expectEqual(top(cut, 2), [[3, 6]], 'pool_size 2, profile 2 gets only what is left of the pool');
    expectEqual(top(await run({ ...trending({ min_viewers: 4 }) }), 1), [[1, 5], [2, 4]], 'min_viewers 4');
  });

  it('category filters', async () => {
    const inc = await run({ boosts: { holiday: 2 }, ...trending({ include_categories: ['drama', 'comedy'] }) });
    expectEqual(top(inc, 1), [[1, 5], [2, 4], [7, 3]], 'include');
    expectEqual(top(inc, 3), [[4, 3]], 'include, eu');
    const exc = await run({ boosts: { holiday: 2 }, ...trending({ exclude_categories: ['drama'] }) });
    expectEqual(top(exc, 1), [[3, 6], [2, 4], [5, 3]], 'exclude');
    expectEqual(top(exc, 3), [], 'exclude, eu');
  });

  it('a disabled scenario produces nothing', async () => {
    expectEqual(await run(trending({ enabled: false })), [], 'rows');
  });

  it('recently sent: send_date in [D − dedup_window_days, D), from the sends table and the ledger', async () => {
    const sends: ReferenceSend[] = [
      { send_date: day(28), account_id: 5, profile_id: 5, show_id: 3, scenario: 'trending' }, // exactly 28 days: excluded
      { send_date: day(29), account_id: 5, profile_id: 5, show_id: 1, scenario: 'trending' }, // 29 days: outside
      { send_date: D, account_id: 5, profile_id: 5, show_id: 2, scenario: 'trending' }, // on D: not yet a send
      { send_date: day(1), account_id: 5, profile_id: 1, show_id: 5, scenario: 'trending' }, // another profile of nobody: profile 1
    ];
    const rows = await run({ boosts: { holiday: 2 } }, sends);
    expectEqual(top(rows, 5), [[1, 5], [2, 4], [5, 3], [7, 3]], 'profile 5, 28-day window');
    expectEqual(top(rows, 1), [[3, 6], [1, 5], [2, 4], [7, 3]], 'profile 1: matched by profile_id');
    const wider = await run({ boosts: { holiday: 2 }, dedup_window_days: 29 }, sends);
    expectEqual(top(wider, 5), [[2, 4], [5, 3], [7, 3]], 'profile 5, 29-day window');
  });
});

describe('reference: cluster_discovery', () => {
  const dir = join(tempDir('reference-cluster-'), 'data');
  const base: Dataset = {
    catalog: [1, 2, 3, 4, 5].map((s) => ({ content_id: s * 10 + 1, show_id: s })),
    accounts: [{ account_id: 1 }, { account_id: 2 }, { account_id: 900 }],
    profiles: [
      { profile_id: 1, account_id: 1, cluster_id: 10 },
      { profile_id: 2, account_id: 1, cluster_id: 20 },
      { profile_id: 3, account_id: 2, cluster_id: null },
      { profile_id: 4, account_id: 2, cluster_id: 10, status: 'inactive' },
    ],
    plays: [
      { profile_id: 4, content_id: 11, ts: ago(3) }, // an inactive profile of cluster 10 still counts: show 1 has 3 viewers
      { profile_id: 1, content_id: 41, ts: ago(3) }, // profile 1 watched show 4
    ],
    regions: [['US', 'na']],
  };
  const data = merge(
    base,
    viewers(1000, 2, 900, 11, ago(20), { cluster_id: 10 }),
    viewers(1010, 4, 900, 21, ago(28, '00:00:00'), { cluster_id: 10 }), // first instant of the 28-day window
    viewers(1020, 3, 900, 51, ago(29, '23:00:00'), { cluster_id: 10 }), // outside
    viewers(1030, 3, 900, 41, ago(2), { cluster_id: 10 }),
    viewers(1040, 3, 900, 31, ago(2), { cluster_id: 20 }),
  );
  const written = writeDataset(dir, data);
  const run = async (patch: Record<string, unknown>): Promise<ScenarioRow[]> => {
    await written;
    return (await runReference({ dataDir: dir, date: D, config: config(patch), threads: 1 })).scenarios.cluster_discovery;
  };

  it('pools per cluster over the 28-day window; null cluster gets nothing', async () => {
    const rows = await run({});
    // cluster 10: show 2 (4), show 1 (3: two kids + the inactive profile), show 4 (3+1=4 with profile 1).
    expectEqual(top(rows, 1), [[2, 4], [1, 3]], 'profile 1 (watched show 4)');
    expectEqual(top(rows, 2), [[3, 3]], 'profile 2, cluster 20');
    expectEqual(top(rows, 3), [], 'profile 3, no cluster');
    expectEqual(top(rows, 4), [], 'inactive profile');
  });

  it('window_days and min_viewers are per scenario', async () => {
    const rows = await run({ scenarios: { cluster_discovery: { window_days: 30, min_viewers: 4 } } });
    expectEqual(top(rows, 1), [[2, 4]], 'show 5 has 3 viewers over 30 days, below 4');
    const wide = await run({ scenarios: { cluster_discovery: { window_days: 30 } } });
    expectEqual(top(wide, 1), [[2, 4], [1, 3], [5, 3]], '30-day window');
  });
});

describe('reference: avod', () => {
  const dir = join(tempDir('reference-avod-'), 'data');
  const base: Dataset = {
    catalog: [
      { content_id: 11, show_id: 1, avod: true },
      { content_id: 21, show_id: 2, avod: false },
      { content_id: 22, show_id: 2, avod: true, expiry_date: day(1) }, // expired: show 2 is not AVOD-available
      { content_id: 31, show_id: 3, avod: true },
      { content_id: 32, show_id: 3, avod: false },
      { content_id: 41, show_id: 4, avod: true, release_date: day(-1) }, // not yet released
      { content_id: 91, show_id: 9 },
    ],
    accounts: [
      { account_id: 1, plan: 'avod' },
      { account_id: 2, plan: 'svod' }, // no plays: hibernating
      { account_id: 3, plan: 'svod' }, // recent plays: promising
      { account_id: 900, plan: 'avod' },
      { account_id: 901, plan: 'svod' },
    ],
    profiles: [
      { profile_id: 1, account_id: 1 },
      { profile_id: 2, account_id: 2 },
      { profile_id: 3, account_id: 3 },
    ],
    plays: [{ profile_id: 3, content_id: 91, ts: ago(1) }],
    regions: [['US', 'na']],
  };
  const data = merge(
    base,
    viewers(1000, 3, 900, 11, ago(20)), // show 1: 3 avod-plan viewers
    viewers(1010, 5, 900, 21, ago(2)), // show 2: not AVOD-available
    viewers(1020, 4, 900, 31, ago(27)), // show 3: 4
    viewers(1030, 3, 900, 41, ago(2)), // show 4: unreleased
    viewers(1040, 5, 901, 11, ago(2)), // svod-plan viewers do not count
  );
  const written = writeDataset(dir, data);
  const run = async (patch: Record<string, unknown>): Promise<ScenarioRow[]> => {
    await written;
    return (await runReference({ dataDir: dir, date: D, config: config(patch), threads: 1 })).scenarios.avod;
  };

  it('AVOD-available shows ranked by viewers of AVOD-plan accounts, for avod-treatment accounts only', async () => {
    const rows = await run({});
    expectEqual(top(rows, 1), [[3, 4], [1, 3]], 'avod plan');
    expectEqual(top(rows, 2), [], 'svod plan');
    expectEqual(rows.length, 2, 'row count');
  });

  it('avod_segments give svod accounts the avod treatment', async () => {
    const rows = await run({ selection: { avod_segments: ['hibernating'] } });
    expectEqual(top(rows, 2), [[3, 4], [1, 3]], 'hibernating svod account');
    expectEqual(top(rows, 3), [], 'promising svod account');
  });
});
