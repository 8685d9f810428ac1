import { parseArgs } from 'node:util';
import { defaultConfig } from '../engine/config/default-config.js';
import { effectiveConfig } from '../engine/config/resolve-config.js';
import { runReference } from '../tests/reference/reference-campaign.js';

/** Runs the tuned DuckDB SQL reference (tests/reference) as its own process, for the side-by-side benchmark. */
const { values } = parseArgs({ options: { data: { type: 'string' }, date: { type: 'string' } } });
if (values.data === undefined || values.date === undefined) throw new Error('usage: node dist/bench/reference-run.js --data DIR --date D');
const started = performance.now();
const result = await runReference({ dataDir: values.data, date: values.date, config: effectiveConfig(defaultConfig(), values.date).config });
console.log(JSON.stringify({ selection: result.selection.length, wallMs: Math.round(performance.now() - started) }));
