import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'vitest';
import { buildCampaignReport } from '../../../engine/report/build-campaign-report.js';
import type { CampaignReport } from '../../../engine/report/report-types.js';
import { runCampaign } from '../../../engine/run-campaign.js';
import { generateDataset } from '../../../bench/workloads/generate/generate-dataset.js';
import { simulateOutcomes } from '../../../bench/workloads/outcomes/simulate-outcomes.js';
import { expectEqual } from '../../support/expect-equal.js';
import { tempDir } from '../../support/temp-dir.js';

const MAIN = fileURLToPath(new URL('../../../cli/main.js', import.meta.url));
const D = '2026-11-22';
const UPLIFT = 0.5;
const BASE_RATE = 0.1;

test('a simulated run with a known uplift: the report recovers it within its 95% interval', async () => {
  const root = tempDir('simulated-uplift-');
  const data = join(root, 'data');
  const out = join(root, 'out');
  await generateDataset({ profiles: 30_000, seed: 7, date: D, outDir: data, playsFiles: 2 });
  await runCampaign({ dataDir: data, date: D, outDir: out });
  const simulated = await simulateOutcomes({ dataDir: data, outDir: out, date: D, uplift: UPLIFT, baseRate: BASE_RATE });
  const report = await buildCampaignReport({ outDir: out, dataDir: data, from: D, to: D });

  // The generator's own plays on D already convert some accounts, in both arms: the simulator
  // tops each arm up to its target instead of adding to them, which would dilute the relative lift.
  assert.ok(simulated.send.already_converted > 0 && simulated.holdout.already_converted > 0, 'the generator left no conversions to account for');
  expectEqual(simulated.warning, null);
  expectEqual([simulated.send.expected_rate, simulated.holdout.expected_rate].map((r) => r.toFixed(12)), [(BASE_RATE * (1 + UPLIFT)).toFixed(12), BASE_RATE.toFixed(12)]);

  // The report counts exactly the conversions that are in the data (the noise — other shows, short
  // plays, plays after the window — is filtered out) ...
  const lift = report.dates[0]!.lift;
  expectEqual([lift.sent.accounts, lift.holdout.accounts], [simulated.send.accounts, simulated.holdout.accounts]);
  expectEqual(lift.sent.conversions, simulated.send.already_converted + simulated.send.simulated_conversions);
  expectEqual(lift.holdout.conversions, simulated.holdout.already_converted + simulated.holdout.simulated_conversions);
  expectEqual(report.dates[0]!.window_complete, true);
  expectEqual(lift.sufficient, true);

  // ... and recovers the true uplift: the interval holds it and excludes no effect.
  const [low, high] = lift.relative!.ci95;
  assert.ok(low <= UPLIFT && UPLIFT <= high, `relative lift ${lift.relative!.value} [${low}, ${high}] misses ${UPLIFT}`);
  assert.ok(low > 0, `relative lift interval [${low}, ${high}] includes 0`);
  const [absLow, absHigh] = lift.absolute!.ci95;
  assert.ok(absLow <= BASE_RATE * UPLIFT && BASE_RATE * UPLIFT <= absHigh, `absolute lift [${absLow}, ${absHigh}] misses ${BASE_RATE * UPLIFT}`);

  // The CLI writes the same report as JSON and HTML.
  const r = spawnSync(process.execPath, [MAIN, 'report', '--out', out, '--data', data, '--from', D, '--to', D], { encoding: 'utf8' });
  expectEqual(r.status, 0, r.stderr);
  const dir = join(out, 'reports', `${D}_${D}`);
  assert.match(r.stdout, new RegExp(`^${D} +[\\d,]+ +[\\d,]+ +[\\d.]+% +[\\d,]+`, 'm'));
  assert.ok(r.stdout.includes(join(dir, 'report.json')), r.stdout);
  const written = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as CampaignReport;
  expectEqual({ ...written, generated_at: '' }, { ...report, generated_at: '' });
  assert.match(readFileSync(join(dir, 'report.html'), 'utf8'), /^<!doctype html>/i);
});
