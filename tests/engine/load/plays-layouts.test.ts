import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { SCENARIOS } from '../../../engine/config/config-types.js';
import { runCampaign } from '../../../engine/run-campaign.js';
import type { RunCampaignResult } from '../../../engine/run-campaign.js';
import { generateDataset } from '../../../bench/workloads/generate/generate-dataset.js';
import { writePlaysLayout } from '../../../bench/workloads/layout/plays-layout.js';
import type { PlaysLayout } from '../../../bench/workloads/layout/plays-layout.js';
import { expectEqual } from '../../support/expect-equal.js';
import { tempDir } from '../../support/temp-dir.js';

const D = '2026-11-22';
const TABLES = [...SCENARIOS.map((s) => `scenarios/${s}.parquet`), 'selection.parquet'];

/** What a run published, with the run id (it hashes the input files) taken out of the payloads. */
function published(run: RunCampaignResult): Record<string, string> {
  const digest = (bytes: Buffer | string): string => createHash('sha256').update(bytes).digest('hex');
  const files = Object.fromEntries(TABLES.map((f) => [f, digest(readFileSync(join(run.outputDir, f)))]));
  const payloads = readFileSync(join(run.outputDir, 'payloads.ndjson'), 'utf8').replaceAll(`"run_id":"${run.runId}"`, '');
  return { ...files, payloads: digest(payloads), counts: JSON.stringify(run.counts) };
}

/** SPEC §2: the result does not depend on how the plays' rows are split into files. */
describe('plays as many files', () => {
  const dir = tempDir('plays-layouts-');
  const base = join(dir, 'base');
  let expected: Record<string, string>;

  beforeAll(async () => {
    await generateDataset({ profiles: 2500, seed: 9, date: D, outDir: base });
    expected = published(await runCampaign({ dataDir: base, date: D, outDir: join(dir, 'out-base'), workers: 2 }));
  }, 120_000);

  for (const [layout, files] of [
    ['single', 1],
    ['hive', 150],
    ['delta', 150],
  ] as [PlaysLayout, number][]) {
    it(`${layout === 'single' ? 'one file in time order' : `${files} files by date and hour${layout === 'delta' ? ' in a Delta table' : ''}`}: the same outputs`, async () => {
      const data = join(dir, layout);
      await writePlaysLayout({ data: base, out: data, layout, files });
      for (const workers of [2]) {
        const run = await runCampaign({ dataDir: data, date: D, outDir: join(dir, `out-${layout}-${workers}`), workers });
        expectEqual(published(run), expected, `${layout}, ${workers} workers`);
        expect(run.counts['plays']!['counted']).toBeGreaterThan(0);
      }
    }, 120_000);
  }
});
