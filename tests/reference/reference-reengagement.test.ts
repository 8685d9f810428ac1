/** Reference implementation, re_engagement (SPEC §5): candidates, the ×2 rule, boosts, dedup, filters. */
import { join } from 'node:path';
import { describe, it } from 'vitest';
import { expectEqual } from '../support/expect-equal.js';
import { tempDir } from '../support/temp-dir.js';
import { runReference } from './reference-campaign.js';
import type { ScenarioRow } from './reference-campaign.js';
import { D, ago, config, day, top, writeDataset } from './fixtures.js';
import type { Dataset, Episode } from './fixtures.js';

describe('reference: re_engagement', () => {
  const dir = join(tempDir('reference-reengagement-'), 'data');
  const ep = (content_id: number, show_id: number, release_date = '2026-01-01', extra: Partial<Episode> = {}): Episode => ({ content_id, show_id, release_date, ...extra });
  const data: Dataset = {
    catalog: [
      ep(1001, 100), ep(1002, 100, day(3)), ep(1003, 100, day(10)), // new episode 1002 unplayed → ×2
      ep(2001, 200), ep(2002, 200), // 2002 only played short
      ep(3001, 300), // everything played: not a candidate
      ep(4001, 400), ep(4002, 400, day(7)), ep(4003, 400, day(1)), // 4002 released exactly D−7: new; 4003 new and unplayed
      ep(5001, 500), ep(5002, 500, D), // released on D: available, not "last 7 days"
      ep(6001, 600), ep(6002, 600, '2026-01-01', { expiry_date: D }), // unplayed episode expired: not a candidate
      ep(7001, 700, '2026-01-01', { category: 'holiday' }), ep(7002, 700, day(2)),
      ep(8001, 800), ep(8002, 800, day(1)), ep(8003, 800), // the new episode was played: no ×2
      ep(9001, 900), ep(9002, 900, day(2), { expiry_date: day(1) }), ep(9003, 900), // new but unavailable: no ×2
      ep(10001, 1000, day(-1)), ep(10002, 1000), // unplayed episode not released yet: not a candidate
      ep(11001, 1100), ep(11002, 1100), // only played before the history window
    ],
    accounts: [{ account_id: 1 }],
    profiles: [
      { profile_id: 1, account_id: 1 },
      { profile_id: 2, account_id: 1, is_kids: true },
    ],
    plays: [
      { profile_id: 1, content_id: 1001, ts: ago(5), watch_seconds: 1000 },
      { profile_id: 1, content_id: 1003, ts: ago(4), watch_seconds: 500 },
      { profile_id: 1, content_id: 1002, ts: `${D} 00:00:00`, watch_seconds: 9999 }, // on D: ignored
      { profile_id: 1, content_id: 2001, ts: ago(50), watch_seconds: 2000 },
      { profile_id: 1, content_id: 2002, ts: ago(1), watch_seconds: 59 }, // short: not played
      { profile_id: 1, content_id: 3001, ts: ago(2), watch_seconds: 600 },
      { profile_id: 1, content_id: 4001, ts: ago(6), watch_seconds: 100 },
      { profile_id: 1, content_id: 4002, ts: ago(5), watch_seconds: 70 }, // two plays of one of the two new episodes
      { profile_id: 1, content_id: 4002, ts: ago(4), watch_seconds: 70 },
      { profile_id: 1, content_id: 5001, ts: ago(6), watch_seconds: 300 },
      { profile_id: 1, content_id: 6001, ts: ago(6), watch_seconds: 400 },
      { profile_id: 1, content_id: 7001, ts: ago(6), watch_seconds: 1000 },
      { profile_id: 1, content_id: 8001, ts: ago(20), watch_seconds: 3000 },
      { profile_id: 1, content_id: 8001, ts: ago(21), watch_seconds: 2000 },
      { profile_id: 1, content_id: 8002, ts: ago(1), watch_seconds: 100 },
      { profile_id: 1, content_id: 9001, ts: ago(9), watch_seconds: 800 },
      { profile_id: 1, content_id: 10002, ts: ago(9), watch_seconds: 700 },
      { profile_id: 1, content_id: 11001, ts: ago(91, '23:59:59.999'), watch_seconds: 9999 },
      { profile_id: 2, content_id: 1001, ts: ago(5), watch_seconds: 5000 }, // kids: no rows
    ],
    regions: [['US', 'na']],
    sends: [
      { send_date: day(28), account_id: 1, profile_id: 1, show_id: 800, scenario: 're_engagement' }, // exactly 28 days: excluded
      { send_date: day(29), account_id: 1, profile_id: 1, show_id: 100, scenario: 're_engagement' }, // 29 days: not excluded
      { send_date: D, account_id: 1, profile_id: 1, show_id: 200, scenario: 're_engagement' }, // on D: not excluded
    ],
  };
  const noSendsDir = join(dir, '..', 'nosends');
  const { sends, ...withoutSends } = data;
  const written = Promise.all([writeDataset(dir, data), writeDataset(noSendsDir, withoutSends)]);
  const run = async (patch: Record<string, unknown>, withSends = false): Promise<ScenarioRow[]> => {
    await written;
    const dataDir = withSends ? dir : noSendsDir;
    return (await runReference({ dataDir, date: D, config: config(patch), threads: 1 })).scenarios.re_engagement;
  };

  it('candidates, base watch seconds and the ×2 rule', async () => {
    const rows = await run({});
    // 800: 5000+100 (new ep played) · 100: (1000+500)×2 · 200: 2000 · 700: 1000×2 · 900: 800 · 400: (100+70+70)×2 · 500: 300
    expectEqual(top(rows, 1), [[800, 5100], [100, 3000], [200, 2000], [700, 2000], [900, 800]], 'profile 1');
    expectEqual(top(rows, 2), [], 'kids profile');
  });

  it('score = (base × 2|1) × boost in float64', async () => {
    const rows = await run({ boosts: { drama: 1.1, holiday: 2.3 } });
    expectEqual(top(rows, 1), [[800, 5100 * 1.1], [700, 2000 * 2.3], [100, 3000 * 1.1], [200, 2000 * 1.1], [900, 800 * 1.1]], 'boosted');
    expectEqual(3000 * 1.1, 3300.0000000000005, 'the boost really exercises float64 rounding');
  });

  it('category filters apply to re_engagement', async () => {
    expectEqual(top(await run({ scenarios: { re_engagement: { exclude_categories: ['holiday'] } } }), 1), [[800, 5100], [100, 3000], [200, 2000], [900, 800], [400, 480]], 'exclude');
    expectEqual(top(await run({ scenarios: { re_engagement: { include_categories: ['holiday'] } } }), 1), [[700, 2000]], 'include');
    expectEqual(await run({ scenarios: { re_engagement: { enabled: false } } }), [], 'disabled');
  });

  it('recently sent shows are excluded: 28 days back inclusive, not on D', async () => {
    expectEqual(sends!.length, 3, 'sends in the dataset');
    expectEqual(top(await run({}, true), 1), [[100, 3000], [200, 2000], [700, 2000], [900, 800], [400, 480]], '28-day window');
    expectEqual(top(await run({ dedup_window_days: 29 }, true), 1), [[200, 2000], [700, 2000], [900, 800], [400, 480], [500, 300]], '29-day window');
  });
});
