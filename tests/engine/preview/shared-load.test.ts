import assert from 'node:assert/strict';
import { test } from 'vitest';
import type { CampaignConfig } from '../../../engine/config/config-types.js';
import { defaultConfig } from '../../../engine/config/default-config.js';
import { configFromObject, deepMerge } from '../../../engine/config/resolve-config.js';
import { isPlainObject } from '../../../engine/config/validate-config.js';
import { inputsFor, LOAD_KEYS, reloadKeys } from '../../../engine/preview/shared-load.js';
import { createShardRunner } from '../../../engine/pool/shard-runner.js';
import { readRunInputs } from '../../../engine/run/load-inputs.js';
import type { RunInputs } from '../../../engine/run/load-inputs.js';
import { startRun } from '../../../engine/run/run-context.js';
import { expectEqual } from '../../support/expect-equal.js';
import { tempDir } from '../../support/temp-dir.js';
import { DATE, generatedData } from './preview-fixture.js';

/** Every key of the config that holds a value (`boosts` is a value: a map of any categories). */
function leafKeys(value: unknown, path = ''): string[] {
  if (!isPlainObject(value) || path === 'boosts') return [path];
  return Object.entries(value).flatMap(([k, v]) => leafKeys(v, path === '' ? k : `${path}.${k}`));
}

/** A valid config in which every key but the load-time ones differs from the defaults. */
const EVERYTHING_ELSE = {
  boosts: { drama: 3, holiday: 0.5 },
  scenarios: {
    cluster_discovery: { enabled: false, window_days: 14, min_viewers: 2, pool_size: 50, include_categories: ['drama', 'comedy'], exclude_categories: ['kids'] },
    re_engagement: { enabled: false, include_categories: ['drama'], exclude_categories: ['anime'] },
    trending: { enabled: false, window_days: 3, min_viewers: 5, pool_size: 20, include_categories: ['comedy'], exclude_categories: ['sports'] },
    avod: { enabled: false, window_days: 10, min_viewers: 4, pool_size: 30, include_categories: ['reality'], exclude_categories: ['crime'] },
  },
  rollup: { method: 'last_active' },
  selection: { mode: 'calendar', fallback: ['trending'], rotation: ['avod', 'trending'], avod_segments: ['loyal'], max_sends_7d: 2 },
  rfm: { r_days: [3, 10, 20, 40], f_days: [15, 10, 5, 1], m_hours: [40, 20, 5, 1], segments: [{ name: 'everyone' }] },
  holdout: { bps: 2500, salt: 'other' },
  delivery: { event_name: 'x', batch_size: 10, concurrency: 2, max_attempts: 2, retry_budget: 5, circuit_failures: 3, timeout_ms: 5, backoff_base_ms: 1, backoff_max_ms: 2, in_flight_policy: 'hold' },
  drift: { mode: 'fail', max_send_change: 0.1, max_eligible_change: 0.1, max_share_change: 0.1, min_count: 5 },
  freshness: { mode: 'warn', max_lag_days: 7 },
  overrides: [{ name: 'later', from: '2030-01-01', to: '2030-01-02', set: { holdout: { bps: 1 } } }],
};

async function load(config: CampaignConfig): Promise<RunInputs> {
  const run = startRun({ dataDir: await generatedData(), date: DATE, outDir: tempDir('shared-load-'), config, workers: 0 });
  return readRunInputs(run, createShardRunner(run.workers));
}

test('the load-time keys are exactly those the load reads: every other key gives the same inputs but for boosts and filters', async () => {
  const defaults = defaultConfig();
  const other = configFromObject(EVERYTHING_ELSE, 'test');
  const changed = leafKeys(other).filter((k) => JSON.stringify(k.split('.').reduce<unknown>((v, p) => (v as Record<string, unknown>)[p], other)) !== JSON.stringify(k.split('.').reduce<unknown>((v, p) => (v as Record<string, unknown>)[p], defaults)));
  // A key added to the config must be classified here: changed by this test, or a load key.
  expectEqual([...changed, ...LOAD_KEYS].sort(), leafKeys(defaults).sort(), 'keys changed here or read by the load');
  expectEqual(reloadKeys(defaults, other), [], 'reload keys');

  const base = await load(defaults);
  const second = await load(other);
  const { showBoost, showAllowed, ...sharedColumns } = second.loaded.model;
  const { showBoost: baseBoost, showAllowed: baseAllowed, ...baseColumns } = base.loaded.model;
  expectEqual(sharedColumns, baseColumns, 'model columns');
  expectEqual(second.loaded.labels, base.loaded.labels, 'labels');
  expectEqual(second.loaded.counts, base.loaded.counts, 'load counts');
  expectEqual(second.loaded.regionNames, base.loaded.regionNames, 'regions');
  expectEqual(second.ledgerWindow, base.ledgerWindow, 'ledger window');
  assert.notDeepStrictEqual([...showBoost], [...baseBoost], 'the boosts differ');
  assert.notDeepStrictEqual([...showAllowed], [...baseAllowed], 'the filters differ');

  const derived = inputsFor(base, other);
  expectEqual(derived.loaded.model.showBoost, showBoost, 'boosts recomputed for the second config');
  expectEqual(derived.loaded.model.showAllowed, showAllowed, 'filters recomputed for the second config');
  expectEqual(base.loaded.model.showBoost, baseBoost, 'the shared load keeps its own boosts');
});

test('each load-time key changes what is loaded, so a config differing in it loads again', async () => {
  const base = await load(defaultConfig());
  const changes: Record<(typeof LOAD_KEYS)[number], object> = { history_days: { history_days: 30 }, min_play_seconds: { min_play_seconds: 900 }, dedup_window_days: { dedup_window_days: 2 }, default_region: { default_region: 'elsewhere' } };
  for (const key of LOAD_KEYS) {
    const config = deepMerge(defaultConfig(), changes[key]);
    expectEqual(reloadKeys(defaultConfig(), config), [key], `${key}: reload keys`);
    const loaded = (await load(config)).loaded;
    const same = JSON.stringify([loaded.counts, loaded.regionNames]) === JSON.stringify([base.loaded.counts, base.loaded.regionNames]) && loaded.model.sentShows.length === base.loaded.model.sentShows.length;
    assert.ok(!same, `${key} changes the loaded inputs`);
  }
});
