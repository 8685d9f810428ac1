import { join } from 'node:path';
import { generateDataset } from '../../bench/workloads/generate/generate-dataset.js';
import { tempDir } from './temp-dir.js';

/** The campaign date the generated datasets are shaped around. */
export const GENERATED_DATE = '2026-11-22';

/**
 * A synthetic dataset (SPEC §2) of `profiles` profiles with the plays in `playsFiles` files, big
 * enough for a load that takes a while (60k profiles: ~1.8M plays), removed when the test file ends.
 */
export async function generatedDataset(profiles: number, playsFiles = 1): Promise<string> {
  const dir = join(tempDir('generated-'), 'data');
  await generateDataset({ profiles, seed: 1, date: GENERATED_DATE, outDir: dir, playsFiles });
  return dir;
}
