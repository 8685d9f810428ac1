/**
 * The plays cache's nightly benchmark (issue 22): the warm run of a night (yesterday's plays
 * from the cache, the new day's file decoded) against the cold run of the same night (`--cold`:
 * every play decoded, the cache written anew), the engine without a cache
 * (`--plays-cache-max-mb 0`) and, with --reference, the tuned SQL reference — whole processes,
 * alternated in pairs, medians of the pair ratios, with the load average.
 *
 *   node dist/bench/plays-cache.js --data /work/data/p1000000 --work /work/data/nightly-p1000000 --pairs 3 --reference
 *
 * The first time, the dataset's plays are laid out as a lake (bench/workloads/layout/nightly-plays.ts:
 * a history file and a file per day) for the night before the dataset's date, that night is run
 * cold to build the cache, and the day's plays are appended as a new file (or Delta commit).
 * Every warm run then starts from that cache (a hard-linked copy: the cache never changes a file
 * in place).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { formatDay, parseDay } from '../engine/dates.js';
import { NightlyLake } from './workloads/layout/nightly-plays.js';
import type { LakeLayout } from './workloads/layout/nightly-plays.js';
import { median, timed } from './process-timing.js';

const { values } = parseArgs({
  options: {
    data: { type: 'string' },
    work: { type: 'string' },
    layout: { type: 'string', default: 'parquet' },
    pairs: { type: 'string', default: '3' },
    workers: { type: 'string', default: '2' },
    reference: { type: 'boolean', default: false },
    'no-nocache': { type: 'boolean', default: false },
  },
});
if (values.data === undefined || values.work === undefined) throw new Error('usage: plays-cache.js --data DATASET --work DIR [--layout parquet|delta] [--pairs N] [--reference]');
const layout = values.layout as LakeLayout;
const data = resolve(values.data);
const work = resolve(values.work, layout);
const D = (JSON.parse(readFileSync(join(data, 'dataset.json'), 'utf8')) as { date: string }).date;
const night0 = formatDay(parseDay(D, 'date') - 1);
const lake = join(work, 'lake');
const CLI = resolve('dist/cli/main.js');
const run = (out: string, state: string, ...extra: string[]): string[] => ['node', CLI, 'run', '--data', lake, '--date', D, '--out', join(work, out), '--state', join(work, state), '--workers', values.workers, '--quiet', ...extra];

if (!existsSync(join(work, 'ready'))) {
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  const nightly = await NightlyLake.create({ data, out: lake, layout, firstNight: night0, dailyDays: 14 });
  const first = timed(['node', CLI, 'run', '--data', lake, '--date', night0, '--out', join(work, 'out-base'), '--state', join(work, 'state-base'), '--workers', values.workers, '--quiet', '--cold']);
  console.log(`night ${night0} (cold, cache written): ${first.wallS} s`);
  await nightly.appendDay(night0);
  nightly.close();
  writeFileSync(join(work, 'ready'), '');
}

/** A fresh copy of the cache as the night before left it: hard links (pieces are immutable, the index is replaced by rename). */
function freshState(name: string): void {
  rmSync(join(work, name), { recursive: true, force: true });
  const r = spawnSync('cp', ['-al', join(work, 'state-base'), join(work, name)]);
  if (r.status !== 0) throw new Error(`cp -al failed: ${r.stderr.toString()}`);
}

interface Sample {
  wall: number;
  cpu: number;
  rss: number;
  load: number;
}
const manifestLoad = (out: string): number => (JSON.parse(readFileSync(join(work, out, D, 'manifest.json'), 'utf8')) as { timings_ms: { load: number } }).timings_ms.load / 1000;
const variants: Record<string, () => Sample> = {
  warm: () => {
    freshState('state-warm');
    rmSync(join(work, 'out-warm'), { recursive: true, force: true });
    const m = timed(run('out-warm', 'state-warm'));
    return { wall: m.wallS, cpu: m.cpuS, rss: m.peakRssMb, load: manifestLoad('out-warm') };
  },
  cold: () => {
    rmSync(join(work, 'state-cold'), { recursive: true, force: true });
    rmSync(join(work, 'out-cold'), { recursive: true, force: true });
    const m = timed(run('out-cold', 'state-cold', '--cold'));
    return { wall: m.wallS, cpu: m.cpuS, rss: m.peakRssMb, load: manifestLoad('out-cold') };
  },
  ...(values['no-nocache']
    ? {}
    : {
        nocache: () => {
          rmSync(join(work, 'out-nocache'), { recursive: true, force: true });
          const m = timed(run('out-nocache', 'state-nocache', '--plays-cache-max-mb', '0'));
          return { wall: m.wallS, cpu: m.cpuS, rss: m.peakRssMb, load: manifestLoad('out-nocache') };
        },
      }),
  ...(values.reference
    ? {
        reference: () => {
          const m = timed(['node', resolve('dist/tests/reference/run-reference.js'), '--data', lake, '--date', D, '--out', join(work, 'out-reference')]);
          return { wall: m.wallS, cpu: m.cpuS, rss: m.peakRssMb, load: Number.NaN };
        },
      }
    : {}),
};

const names = Object.keys(variants);
const samples: Record<string, Sample[]> = Object.fromEntries(names.map((n) => [n, []]));
const loads: number[] = [];
const pairs = Number(values.pairs);
for (let p = 0; p < pairs; p++) {
  loads.push(loadavg()[0]!);
  // Alternate the order: ABC, CBA, …
  for (const name of p % 2 === 0 ? names : [...names].reverse()) {
    const s = variants[name]!();
    samples[name]!.push(s);
    console.log(`pair ${p + 1} ${name}: ${s.wall} s wall, ${s.cpu.toFixed(1)} s CPU, ${s.rss} MB, load phase ${Number.isNaN(s.load) ? '–' : `${s.load} s`}`);
  }
}

const ratio = (a: string, b: string): { median: number; pairs: number[]; cpu_median: number } => {
  const r = samples[a]!.map((s, i) => s.wall / samples[b]![i]!.wall);
  const c = samples[a]!.map((s, i) => s.cpu / samples[b]![i]!.cpu);
  return { median: median(r), pairs: r.map((x) => Math.round(x * 1000) / 1000), cpu_median: median(c) };
};
const cacheBytes = spawnSync('du', ['-sb', join(work, 'state-warm', 'plays-cache')]).stdout.toString().split('\t')[0];
const summary = {
  date: new Date().toISOString(),
  dataset: data,
  layout,
  night: D,
  workers: Number(values.workers),
  load_average_1m: loads.map((l) => Math.round(l * 100) / 100),
  cache_bytes: Number(cacheBytes),
  medians: Object.fromEntries(names.map((n) => [n, { wall_s: median(samples[n]!.map((s) => s.wall)), cpu_s: median(samples[n]!.map((s) => s.cpu)), peak_rss_mb: median(samples[n]!.map((s) => s.rss)), load_phase_s: median(samples[n]!.map((s) => s.load)) }])),
  ratios: {
    warm_over_cold: ratio('warm', 'cold'),
    ...(samples['nocache'] === undefined ? {} : { warm_over_nocache: ratio('warm', 'nocache'), cold_over_nocache: ratio('cold', 'nocache') }),
    ...(samples['reference'] === undefined ? {} : { reference_over_warm: ratio('reference', 'warm'), reference_over_cold: ratio('reference', 'cold') }),
  },
  samples,
};
console.log(JSON.stringify({ ...summary, samples: undefined }, null, 2));
mkdirSync('bench/results', { recursive: true });
writeFileSync(join('bench/results', `plays-cache-${layout}-${(JSON.parse(readFileSync(join(data, 'dataset.json'), 'utf8')) as { profiles: number }).profiles}.json`), `${JSON.stringify(summary, null, 2)}\n`);
