import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'vitest';
import { SCENARIOS } from '../../../engine/config/config-types.js';
import type { CampaignConfig } from '../../../engine/config/config-types.js';
import { defaultConfig } from '../../../engine/config/default-config.js';
import { deepMerge } from '../../../engine/config/resolve-config.js';
import { ConfigError } from '../../../engine/errors.js';
import { previewCampaign } from '../../../engine/preview/preview-campaign.js';
import type { CampaignPreview, TransitionMatrix } from '../../../engine/preview/preview-types.js';
import { runCampaign } from '../../../engine/run-campaign.js';
import type { SelectionRow } from '../../reference/reference-campaign.js';
import { query } from '../../io/parquet/duckdb-query.js';
import { expectEqual } from '../../support/expect-equal.js';
import { readRunOutputs } from '../../support/read-run-outputs.js';
import { tempDir } from '../../support/temp-dir.js';
import { DATE, fnv1a, generatedData, outputBytes, selectionOf, showCategories } from './preview-fixture.js';

const config = (patch: object): CampaignConfig => deepMerge(defaultConfig(), patch);

async function preview(patch: object, against: object = {}, extra: Partial<Parameters<typeof previewCampaign>[0]> = {}): Promise<CampaignPreview> {
  return previewCampaign({ dataDir: await generatedData(), date: DATE, config: config(patch), against: config(against), scratchDir: join(tempDir('preview-scratch-'), 'scratch'), workers: 2, ...extra });
}

/** The transitions recomputed here from the two selection files the preview kept. */
async function transitionsFromFiles(p: CampaignPreview): Promise<{ changed: number; scenario: number[][]; status: number[][]; sendsBefore: number; sendsAfter: number }> {
  const before = await selectionOf(p.old.runDir!);
  const after = await selectionOf(p.new.runDir!);
  const label = (r: SelectionRow | undefined, kind: 'scenario' | 'status', m: TransitionMatrix): number => m.old.indexOf(r === undefined ? 'not_selected' : kind === 'scenario' ? (r.scenario ?? 'none') : r.status);
  const scenario = p.transitions.scenario.old.map(() => p.transitions.scenario.new.map(() => 0));
  const status = p.transitions.status.old.map(() => p.transitions.status.new.map(() => 0));
  let changed = 0;
  for (const a of new Set([...before.keys(), ...after.keys()])) {
    const [o, n] = [before.get(a), after.get(a)];
    scenario[label(o, 'scenario', p.transitions.scenario)]![label(n, 'scenario', p.transitions.scenario)]!++;
    status[label(o, 'status', p.transitions.status)]![label(n, 'status', p.transitions.status)]!++;
    if (JSON.stringify(o) !== JSON.stringify(n)) changed++;
  }
  const sends = (rows: Map<number, SelectionRow>): number => [...rows.values()].filter((r) => r.status === 'send').length;
  return { changed, scenario, status, sendsBefore: sends(before), sendsAfter: sends(after) };
}

async function checkAgainstFiles(p: CampaignPreview): Promise<void> {
  const files = await transitionsFromFiles(p);
  expectEqual(p.transitions.changed, files.changed, 'changed accounts');
  expectEqual(p.transitions.scenario.counts, files.scenario, 'scenario matrix');
  expectEqual(p.transitions.status.counts, files.status, 'status matrix');
  expectEqual(p.sends.total, { before: files.sendsBefore, after: files.sendsAfter }, 'sends');
}

test('identical configs give an empty diff and identical runs', async () => {
  const cfg = { boosts: { drama: 1.5 }, selection: { max_sends_7d: 2 } };
  const p = await preview(cfg, cfg);
  expectEqual(p.configChanges, [], 'config changes');
  expectEqual(p.load, { shared: true, reloadedFor: [] }, 'load');
  const t = p.transitions;
  expectEqual([t.changed, t.statusChanged, t.scenarioChanged, t.showChanged, t.profileChanged, t.segmentChanged, t.treatmentChanged, t.entered, t.left], [0, 0, 0, 0, 0, 0, 0, 0, 0], 'changes');
  assert.ok(t.accounts > 500, `accounts ${t.accounts}`);
  t.scenario.counts.forEach((row, i) => row.forEach((n, j) => i !== j && expectEqual(n, 0, `scenario ${t.scenario.old[i]} → ${t.scenario.new[j]}`)));
  expectEqual({ ...p.shows, mostSent: null }, { changed: 0, gained: [], lost: [], mostSent: null }, 'shows');
  expectEqual(p.shows.mostSent?.before, p.shows.mostSent?.after, 'the most sent show, unchanged');
  expectEqual(p.warnings.filter((w) => w.kind !== 'title_share'), [], 'nothing drops to zero');
  expectEqual(p.sample, [], 'sample');
  for (const d of ['scenario', 'rfm_segment', 'treatment', 'region'] as const) for (const r of p.sends[d]) expectEqual(r.after, r.before, `${d} ${r.key}`);
  expectEqual(p.new.runId, p.old.runId, 'run ids');
  expectEqual(outputBytes(p.new.runDir!), outputBytes(p.old.runDir!), 'output files');
  await checkAgainstFiles(p);
});

test('a boost moves a known show up, and only shows of the boosted category gain', async () => {
  const data = await generatedData();
  // The known show: the holiday show with the most distinct viewers in the trending window (7 days).
  const [[known]] = (await query(`
    SELECT CAST(c.show_id AS DOUBLE) FROM read_parquet('${join(data, 'plays.parquet')}') p JOIN read_parquet('${join(data, 'catalog.parquet')}') c USING (content_id)
    WHERE c.category = 'holiday' AND p.ts >= TIMESTAMP '2026-11-15' AND p.ts < TIMESTAMP '${DATE}' AND p.watch_seconds >= 60
    GROUP BY c.show_id ORDER BY count(DISTINCT p.profile_id) DESC, c.show_id LIMIT 1`)) as [[number]];
  const p = await preview({ boosts: { holiday: 50 } });
  expectEqual(p.configChanges, [{ key: 'boosts.holiday', old: null, new: 50 }], 'config changes');
  const move = p.shows.gained.find((m) => m.showId === known);
  assert.ok(move !== undefined && move.after > move.before, `show ${known} gains sends: ${JSON.stringify(move)}`);
  expectEqual(p.shows.gained[0]!.category, 'holiday', 'largest gain');
  assert.ok(p.transitions.showChanged > 20, `show changes ${p.transitions.showChanged}`);

  // Boosting holiday can only raise holiday shows: an account that keeps its profile and scenario
  // and had a holiday show keeps a holiday show; a new show that replaced another is a holiday show.
  const categories = await showCategories(data);
  const before = await selectionOf(p.old.runDir!);
  const after = await selectionOf(p.new.runDir!);
  let replaced = 0;
  for (const [a, o] of before) {
    const n = after.get(a);
    if (n === undefined || n.profile_id !== o.profile_id || n.scenario !== o.scenario || n.show_id === o.show_id) continue;
    replaced++;
    expectEqual(categories.get(n.show_id!), 'holiday', `account ${a}: new show ${n.show_id} over ${o.show_id}`);
  }
  assert.ok(replaced > 20, `replaced shows ${replaced}`);
  const boosted = p.sample.filter((c) => c.changes.join() === 'show');
  assert.ok(boosted.length > 0, 'sampled show changes');
  for (const c of boosted) assert.match(c.reason, new RegExp(`^holiday boost ×50 moved show ${c.new!.showId} above ${c.old!.showId} in (re-engagement|the \\w+ pool)`));
  await checkAgainstFiles(p);

  // The most sent title under the new config, recounted from its selection file, and the warning
  // when it takes more than the share asked for (the preview's default 20%).
  const perShow = new Map<number, number>();
  for (const r of after.values()) if (r.status === 'send') perShow.set(r.show_id!, (perShow.get(r.show_id!) ?? 0) + 1);
  const [topShow, topSends] = [...perShow].sort((x, y) => y[1] - x[1] || x[0] - y[0])[0]!;
  expectEqual([p.shows.mostSent?.showId, p.shows.mostSent?.after], [topShow, topSends], 'most sent show');
  const share = topSends / p.sends.total.after;
  expectEqual(p.warnings.filter((w) => w.kind === 'title_share').map((w) => w.key), share > 0.2 ? [String(topShow)] : [], `title share ${share}`);
});

test('a disabled scenario: its accounts fall back as SPEC §7 says', async () => {
  const p = await preview({ scenarios: { trending: { enabled: false } } });
  const t = p.transitions;
  const trendingColumn = t.scenario.new.indexOf('trending');
  t.scenario.counts.forEach((row, i) => expectEqual(row[trendingColumn], 0, `${t.scenario.old[i]} → trending`));
  assert.ok(t.scenarioChanged > 20, `scenario changes ${t.scenarioChanged}`);
  expectEqual((await readRunOutputs(p.new.runDir!)).scenarios.trending, [], 'trending rows');

  // For an account that keeps its profile: the first of selection.fallback (trending now has no
  // row) the profile has rows in, read from the new run's scenario files; none → no_candidates.
  const outputs = await readRunOutputs(p.new.runDir!);
  const hasRows = new Map(SCENARIOS.map((s) => [s, new Set(outputs.scenarios[s].map((r) => r.profile_id))]));
  const before = await selectionOf(p.old.runDir!);
  const after = await selectionOf(p.new.runDir!);
  let checked = 0;
  for (const [a, o] of before) {
    const n = after.get(a);
    if (o.scenario !== 'trending' || n === undefined || n.profile_id !== o.profile_id) continue;
    checked++;
    const expected = (['re_engagement', 'trending', 'cluster_discovery'] as const).find((s) => hasRows.get(s)!.has(o.profile_id)) ?? null;
    expectEqual(n.scenario, expected, `account ${a} scenario`);
    expectEqual(n.status === 'no_candidates', expected === null, `account ${a} status ${n.status}`);
  }
  assert.ok(checked > 20, `trending accounts checked ${checked}`);
  const fallen = p.sample.filter((c) => c.old?.scenario === 'trending');
  assert.ok(fallen.length > 0, 'sampled trending accounts');
  for (const c of fallen) assert.match(c.reason, /trending disabled \(scenarios\.trending\.enabled: false\)/);
  await checkAgainstFiles(p);
  const before2 = p.sends.scenario.find((r) => r.key === 'trending')!.before;
  expectEqual(
    p.warnings.filter((w) => w.kind === 'scenario_dropped'),
    [{ kind: 'scenario_dropped', key: 'trending', message: `scenario Trending drops to zero sends (was ${before2.toLocaleString('en-US')})` }],
    'the emptied scenario is flagged',
  );
});

test('a holdout change only moves statuses, exactly the accounts whose hash falls in the new share', async () => {
  const p = await preview({ holdout: { bps: 3000 } });
  const t = p.transitions;
  expectEqual([t.scenarioChanged, t.showChanged, t.profileChanged, t.segmentChanged, t.treatmentChanged, t.entered, t.left], [0, 0, 0, 0, 0, 0, 0], 'non-status changes');
  const before = await selectionOf(p.old.runDir!);
  const moving = [...before.values()].filter((r) => {
    const bucket = fnv1a(`holdout-v1:${r.account_id}`) % 10000;
    return r.status === 'send' && bucket >= 1000 && bucket < 3000;
  });
  assert.ok(moving.length > 50, `accounts moving ${moving.length}`);
  expectEqual(t.statusChanged, moving.length, 'status changes');
  expectEqual(t.changed, moving.length, 'changed');
  const send = t.status.old.indexOf('send');
  const holdout = t.status.new.indexOf('holdout');
  expectEqual(t.status.counts[send]![holdout], moving.length, 'send → holdout');
  expectEqual(p.sends.total.before - p.sends.total.after, moving.length, 'sends lost');
  for (const c of p.sample) assert.match(c.reason, /^send → holdout: holdout hash \d+ < 3000 bps \(was 1000\)$/);
  await checkAgainstFiles(p);
});

test("the preview's runs equal nightly runs of the same configs, byte for byte, with one load or two", async () => {
  const data = await generatedData();
  const dir = tempDir('preview-cross-');
  for (const [name, patch, shared] of [
    ['shared load', { boosts: { comedy: 2 }, scenarios: { cluster_discovery: { exclude_categories: ['kids'] } }, rollup: { method: 'dominant' } }, true],
    ['reload', { history_days: 60, boosts: { comedy: 2 } }, false],
  ] as const) {
    const p = await preview(patch, { selection: { max_sends_7d: 3 } });
    expectEqual(p.load.shared, shared, `${name}: shared`);
    if (!shared) expectEqual(p.load.reloadedFor, ['history_days'], `${name}: reload keys`);
    const runNew = await runCampaign({ dataDir: data, date: DATE, outDir: join(dir, name, 'new'), config: config(patch), workers: 2 });
    const runOld = await runCampaign({ dataDir: data, date: DATE, outDir: join(dir, name, 'old'), config: config({ selection: { max_sends_7d: 3 } }), workers: 1 });
    expectEqual(p.new.runId, runNew.runId, `${name}: new run id`);
    expectEqual(p.old.runId, runOld.runId, `${name}: old run id`);
    expectEqual(outputBytes(p.new.runDir!), outputBytes(runNew.outputDir), `${name}: new outputs`);
    expectEqual(outputBytes(p.old.runDir!), outputBytes(runOld.outputDir), `${name}: old outputs`);
    expectEqual(p.new.counts['status'], runNew.counts['status'], `${name}: new status counts`);
  }
});

test('bad configs fail before any work, naming the key', async () => {
  const dir = tempDir('preview-bad-');
  const scratchDir = join(dir, 'scratch');
  const events: unknown[] = [];
  const base = { date: DATE, dataDir: join(dir, 'no-such-dataset'), scratchDir, onProgress: (e: unknown) => events.push(e) };
  const file = (name: string, text: string): string => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };
  const cases: [string, Parameters<typeof previewCampaign>[0], RegExp][] = [
    ['unknown key in the new config', { ...base, config: file('new.yaml', 'scenarios:\n  trending: {windows_days: 14}\n') }, /scenarios\.trending\.windows_days: unknown config key/],
    ['wrong type in the compared config', { ...base, against: file('old.yaml', 'holdout: {bps: lots}\n') }, /holdout\.bps/],
    ['bad value in a config object', { ...base, config: { ...defaultConfig(), history_days: -3 } }, /history_days/],
    ['override not in the file', { ...base, config: file('ov.yaml', 'overrides: [{name: xmas, from: 2026-12-15, to: 2027-01-05, set: {boosts: {holiday: 3}}}]\n'), override: 'easter' }, /no override named 'easter' \(overrides: xmas\)/],
    ['a bad value inside an override', { ...base, config: file('ov2.yaml', `overrides: [{name: wide, from: ${DATE}, to: ${DATE}, set: {scenarios: {trending: {window_days: 0}}}}]\n`) }, /overrides\[0\]\.set\.scenarios\.trending\.window_days: must be ≥ 1, got 0/],
  ];
  for (const [name, options, message] of cases) {
    await assert.rejects(previewCampaign(options), (err: unknown) => {
      assert.ok(err instanceof ConfigError, `${name}: ${String(err)}`);
      assert.match(err.message, message, name);
      return true;
    });
  }
  expectEqual(events, [], 'progress events');
  assert.ok(!existsSync(scratchDir), 'no scratch directory');
});

test('an override previews as if its range held the date: the same as the config it would make', async () => {
  const dir = tempDir('preview-override-');
  const path = join(dir, 'campaign.yaml');
  writeFileSync(path, 'boosts: {drama: 1.2}\noverrides:\n  - {name: xmas, from: 2026-12-15, to: 2027-01-05, set: {boosts: {holiday: 50}, holdout: {bps: 500}}}\n');
  const p = await previewCampaign({ dataDir: await generatedData(), date: DATE, config: path, override: 'xmas', workers: 2 });
  expectEqual(p.new.activeOverrides, ['xmas'], 'new overrides');
  expectEqual(p.old.activeOverrides, [], 'old overrides');
  expectEqual(p.old.source, { kind: 'file', path }, 'old source');
  expectEqual(p.new.source, { kind: 'override', path, override: 'xmas' }, 'new source');
  expectEqual(p.configChanges, [
    { key: 'boosts.holiday', old: null, new: 50 },
    { key: 'holdout.bps', old: 1000, new: 500 },
  ], 'config changes');
  expectEqual(p.scratchDir, null, 'scratch removed');
  const direct = await preview({ boosts: { drama: 1.2, holiday: 50 }, holdout: { bps: 500 } }, { boosts: { drama: 1.2 } });
  expectEqual(p.transitions, direct.transitions, 'transitions');
  expectEqual(p.shows, direct.shows, 'shows');
  expectEqual(p.sends, direct.sends, 'sends');
});

test('each sampled reason names the rule that moved the account, and what it says holds in the runs', async () => {
  const patch = { rollup: { method: 'dominant' }, selection: { avod_segments: ['hibernating'], mode: 'calendar' }, holdout: { salt: 'v2' } };
  const p = await preview(patch, {}, { sampleSize: 60 });
  const after = await selectionOf(p.new.runDir!);
  const kinds = new Set(p.sample.flatMap((c) => c.changes));
  for (const kind of ['treatment', 'profile', 'scenario', 'status'] as const) assert.ok(kinds.has(kind), `a sampled ${kind} change`);
  for (const c of p.sample) {
    const row = after.get(c.accountId)!;
    if (c.changes.includes('treatment')) assert.match(c.reason, new RegExp(`treatment svod → avod \\(${row.rfm_segment} is in selection\\.avod_segments\\)`), `${c.accountId}: ${c.reason}`);
    if (c.changes.includes('profile')) assert.match(c.reason, new RegExp(`rollup\\.method primary → dominant: profile ${row.profile_id} \\(\\d+ active days? in 28\\) over ${c.old!.profileId} \\(\\d+ active days? in 28(, tie → smallest profile_id)?\\)|profile ${c.old!.profileId} has no recommendation now`), `${c.accountId}: ${c.reason}`);
    // The fallback walk ends at the scenario the run chose; a changed preference is the calendar's.
    if (c.changes.includes('scenario')) assert.match(c.reason, new RegExp(`\\d+ rows? → ${row.scenario ?? 'none \\(no_candidates\\)'}( \\(selection\\.fallback\\))?($|;)`), `${c.accountId}: ${c.reason}`);
    if (/prefers/.test(c.reason) && row.treatment === 'svod') assert.match(c.reason, /prefers \w+ \(calendar rotation\[\d\]\) instead of \w+ \((days_since_last_play \d+|no plays)\)/, `${c.accountId}: ${c.reason}`);
    if (c.changes.includes('status') && row.status !== 'no_candidates' && c.old!.status !== 'no_candidates') {
      assert.match(c.reason, new RegExp(`${c.old!.status} → ${row.status}: holdout\\.salt holdout-v1 → v2, holdout hash (\\d+) → (\\d+)`), `${c.accountId}: ${c.reason}`);
      const [, , hash] = /hash (\d+) → (\d+)/.exec(c.reason)!;
      expectEqual(Number(hash), fnv1a(`v2:${c.accountId}`) % 10000, `${c.accountId}: new hash`);
    }
  }
  await checkAgainstFiles(p);
});
