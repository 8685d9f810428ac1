import assert from 'node:assert/strict';
import { join } from 'node:path';
import { beforeAll, test } from 'vitest';
import { runCampaign } from '../../../engine/run-campaign.js';
import { formatExplanation } from '../../../engine/explain/explanation-text.js';
import { explainAccount } from '../../../engine/explain/explain-account.js';
import type { Exclusion, Explanation, ScenarioExplanation } from '../../../engine/explain/explanation.js';
import type { ScenarioName } from '../../../engine/config/config-types.js';
import { Sandbox } from '../../../bench/workloads/index.js';
import { deliverRun } from '../../../engine/delivery/index.js';
import { readAcceptedSends } from '../../../io/ledger/index.js';
import { D, ago, config, day, writeDataset } from '../../reference/fixtures.js';
import type { Dataset, Play } from '../../reference/fixtures.js';
import { fnv1a32 } from '../../reference/reference-campaign.js';
import { expectEqual } from '../../support/expect-equal.js';
import { tempDir } from '../../support/temp-dir.js';

/**
 * One region (na), one cluster (1). Four kids profiles of the AVOD account 20 are the viewers
 * that make the pools; account 10 is the one explained: 101 watched show 1, was sent show 2 (sends
 * table) and show 8 the day before (ledger); 102 watched show 2; 103 is a kids profile, 104 inactive.
 * Show 4 is `kids` (filtered out of trending), 5 expired, 6 has two viewers, 8 has a new episode.
 */
const viewers = [901, 902, 903, 904];
const DATASET: Dataset = {
  catalog: [
    { content_id: 11, show_id: 1, category: 'drama' },
    { content_id: 12, show_id: 1, category: 'drama' },
    { content_id: 21, show_id: 2, category: 'comedy' },
    { content_id: 31, show_id: 3, category: 'drama' },
    { content_id: 41, show_id: 4, category: 'kids', avod: true },
    { content_id: 51, show_id: 5, category: 'drama', expiry_date: day(10) },
    { content_id: 61, show_id: 6, category: 'drama' },
    { content_id: 71, show_id: 7, category: 'documentary', avod: true },
    { content_id: 81, show_id: 8, category: 'drama' },
    { content_id: 82, show_id: 8, category: 'drama', release_date: day(3) },
  ],
  accounts: [
    { account_id: 10, country: 'US' },
    { account_id: 20, plan: 'avod', country: 'US' },
    { account_id: 40, crm_id: null },
    { account_id: 50, push_opt_in: false },
    { account_id: 60 },
  ],
  profiles: [
    { profile_id: 101, account_id: 10, cluster_id: 1 },
    { profile_id: 102, account_id: 10, cluster_id: 1 },
    { profile_id: 103, account_id: 10, cluster_id: 1, is_kids: true },
    { profile_id: 104, account_id: 10, cluster_id: 1, status: 'inactive' },
    { profile_id: 201, account_id: 20, cluster_id: 1 },
    ...viewers.map((profile_id) => ({ profile_id, account_id: 20, cluster_id: 1, is_kids: true })),
    { profile_id: 401, account_id: 40 },
    { profile_id: 501, account_id: 50 },
    { profile_id: 601, account_id: 60 },
    { profile_id: 701, account_id: 70 },
  ],
  plays: [
    ...viewers.flatMap((profile_id) => [11, 21, 31, 41, 51, 71].map((content_id): Play => ({ profile_id, content_id, ts: ago(2) }))),
    { profile_id: 901, content_id: 61, ts: ago(2) },
    { profile_id: 902, content_id: 61, ts: ago(2) },
    { profile_id: 101, content_id: 11, ts: ago(3), watch_seconds: 1200 },
    { profile_id: 101, content_id: 81, ts: ago(5), watch_seconds: 3000 },
    { profile_id: 102, content_id: 21, ts: ago(10), watch_seconds: 600 },
    // Window edges: the first instant of the history window counts, the last instant before it does not;
    // likewise for the 28-day cluster window (show 6 reaches 3 viewers there, not in the 7-day trending one).
    { profile_id: 101, content_id: 31, ts: ago(90, '00:00:00'), watch_seconds: 100 },
    { profile_id: 102, content_id: 71, ts: ago(91, '23:59:59.999'), watch_seconds: 600 },
    { profile_id: 903, content_id: 61, ts: ago(28, '00:00:00') },
    { profile_id: 904, content_id: 61, ts: ago(29, '23:59:59.999') },
    { profile_id: 201, content_id: 41, ts: ago(4), watch_seconds: 900 },
    { profile_id: 401, content_id: 11, ts: ago(4) },
    { profile_id: 501, content_id: 11, ts: ago(4) },
  ],
  regions: [['US', 'na']],
  sends: [
    { send_date: day(5), account_id: 10, profile_id: 101, show_id: 2 },
    { send_date: day(40), account_id: 10, profile_id: 101, show_id: 3 },
  ],
  tombstones: [{ account_id: 60 }],
};

/** A salt under which account 20 is in the holdout and account 10 is not (bps = h(20) + 1). */
function holdoutSplittingAccounts(): { salt: string; bps: number } {
  for (let i = 0; ; i++) {
    const salt = `explain-${i}`;
    const h10 = fnv1a32(`${salt}:10`) % 10000;
    const h20 = fnv1a32(`${salt}:20`) % 10000;
    if (h20 < h10) return { salt, bps: h20 + 1 };
  }
}

const CONFIG = config({
  holdout: holdoutSplittingAccounts(),
  scenarios: { trending: { exclude_categories: ['kids'] }, cluster_discovery: { pool_size: 2 } },
});

const dir = tempDir();
const data = join(dir, 'data');
const out = join(dir, 'out');
const YESTERDAY = day(1);
let ledgerSent: { profile_id: number; show_id: number }[] = [];

beforeAll(async () => {
  await writeDataset(data, DATASET);
  const sandbox = await Sandbox.start();
  const credentials = { accountId: 'SANDBOX-ACCOUNT', passcode: 'sandbox-passcode', endpoint: sandbox.url };
  try {
    // Yesterday's delivery is in the ledger for today's dedup; today's own delivery, made after today's run, must not count.
    await runCampaign({ dataDir: data, date: YESTERDAY, outDir: out, config: CONFIG, workers: 0 });
    await deliverRun({ outDir: out, date: YESTERDAY, credentials });
    ledgerSent = await readAcceptedSends(join(out, 'state'));
    await runCampaign({ dataDir: data, date: D, outDir: out, config: CONFIG, workers: 0 });
    await deliverRun({ outDir: out, date: D, credentials });
  } finally {
    await sandbox.close();
  }
});

function scenario(e: Explanation, profileId: number, name: ScenarioName): ScenarioExplanation {
  return e.profiles.find((p) => p.profileId === profileId)!.scenarios.find((s) => s.scenario === name)!;
}

const shows = (s: ScenarioExplanation): number[] => s.top.map((t) => t.showId);
const excluded = (s: ScenarioExplanation): [number, Exclusion[]][] => s.excluded.map((x) => [x.showId, x.reasons]);
const missed = (s: ScenarioExplanation): [number, string, number][] => s.notInPool.map((m) => [m.showId, m.reason, m.viewers]);

test('explains eligibility, exclusions with their dates and sources, pool misses, the rollup and the selection', async () => {
  expectEqual(ledgerSent.map((s) => [s.profile_id, s.show_id]), [[101, 8]], "yesterday's accepted send");
  const e = await explainAccount({ outDir: out, date: D, accountId: 10 });
  expectEqual(e.discrepancies, [], 'disagreements with the run');
  expectEqual(e.warnings, []);
  expectEqual(
    e.profiles.map((p) => [p.profileId, p.ineligibleReason, p.watchSecondsTotal, p.lastPlayDate, p.daysSinceLastPlay]),
    [
      [101, null, 4300, day(3), 3],
      [102, null, 600, day(10), 10],
      [103, 'kids', 0, null, null],
      [104, 'inactive', 0, null, null],
    ],
  );

  const trending = scenario(e, 101, 'trending');
  expectEqual(trending.pool?.group, 'na');
  expectEqual(excluded(trending), [
    [1, [{ reason: 'watched', lastPlayDate: day(3) }]],
    [2, [{ reason: 'recently_sent', sendDate: day(5), source: 'sends_table' }]],
    [3, [{ reason: 'watched', lastPlayDate: day(90) }]],
  ]);
  expectEqual(shows(trending), [7]);
  expectEqual(missed(trending), [
    [4, 'category_filter', 5],
    [5, 'unavailable', 4],
    [6, 'below_min_viewers', 2],
    [8, 'below_min_viewers', 1],
  ]);
  expectEqual(trending.notInPool.find((m) => m.showId === 6)?.minViewers, 3);

  // pool_size 2 keeps shows 1 and 2 (5 viewers each); 4 ties them but has the larger show_id. Three
  // misses are listed per reason, most viewers first: show 6 (3 viewers, rank 6) is only counted.
  const cluster101 = scenario(e, 101, 'cluster_discovery');
  expectEqual(shows(cluster101), []);
  expectEqual(cluster101.excluded.map((x) => x.showId), [1, 2]);
  expectEqual(cluster101.notInPool.filter((m) => m.reason === 'outside_pool_size').map((m) => [m.showId, m.poolRank]), [[4, 3], [3, 4], [7, 5]]);
  expectEqual(cluster101.notInPoolCounts, { unavailable: 1, outside_pool_size: 4, below_min_viewers: 1 });
  const cluster102 = scenario(e, 102, 'cluster_discovery');
  expectEqual(shows(cluster102), [1]);
  expectEqual(excluded(cluster102), [[2, [{ reason: 'watched', lastPlayDate: day(10) }]]]);

  // Show 8 has a new unplayed episode but went out yesterday (ledger); show 1 still has episode 12 unplayed.
  const reEngagement = scenario(e, 101, 're_engagement');
  expectEqual(excluded(reEngagement), [
    [8, [{ reason: 'recently_sent', sendDate: YESTERDAY, source: 'ledger' }]],
    [3, [{ reason: 'no_unplayed_episode' }]],
  ]);
  expectEqual(reEngagement.top.map((t) => [t.showId, t.score, t.newEpisode]), [[1, 1200, false]]);
  expectEqual(scenario(e, 101, 'avod').notApplied, 'svod_treatment');

  expectEqual(e.rollup.candidates.map((c) => [c.profileId, c.value, c.competes]), [[101, 4300, true], [102, 600, true]]);
  expectEqual(e.rollup.chosenProfileId, 101);
  expectEqual(e.rfm.treatment, 'svod');
  const s = e.selection!;
  expectEqual([s.preferred, s.basisValue, s.scenario, s.showId, s.status], ['re_engagement', 3, 're_engagement', 1, 'send']);
  expectEqual(s.holdoutHash, fnv1a32(`${CONFIG.holdout.salt}:10`) % 10000);
  assert.ok(s.holdoutHash >= s.holdoutBps);
  expectEqual(e.recorded.selection?.showId, 1);
});

test('an AVOD-plan account in the holdout: AVOD pool, the not-AVOD shows it left out, holdout hash below bps', async () => {
  const e = await explainAccount({ outDir: out, date: D, profileId: 201 });
  expectEqual([e.account.accountId, e.focusProfileId, e.discrepancies], [20, 201, []]);
  expectEqual([e.rfm.treatment, e.rfm.treatmentReason], ['avod', 'avod_plan']);
  const avod = scenario(e, 201, 'avod');
  expectEqual(excluded(avod), [[4, [{ reason: 'watched', lastPlayDate: day(4) }]]]);
  expectEqual(shows(avod), [7]);
  expectEqual(missed(avod).filter(([, reason]) => reason === 'not_avod_available').map(([show]) => show), [1, 2, 3]);
  const s = e.selection!;
  expectEqual([s.basis, s.scenario, s.showId, s.status], ['avod_treatment', 'avod', 7, 'holdout']);
  assert.ok(s.holdoutHash < s.holdoutBps);
  // In words: the control group with its share and the hash against it, the AVOD rule, labels not names.
  const text = formatExplanation(e).split('\n');
  expectEqual(text[3], `outcome: Control group — "${e.selection!.title}" (show 7) from AVOD, for profile 201`);
  expectEqual(s.holdoutBps, 708, 'the fixture holds out 7.08%');
  expectEqual(text[4], `  why control group: in the 7.08% control group (hash ${s.holdoutHash.toLocaleString('en-US')} of 10,000 < 708): selected but never sent, so that the report can measure lift`);
  assert.match(text[5]!, /^ {2}why AVOD: ad-supported \(AVOD\) households are only sent AVOD; AVOD had [1-5] shows?$/);
  expectEqual(text[7]!.startsWith('  segment ') && !text[7]!.includes('_'), true, `segment line in words: ${text[7]}`);
  expectEqual(text[8], '  treatment Ad-supported (AVOD) (AVOD plan)');
});

test('accounts whose profiles are all ineligible do not reach rollup, and the run agrees', async () => {
  for (const [accountId, reason] of [[40, 'no_crm_id'], [50, 'no_consent']] as const) {
    const e = await explainAccount({ outDir: out, date: D, accountId });
    expectEqual([e.profiles.map((p) => p.ineligibleReason), e.selection, e.recorded.selection, e.discrepancies], [[reason], null, null, []]);
  }
});

test('unknown, deleted and orphan ids, and a date without a run, are CampaignErrors naming them', async () => {
  const rejects = (options: Parameters<typeof explainAccount>[0], code: string, message: RegExp): Promise<void> =>
    assert.rejects(explainAccount(options), (err: Error & { code?: string }) => err.code === code && message.test(err.message));
  await rejects({ outDir: out, date: D, accountId: 99 }, 'UNKNOWN_ID', /account 99 is not in the accounts/);
  await rejects({ outDir: out, date: D, profileId: 9999 }, 'UNKNOWN_ID', /profile 9999 is not in the profiles/);
  await rejects({ outDir: out, date: D, accountId: 60 }, 'DELETED', /account 60 was deleted/);
  await rejects({ outDir: out, date: D, profileId: 601 }, 'DELETED', /account 60 \(of profile 601\) was deleted/);
  await rejects({ outDir: out, date: D, profileId: 701 }, 'UNKNOWN_ID', /profile 701 belongs to account 70, which is not in accounts: an orphan/);
  await rejects({ outDir: out, date: day(-1), accountId: 10 }, 'NO_RUN', new RegExp(`no run for ${day(-1)}`));
  await rejects({ outDir: out, date: D, accountId: 10, profileId: 101 }, 'BAD_OPTION', /exactly one/);
});

test('the same data in another layout and timestamp encoding explains the same (only the input-change warnings differ)', async () => {
  const reference = await explainAccount({ outDir: out, date: D, accountId: 10 });
  for (const [name, options] of [
    ['epoch-ms-directory', { ts: 'epoch_ms', playsAsDirectory: true }],
    ['timestamptz', { ts: 'timestamptz' }],
    ['timestamp-ns', { ts: 'timestamp_ns' }],
  ] as const) {
    const variant = join(dir, name);
    await writeDataset(variant, DATASET, options);
    const e = await explainAccount({ outDir: out, date: D, accountId: 10, dataDir: variant });
    expectEqual({ ...e, dataDir: reference.dataDir, warnings: reference.warnings }, reference, name);
    if (name === 'epoch-ms-directory') assert.ok(e.warnings.some((w) => w.includes('plays.parquet is gone')), e.warnings.join('\n'));
  }
});
