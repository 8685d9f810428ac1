/**
 * The freshness and empty-campaign guard (SPEC §9 `freshness`): the verdict on its own, then end
 * to end through runCampaign on tiny literal datasets — stale plays, none in the window, no
 * eligible profile, no send — each stopping the run before anything is published, and the
 * verdict recorded in the manifest when the run goes on.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'vitest';
import { defaultConfig } from '../../../engine/config/default-config.js';
import { parseDay } from '../../../engine/dates.js';
import { FreshnessError, judgeFreshness } from '../../../engine/freshness/check-freshness.js';
import type { FreshnessFacts, FreshnessResult } from '../../../engine/freshness/check-freshness.js';
import { runCampaign } from '../../../engine/run-campaign.js';
import { ago, D, writeDataset } from '../../reference/fixtures.js';
import type { Dataset } from '../../reference/fixtures.js';
import { expectEqual } from '../../support/expect-equal.js';
import { tempDir } from '../../support/temp-dir.js';

const day = parseDay(D);
const facts: FreshnessFacts = { latestPlayDay: day - 1, playsInWindow: 10, eligibleProfiles: 5, sends: 3 };
const judge = (mode: 'fail' | 'warn' | 'off', f: Partial<FreshnessFacts> = {}): FreshnessResult => judgeFreshness({ mode, max_lag_days: 2 }, day, 90, { ...facts, ...f });

describe('the verdict', () => {
  it('passes plays up to 2 days old; fails 3; names the table and the dates', () => {
    expectEqual([judge('fail').status, judge('fail', { latestPlayDay: day - 2 }).status], ['passed', 'passed']);
    const stale = judge('fail', { latestPlayDay: day - 3 });
    expectEqual([stale.status, stale.latest_play, stale.lag_days], ['failed', '2026-11-19', 3]);
    expectEqual(stale.reasons, ['plays: the latest play is on 2026-11-19, 3 days before the campaign date 2026-11-22 (freshness.max_lag_days 2)']);
  });

  it('no play in the window, no eligible profile, no send: each a reason of its own', () => {
    expectEqual(judge('fail', { latestPlayDay: null, playsInWindow: 0, eligibleProfiles: 0, sends: 0 }).reasons, [
      'plays: no play in the history window 2026-08-24 to 2026-11-21 (history_days 90)',
      'profiles: no eligible profile for 2026-11-22 (active, not kids, with an account that has a crm_id and push consent)',
      'selection: no account has status send for 2026-11-22',
    ]);
    expectEqual(judge('fail', { sends: null }).status, 'passed', 'sends not known yet');
  });

  it('warn reports, off checks nothing; the error code says stale or empty', () => {
    expectEqual(judge('warn', { sends: 0 }).status, 'warned');
    expectEqual(judge('off', { latestPlayDay: null, playsInWindow: 0, sends: 0 }), { ...judge('off', { latestPlayDay: null, playsInWindow: 0, sends: 0 }), status: 'off', reasons: [] });
    expectEqual([new FreshnessError(D, judge('fail', { latestPlayDay: day - 9 })).code, new FreshnessError(D, judge('fail', { sends: 0 })).code], ['STALE_DATA', 'EMPTY_CAMPAIGN']);
    expectEqual(new FreshnessError(D, judge('fail', { sends: 0 })).exit, 'DATA');
  });
});

/** Two accounts of one profile each, with plays `daysAgo` days before D (no holdout, so both are sent). */
function dataset(daysAgo: number[], account: { push_opt_in?: boolean } = {}): Dataset {
  return {
    catalog: [1, 2, 3].flatMap((show) => [{ content_id: show * 10 + 1, show_id: show }, { content_id: show * 10 + 2, show_id: show }]),
    accounts: [1, 2].map((account_id) => ({ account_id, ...account })),
    profiles: [1, 2].map((account_id) => ({ profile_id: 100 + account_id, account_id })),
    plays: [1, 2].flatMap((account_id) => daysAgo.map((n) => ({ profile_id: 100 + account_id, content_id: 11, ts: ago(n) }))),
    regions: [['US', 'na']],
  };
}

async function runOn(data: Dataset, config: Record<string, unknown> = {}): Promise<{ out: string; result?: Awaited<ReturnType<typeof runCampaign>>; error?: unknown }> {
  const dir = tempDir('freshness-');
  await writeDataset(join(dir, 'data'), data);
  const out = join(dir, 'out');
  try {
    return { out, result: await runCampaign({ dataDir: join(dir, 'data'), date: D, outDir: out, workers: 0, config: { holdout: { bps: 0 }, ...config } }) };
  } catch (error) {
    return { out, error };
  }
}

function assertRefused(r: { out: string; error?: unknown }, code: string, message: RegExp): void {
  assert.ok(r.error instanceof FreshnessError, String(r.error));
  expectEqual([r.error.code, r.error.exit, r.error.freshness.status], [code, 'DATA', 'failed']);
  assert.match(r.error.message, message);
  expectEqual(existsSync(join(r.out, D)), false, 'published');
  // `state/` may hold the plays cache the load wrote: derived data, kept for the next try.
  expectEqual(existsSync(r.out) ? readdirSync(r.out).filter((e) => e !== '.runs' && e !== 'state') : [], [], 'left under out');
}

describe('runs', () => {
  it('fresh plays: published, the verdict in the manifest', async () => {
    const { result } = await runOn(dataset([5, 1]));
    expectEqual(result!.manifest.freshness, { mode: 'fail', max_lag_days: 2, status: 'passed', latest_play: '2026-11-21', lag_days: 1, plays_in_window: 4, eligible_profiles: 2, sends: 2, reasons: [] });
  });

  it('stale plays (the latest 28 days before D): STALE_DATA, nothing published', async () => {
    assertRefused(await runOn(dataset([40, 28])), 'STALE_DATA', /^freshness guard: plays: the latest play is on 2026-10-25, 28 days before the campaign date 2026-11-22 \(freshness\.max_lag_days 2\); nothing was published for 2026-11-22/);
  });

  it('plays only after D or before the window: no play in the history window', async () => {
    assertRefused(await runOn(dataset([-1, 120])), 'STALE_DATA', /plays: no play in the history window 2026-08-24 to 2026-11-21/);
  });

  it('no account with push consent: no eligible profile, EMPTY_CAMPAIGN', async () => {
    assertRefused(await runOn(dataset([1], { push_opt_in: false })), 'EMPTY_CAMPAIGN', /profiles: no eligible profile for 2026-11-22/);
  });

  it('every account held out: no send, EMPTY_CAMPAIGN', async () => {
    assertRefused(await runOn(dataset([1]), { holdout: { bps: 10000 } }), 'EMPTY_CAMPAIGN', /selection: no account has status send for 2026-11-22/);
  });

  it('warn: stale plays are published with the reason in the manifest; off: not checked', async () => {
    const warned = await runOn(dataset([40, 28]), { freshness: { mode: 'warn' } });
    expectEqual([warned.result!.freshness.status, warned.result!.manifest.freshness?.reasons.length], ['warned', 1]);
    const off = await runOn(dataset([40, 28]), { freshness: { mode: 'off', max_lag_days: 30 } });
    expectEqual(off.result!.freshness.status, 'off');
  });

  it('max_lag_days widens the window of what counts as fresh', async () => {
    const { result } = await runOn(dataset([40, 28]), { freshness: { max_lag_days: 28 } });
    expectEqual(result!.freshness.status, 'passed');
    expectEqual(defaultConfig().freshness, { max_lag_days: 2, mode: 'fail' });
  });
});
