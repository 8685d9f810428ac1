import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { writePlaysLayout } from './workloads/layout/plays-layout.js';
import type { PlaysLayout } from './workloads/layout/plays-layout.js';

/**
 * Writes a dataset whose plays are many files (bench/workloads/layout/plays-layout.ts), for the
 * many-file benchmarks of issue 20:
 *
 *   node dist/bench/plays-layout.js --data /work/data/p1000000 --layout hive --files 2000 --out DIR
 */
const { values } = parseArgs({
  options: { data: { type: 'string' }, out: { type: 'string' }, layout: { type: 'string', default: 'hive' }, files: { type: 'string', default: '2000' } },
});
if (values.data === undefined || values.out === undefined || !['hive', 'delta', 'single'].includes(values.layout)) {
  process.stderr.write('usage: plays-layout --data DIR --out DIR --layout hive|delta|single [--files N]\n');
  process.exit(2);
}
const layout = values.layout as PlaysLayout;
await writePlaysLayout({ data: resolve(values.data), out: resolve(values.out), layout, files: Number(values.files) });
console.log(`${layout}: plays of ${resolve(values.data)} in ${resolve(values.out)}`);
