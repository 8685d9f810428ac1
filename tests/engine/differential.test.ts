import { join } from 'node:path';
import { test } from 'vitest';
import { SCENARIOS } from '../../engine/config/config-types.js';
import { configFromObject, effectiveConfig } from '../../engine/config/resolve-config.js';
import { runCampaign } from '../../engine/run-campaign.js';
import { generateDataset } from '../../bench/workloads/generate/generate-dataset.js';
import { runReference } from '../reference/reference-campaign.js';
import { expectEqual } from '../support/expect-equal.js';
import { readRunOutputs } from '../support/read-run-outputs.js';
import { tempDir } from '../support/temp-dir.js';

/**
 * The engine against the independent DuckDB SQL reference (tests/reference) on generated
 * datasets: scenario and selection rows must be identical, float scores to the bit.
 */
const CASES: { name: string; profiles: number; seed: number; date: string; config: Record<string, unknown> }[] = [
  { name: 'defaults', profiles: 3000, seed: 11, date: '2026-11-22', config: {} },
  {
    name: 'dominant rollup, calendar mode, small pools, min_viewers 2',
    profiles: 2500,
    seed: 12,
    date: '2026-11-22',
    config: {
      rollup: { method: 'dominant' },
      selection: { mode: 'calendar', rotation: ['trending', 'cluster_discovery', 're_engagement'], fallback: ['cluster_discovery', 're_engagement'] },
      scenarios: { cluster_discovery: { pool_size: 6, min_viewers: 2 }, trending: { pool_size: 8, window_days: 14 } },
    },
  },
  {
    name: 'last_active rollup, boosts, category filters, an active override',
    profiles: 2500,
    seed: 13,
    date: '2026-12-20',
    config: {
      rollup: { method: 'last_active' },
      boosts: { drama: 1.5, comedy: 0.7 },
      scenarios: { trending: { exclude_categories: ['kids'] }, re_engagement: { include_categories: ['drama', 'comedy', 'documentary'] } },
      overrides: [
        { name: 'holidays', from: '2026-12-15', to: '2027-01-05', set: { boosts: { holiday: 3 }, scenarios: { avod: { window_days: 14 } } } },
        { name: 'inactive', from: '2027-02-01', to: '2027-02-10', set: { scenarios: { trending: { enabled: false } } } },
      ],
    },
  },
  {
    name: 'frequency cap, avod segments, holdout 25%, short dedup window, history 60 days, rules with no catch-all',
    profiles: 2500,
    seed: 14,
    date: '2026-11-22',
    config: {
      history_days: 60,
      dedup_window_days: 10,
      min_play_seconds: 120,
      selection: { max_sends_7d: 1, avod_segments: ['hibernating', 'needs_attention'] },
      holdout: { bps: 2500, salt: 'spring' },
      scenarios: { re_engagement: { enabled: false } },
      rfm: { r_days: [3, 10, 20, 45], segments: [{ name: 'hot', r_min: 5, m_min: 3 }, { name: 'hibernating', r_max: 1 }] },
    },
  },
];

for (const c of CASES) {
  test(`engine equals the SQL reference: ${c.name}`, async () => {
    const dir = tempDir();
    const data = join(dir, 'data');
    await generateDataset({ profiles: c.profiles, seed: c.seed, date: c.date, outDir: data });
    const config = configFromObject(c.config, c.name);
    const run = await runCampaign({ dataDir: data, date: c.date, outDir: join(dir, 'out'), config, workers: 2 });
    const engine = await readRunOutputs(run.outputDir);
    const reference = await runReference({ dataDir: data, date: c.date, config: effectiveConfig(config, c.date).config, threads: 1 });
    for (const name of SCENARIOS) expectEqual(engine.scenarios[name], reference.scenarios[name], `${name} rows`);
    expectEqual(engine.selection, reference.selection, 'selection rows');
    expectEqual(engine.payloads.length, reference.selection.filter((r) => r.status === 'send').length, 'payload lines');
  });
}
