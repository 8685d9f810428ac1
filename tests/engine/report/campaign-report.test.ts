import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, test } from 'vitest';
import { buildCampaignReport } from '../../../engine/report/build-campaign-report.js';
import { liftAndBreakdowns } from '../../../engine/report/assemble-report.js';
import type { CampaignReport, DateReport, Lift } from '../../../engine/report/report-types.js';
import { runCampaign } from '../../../engine/run-campaign.js';
import { DateLedger } from '../../../io/ledger/date-ledger.js';
import { fnv1a32 } from '../../../kernels/fnv1a.js';
import { ago, config, D, writeDataset } from '../../reference/fixtures.js';
import type { Account, Dataset, Play, Profile, TsEncoding } from '../../reference/fixtures.js';
import { expectEqual } from '../../support/expect-equal.js';
import { tempDir } from '../../support/temp-dir.js';

/*
 * Twelve accounts, one adult profile each (a·10 + 1), plus kids profiles 62 and 102 (ineligible,
 * but their plays are the account's). With salt 'report-test' and 30% holdout, accounts 1, 4, 5, 8
 * are held out and the rest are sent. Everyone played one episode of a two-episode show before D,
 * so re-engagement recommends that show: show 1 (episodes 11, 12), show 2 (21, 22) or, for
 * account 12 (last play 40 days ago), show 3 (31, 32). Accounts 1 and 2 played on 12 days:
 * champions; account 12 is hibernating; the rest promising. Regions: US → north_america,
 * DE → dach, FR (account 8) unmapped → the run's default_region 'elsewhere'; account 11 is in the
 * US but its profile says DE. The runs use min_play_seconds 100.
 *
 * The "later" dataset adds the plays after D below and tombstones account 9 and kids profile 102.
 */
const D2 = '2026-11-24';
// One snapshot serves D and D2: its plays end on D−1, three days before D2, which the freshness
// guard allows here (its default, two days, would stop the D2 run).
const RUN_CONFIG = config({ min_play_seconds: 100, default_region: 'elsewhere', holdout: { bps: 3000, salt: 'report-test' }, freshness: { max_lag_days: 3 } });
const HOLDOUT = [1, 4, 5, 8];
const SHOW: Record<number, number> = { 1: 1, 2: 1, 3: 1, 4: 1, 5: 2, 6: 1, 7: 2, 8: 1, 9: 1, 10: 1, 11: 2, 12: 3 };
const COUNTRY: Record<number, string> = { 5: 'DE', 7: 'DE', 8: 'FR' };

function baseDataset(): Dataset {
  const accounts: Account[] = [];
  const profiles: Profile[] = [];
  const plays: Play[] = [];
  for (let a = 1; a <= 12; a++) {
    accounts.push({ account_id: a, country: COUNTRY[a] ?? 'US' });
    profiles.push({ profile_id: a * 10 + 1, account_id: a, country: a === 11 ? 'DE' : null });
    const firstEpisode = SHOW[a]! * 10 + 1;
    if (a === 1 || a === 2) for (let n = 1; n <= 12; n++) plays.push({ profile_id: a * 10 + 1, content_id: firstEpisode, ts: ago(n) });
    else plays.push({ profile_id: a * 10 + 1, content_id: firstEpisode, ts: ago(a === 12 ? 40 : 2) });
  }
  profiles.push({ profile_id: 62, account_id: 6, is_kids: true }, { profile_id: 102, account_id: 10, is_kids: true });
  const catalog = [1, 2, 3].flatMap((s) => [{ content_id: s * 10 + 1, show_id: s }, { content_id: s * 10 + 2, show_id: s }]);
  return { catalog, accounts, profiles, plays, regions: [['US', 'north_america'], ['DE', 'dach']], tombstones: [] };
}

/** Plays after the campaign: the comment on each says what it is for D (window [11-22, 11-29)) and D2 ([11-24, 12-01)). */
const LATER_PLAYS: Play[] = [
  { profile_id: 21, content_id: 12, ts: '2026-11-22 00:00:00' }, // a2 send: D yes (window start), D2 no
  { profile_id: 31, content_id: 11, ts: '2026-11-28 23:59:59.999' }, // a3 send: D yes (last ms), D2 yes
  { profile_id: 62, content_id: 12, ts: '2026-11-23 12:00:00' }, // a6 send, kids profile: D yes, D2 no
  { profile_id: 71, content_id: 21, ts: '2026-11-25 12:00:00', watch_seconds: 99 }, // a7 send: short play, never
  { profile_id: 71, content_id: 11, ts: '2026-11-25 12:00:00' }, // a7 send: not the recommended show, never
  { profile_id: 91, content_id: 12, ts: '2026-11-23 12:00:00' }, // a9 send: account tombstoned, left out
  { profile_id: 102, content_id: 12, ts: '2026-11-23 12:00:00' }, // a10 send: profile tombstoned, never
  { profile_id: 101, content_id: 12, ts: '2026-11-29 00:00:00' }, // a10 send: D no (window end), D2 yes
  { profile_id: 111, content_id: 22, ts: '2026-11-26 12:00:00', watch_seconds: 100 }, // a11 send: exactly min_play: D yes, D2 yes
  { profile_id: 11, content_id: 12, ts: '2026-11-25 08:00:00' }, // a1 holdout: D yes, D2 yes
  { profile_id: 41, content_id: 12, ts: '2026-11-21 23:59:59' }, // a4 holdout: before D, never
  { profile_id: 51, content_id: 22, ts: '2026-11-24 00:00:00' }, // a5 holdout: D yes, D2 yes (window start)
  { profile_id: 999, content_id: 12, ts: '2026-11-23 12:00:00' }, // unknown profile
  { profile_id: 81, content_id: 77, ts: '2026-11-23 12:00:00' }, // a8 holdout: unknown content
];

function laterDataset(): Dataset {
  const base = baseDataset();
  return { ...base, plays: [...base.plays, ...LATER_PLAYS], tombstones: [{ account_id: 9 }, { profile_id: 102 }] };
}

const cell = (accounts: number, conversions: number): { accounts: number; conversions: number; rate: number | null } => ({
  accounts,
  conversions,
  rate: accounts === 0 ? null : conversions / accounts,
});

/** The arms of a lift as [sent accounts, sent conversions, holdout accounts, holdout conversions]. */
const arms = (l: Lift): number[] => [l.sent.accounts, l.sent.conversions, l.holdout.accounts, l.holdout.conversions];
const rows = (r: Pick<DateReport, 'breakdowns'>, dimension: keyof DateReport['breakdowns']): [string, ...number[]][] =>
  r.breakdowns[dimension].map((b) => [b.key, ...arms(b)]);

// Made at file level: tempDir's clean-up then runs after the last test, not after this hook.
const root = tempDir('campaign-report-');
const out = join(root, 'out');
const stateDir = join(root, 'state');
let report: CampaignReport;

beforeAll(async () => {
  await writeDataset(join(root, 'data'), baseDataset());
  for (const date of [D, D2]) await runCampaign({ dataDir: join(root, 'data'), date, outDir: out, config: RUN_CONFIG, workers: 0 });
  await writeDataset(join(root, 'later'), laterDataset());
  // A delivery ledger for D only, kept apart from <out>/state so the D2 run's dedup was untouched.
  const ledger = await DateLedger.open(stateDir, D, 'write');
  await ledger.register([2, 3, 6].map((a) => ({ account_id: a, profile_id: a * 10 + 1, show_id: SHOW[a]!, scenario: 're_engagement', crm_id: `crm-${a}` })));
  await ledger.write([{ op: 'send', ids: [2, 3, 6] }, { op: 'accept', ids: [2, 3] }, { op: 'dead', ids: [6], code: 512, reason: 'Invalid event structure' }]);
  await ledger.close();
  report = await buildCampaignReport({ outDir: out, dataDir: join(root, 'later'), from: '2026-11-21', to: D2, minAccounts: 3, stateDir, now: new Date('2026-12-02T00:00:00Z') });
});

test('the fixture holds out the accounts the SPEC §7 hash says', () => {
  const held = Array.from({ length: 12 }, (_, i) => i + 1).filter((a) => fnv1a32(`report-test:${a}`) % 10000 < 3000);
  expectEqual(held, HOLDOUT);
});

test('dates, missing dates, statuses and delivered counts', () => {
  expectEqual(report.missing_dates, ['2026-11-21', '2026-11-23']);
  expectEqual(report.dates.map((d) => d.date), [D, D2]);
  expectEqual([report.from, report.to, report.conversion_window_days, report.min_accounts, report.generated_at], ['2026-11-21', D2, 7, 3, '2026-12-02T00:00:00.000Z']);
  for (const d of report.dates) {
    assert.match(d.run_id, new RegExp(`^${d.date}-[0-9a-f]{16}$`));
    // Account 9 was deleted after the runs: it is in no count.
    expectEqual(d.status, { send: 7, holdout: 4, frequency_capped: 0, no_candidates: 0 }, `${d.date} status`);
    expectEqual(d.segment_sizes, { champions: 2, hibernating: 1, promising: 8 }, `${d.date} segments`);
    expectEqual(d.scenario_mix, { re_engagement: 11 }, `${d.date} scenario mix`);
  }
  expectEqual(report.dates[0]!.delivered, { accepted: 2, dead_letter: 1 });
  expectEqual(report.dates[1]!.delivered, null);
});

test('conversions per arm: window boundaries, short plays, other shows, other profiles, deletions', () => {
  const [d, d2] = report.dates as [DateReport, DateReport];
  // D: sent 2, 3, 6 (kids profile), 11 (exactly min_play) of 2, 3, 6, 7, 10, 11, 12; held out 1, 5 of 1, 4, 5, 8.
  expectEqual(d.lift.sent, cell(7, 4));
  expectEqual(d.lift.holdout, cell(4, 2));
  // D2: sent 3, 10, 11; held out 1, 5.
  expectEqual(d2.lift.sent, cell(7, 3));
  expectEqual(d2.lift.holdout, cell(4, 2));
  expectEqual(d.lift.absolute!.value, 4 / 7 - 2 / 4);
  assert.ok(Math.abs(d.lift.relative!.value - (4 / 7 / (2 / 4) - 1)) < 1e-12);
  expectEqual(d.lift.sufficient, true);
  // The data reaches 11-29 00:00 = D + 7: D's window is complete, D2's (to 12-01) is not.
  expectEqual([d.window_complete, d2.window_complete], [true, false]);
  expectEqual(arms(report.overall.lift), [14, 7, 8, 4]);
});

test('breakdowns by scenario, segment, treatment and region; overall pools the dates', () => {
  const d = report.dates[0]!;
  expectEqual(rows(d, 'scenario'), [['re_engagement', 7, 4, 4, 2]]);
  expectEqual(rows(d, 'rfm_segment'), [['champions', 1, 1, 1, 1], ['hibernating', 1, 0, 0, 0], ['promising', 5, 3, 3, 1]]);
  expectEqual(rows(d, 'treatment'), [['svod', 7, 4, 4, 2]]);
  expectEqual(rows(d, 'region'), [['dach', 2, 1, 1, 1], ['elsewhere', 0, 0, 1, 0], ['north_america', 5, 3, 2, 1]]);
  const byKey = new Map(d.breakdowns.region.map((b) => [b.key, b]));
  expectEqual([byKey.get('dach')!.sufficient, byKey.get('north_america')!.sufficient], [false, false]);
  expectEqual(byKey.get('elsewhere')!.absolute, null, 'no sent account');
  expectEqual(rows(report.overall, 'region'), [['dach', 4, 2, 2, 2], ['elsewhere', 0, 0, 2, 0], ['north_america', 10, 5, 4, 2]]);
  expectEqual(rows(report.overall, 'rfm_segment'), [['champions', 2, 1, 2, 2], ['hibernating', 2, 0, 0, 0], ['promising', 10, 6, 6, 2]]);
  // Pooling the per-date rows is the same as the overall.
  const pooled = liftAndBreakdowns(
    report.dates.flatMap((x) => x.breakdowns.region.flatMap((b) => [
      { date: x.date, status: 'send', scenario: null, rfm_segment: '', treatment: '', region: b.key, accounts: b.sent.accounts, conversions: b.sent.conversions },
      { date: x.date, status: 'holdout', scenario: null, rfm_segment: '', treatment: '', region: b.key, accounts: b.holdout.accounts, conversions: b.holdout.conversions },
    ])),
    3,
  );
  expectEqual(pooled.lift, report.overall.lift);
});

test('overlap: profiles by the exact set of scenarios they had rows in', () => {
  // Show 1 has 7 recent US viewers (deleted account 9's profile still counted in the run's pool),
  // so the US trending pool recommends it to the one US adult who never watched it (121). DE's
  // pool (show 2) is watched by all its adults; FR's pool is empty. No cluster, no AVOD account.
  for (const d of report.dates) expectEqual(d.overlap, [{ scenarios: ['re_engagement'], profiles: 10 }, { scenarios: ['re_engagement', 'trending'], profiles: 1 }], `${d.date} overlap`);
});

test('every timestamp encoding and a Hive-partitioned plays directory give the same report', async () => {
  const encodings: [TsEncoding, boolean][] = [['timestamp_ns', false], ['timestamptz', false], ['epoch_ms', false], ['timestamp', true]];
  for (const [ts, hive] of encodings) {
    const dir = join(root, `later-${ts}-${hive}`);
    mkdirSync(dir);
    await writeDataset(dir, laterDataset(), { ts, playsAsDirectory: hive });
    const again = await buildCampaignReport({ outDir: out, dataDir: dir, from: '2026-11-21', to: D2, minAccounts: 3, stateDir, now: new Date('2026-12-02T00:00:00Z') });
    expectEqual(again, report, `${ts}${hive ? ' (hive)' : ''}`);
  }
});

test('bad arguments and missing runs fail with a clear error', async () => {
  const base = { outDir: out, dataDir: join(root, 'later') };
  const cases: [Parameters<typeof buildCampaignReport>[0], RegExp][] = [
    [{ ...base, from: D2, to: D }, /the date range is empty: from 2026-11-24 is after to 2026-11-22/],
    [{ ...base, from: '2026-02-30', to: D }, /from date must be a calendar date YYYY-MM-DD, got '2026-02-30'/],
    [{ ...base, from: '2026-01-01', to: '2036-12-31' }, /the date range 2026-01-01 to 2036-12-31 spans 4018 days; at most 3660/],
    [{ ...base, from: '2026-10-01', to: '2026-10-31' }, /no published run under .*out for any date from 2026-10-01 to 2026-10-31/],
    [{ ...base, from: D, to: D, windowDays: 0 }, /window days must be a whole number from 1 to 365, got 0/],
    [{ ...base, from: D, to: D, minAccounts: 0.5 }, /min accounts must be a whole number ≥ 1/],
    [{ ...base, outDir: join(root, 'nowhere'), from: D, to: D }, /output root .*nowhere does not exist/],
    [{ ...base, dataDir: join(root, 'nowhere'), from: D, to: D }, /nowhere: no such dataset directory$/],
  ];
  for (const [options, message] of cases) await assert.rejects(buildCampaignReport(options), message, `${options.from}..${options.to}`);
  // A run directory with no manifest is damage, not a missing date.
  mkdirSync(join(out, '2026-11-23'));
  await assert.rejects(buildCampaignReport({ ...base, from: D, to: D2 }), /2026-11-23 is not a published run: manifest.json is missing/);
});
