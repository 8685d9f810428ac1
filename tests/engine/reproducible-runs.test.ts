import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import { test } from 'vitest';
import { SCENARIOS } from '../../engine/config/config-types.js';
import { configFromObject } from '../../engine/config/resolve-config.js';
import { runCampaign } from '../../engine/run-campaign.js';
import { generateDataset } from '../../bench/workloads/generate/generate-dataset.js';
import { expectEqual } from '../support/expect-equal.js';
import { tempDir } from '../support/temp-dir.js';

const FILES = [...SCENARIOS.map((s) => `scenarios/${s}.parquet`), 'selection.parquet', 'payloads.ndjson'];

function digests(runDir: string): Record<string, string> {
  return Object.fromEntries(FILES.map((f) => [f, createHash('sha256').update(readFileSync(join(runDir, f))).digest('hex')]));
}

test('same inputs, config and date give byte-identical files with 1, 2 and 3 workers', async () => {
  const dir = tempDir();
  const data = join(dir, 'data');
  await generateDataset({ profiles: 4000, seed: 5, date: '2026-11-22', outDir: data, playsFiles: 3 });
  const runs = [];
  for (const workers of [1, 2, 3]) runs.push(await runCampaign({ dataDir: data, date: '2026-11-22', outDir: join(dir, `out-${workers}`), workers }));
  const [one, ...others] = runs.map((r) => ({ runId: r.runId, files: digests(r.outputDir) }));
  for (const other of others) expectEqual(other, one!);
  assert.ok(runs[0]!.counts['status']!['send']! > 0, 'the dataset produces sends');

  const changed = await runCampaign({ dataDir: data, date: '2026-11-22', outDir: join(dir, 'out-changed'), workers: 2, config: configFromObject({ holdout: { bps: 2000 } }, 'test') });
  assert.notEqual(changed.runId, one!.runId, 'the run id follows the config');
});
