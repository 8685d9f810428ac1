/**
 * Manual/benchmark entry point for the reference implementation:
 *   node dist/tests/reference/run-reference.js --data DIR --date YYYY-MM-DD --out DIR [--config FILE] [--threads N] [--memory-limit 6GB]
 * Writes `<out>/scenarios/<scenario>.parquet` and `<out>/selection.parquet` and prints step timings as JSON.
 */
import { parseArgs } from 'node:util';
import { defaultConfig } from '../../engine/config/default-config.js';
import { effectiveConfig, loadConfigFile } from '../../engine/config/resolve-config.js';
import { runReferenceToParquet } from './reference-campaign.js';

const { values } = parseArgs({
  options: {
    data: { type: 'string' },
    date: { type: 'string' },
    out: { type: 'string' },
    config: { type: 'string' },
    threads: { type: 'string' },
    'memory-limit': { type: 'string' },
  },
});
if (values.data === undefined || values.date === undefined || values.out === undefined) {
  process.stderr.write('usage: run-reference --data DIR --date YYYY-MM-DD --out DIR [--config FILE] [--threads N] [--memory-limit SIZE]\n');
  process.exit(2);
}
const base = values.config === undefined ? defaultConfig() : loadConfigFile(values.config);
const timings = await runReferenceToParquet({
  dataDir: values.data,
  date: values.date,
  config: effectiveConfig(base, values.date).config,
  outDir: values.out,
  threads: values.threads === undefined ? undefined : Number(values.threads),
  memoryLimit: values['memory-limit'],
});
process.stdout.write(`${JSON.stringify({ totalMs: Math.round(timings.totalMs), steps: timings.steps.map((s) => ({ step: s.step, ms: Math.round(s.ms) })) }, null, 2)}\n`);
