import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { median, timed } from './process-timing.js';
import { writePlaysLayout } from './workloads/layout/plays-layout.js';
import type { PlaysLayout } from './workloads/layout/plays-layout.js';

/**
 * Issue 20's benchmark, one invocation on one dataset (a generated one, plays in one file):
 * 1. Rows, not files: the plays rewritten as `--layouts` (e.g. hive:2000,delta:2000; written
 *    once beside the dataset by bench/workloads/layout/plays-layout.ts) against the same rows in
 *    the same order as one file, runs alternated in pairs: median wall and peak RSS, and the
 *    median of the pairs' ratios.
 * 2. The engine against the tuned SQL reference (tests/reference) on day 1, alternated in pairs.
 * 3. The serial fraction: each whole process on 2 cores and pinned to one (`taskset -c 0`),
 *    alternated; Amdahl's law T(n) = T1·(s + (1 − s)/n) with s = 2·T2/T1 − 1, projected to 16 and
 *    64 cores, for the engine and the reference alike.
 * Every run is a whole process under GNU time; the machine's load average is recorded beside
 * each pair. Results go to `--results`/scale-out.{json,md}. The engine runs without the plays
 * cache (`--plays-cache-max-mb 0`: every run cold, as this issue measures them); `--cache` keeps
 * the default, where each of these runs (a fresh state directory) also writes the cache.
 *
 *   node dist/bench/scale-out.js --data /work/data/p1000000 --layouts hive:2000,delta:2000 --pairs 3
 */
const { values } = parseArgs({
  options: {
    data: { type: 'string' },
    layouts: { type: 'string', default: 'hive:2000,delta:2000' },
    pairs: { type: 'string', default: '3' },
    date: { type: 'string', default: '2026-11-22' },
    work: { type: 'string' },
    results: { type: 'string', default: 'bench/results' },
    skip: { type: 'string', default: '' },
    cache: { type: 'boolean', default: false },
  },
});
if (values.data === undefined) {
  process.stderr.write('usage: scale-out --data DIR [--layouts hive:N,delta:N] [--pairs 3] [--work DIR] [--results DIR] [--skip layouts,reference,cores] [--cache]\n');
  process.exit(2);
}
const data = resolve(values.data);
const work = resolve(values.work ?? `${data}-bench`);
const pairs = Number(values.pairs);
const skip = new Set(values.skip.split(',').filter((s) => s !== ''));
const D = values.date;
mkdirSync(work, { recursive: true });

interface Run {
  wallS: number;
  cpuS: number;
  peakRssMb: number;
  load1: number;
}

/** One whole process under GNU time (optionally pinned to core 0). */
function measure(args: string[], pinned = false): Run {
  const load1 = loadavg()[0]!;
  const m = timed([...(pinned ? ['taskset', '-c', '0'] : []), process.execPath, ...args]);
  return { wallS: m.wallS, cpuS: m.cpuS, peakRssMb: m.peakRssMb, load1 };
}

function engine(dataset: string, tag: string, pinned = false): Run {
  const out = join(work, `out-${tag}`);
  rmSync(out, { recursive: true, force: true });
  const cache = values.cache ? [] : ['--plays-cache-max-mb', '0'];
  const run = measure([resolve('dist/cli/main.js'), 'run', '--data', dataset, '--date', D, '--out', out, '--state', join(out, 'state'), '--quiet', ...cache], pinned);
  rmSync(out, { recursive: true, force: true });
  return run;
}

function reference(tag: string, pinned = false): Run {
  const out = join(work, `reference-${tag}`);
  rmSync(out, { recursive: true, force: true });
  const run = measure([resolve('dist/tests/reference/run-reference.js'), '--data', data, '--date', D, '--out', out], pinned);
  rmSync(out, { recursive: true, force: true });
  return run;
}

interface Paired {
  a: string;
  b: string;
  runs: { a: Run; b: Run }[];
}

/** `pairs` pairs, A then B, then B then A, alternating. */
function paired(a: string, b: string, runA: () => Run, runB: () => Run): Paired {
  const runs: { a: Run; b: Run }[] = [];
  for (let i = 0; i < pairs; i++) {
    if (i % 2 === 0) {
      const x = runA();
      runs.push({ a: x, b: runB() });
    } else {
      const y = runB();
      runs.push({ a: runA(), b: y });
    }
    const last = runs.at(-1)!;
    console.log(`  ${a}: ${last.a.wallS.toFixed(2)} s, ${last.a.peakRssMb} MB | ${b}: ${last.b.wallS.toFixed(2)} s, ${last.b.peakRssMb} MB (load ${last.a.load1.toFixed(1)})`);
  }
  return { a, b, runs };
}

const med = (p: Paired, side: 'a' | 'b', key: keyof Run): number => median(p.runs.map((r) => r[side][key]));
/** Median over the pairs of b ÷ a. */
const ratio = (p: Paired, key: keyof Run): number => median(p.runs.map((r) => r.b[key] / r.a[key]));
const loads = (p: Paired): string => {
  const all = p.runs.flatMap((r) => [r.a.load1, r.b.load1]);
  return `${Math.min(...all).toFixed(1)}–${Math.max(...all).toFixed(1)}`;
};

const report: Record<string, unknown> = { data, date: D, pairs, playsCache: values.cache, machine: { node: process.version, day: new Date().toISOString().slice(0, 10) } };
const md: string[] = [];

if (!skip.has('layouts')) {
  const single = join(work, 'plays-single');
  if (!existsSync(single)) await writePlaysLayout({ data, out: single, layout: 'single', files: 1 });
  const rows: string[] = [];
  const results: Record<string, unknown>[] = [];
  for (const spec of values.layouts.split(',').filter((s) => s !== '')) {
    const [layout, files] = spec.split(':') as [PlaysLayout, string];
    const dir = join(work, `plays-${layout}-${files}`);
    if (!existsSync(dir)) await writePlaysLayout({ data, out: dir, layout, files: Number(files) });
    console.log(`rows, not files: ${layout} ${files} files vs one file`);
    const p = paired('one file', `${layout} ${files}`, () => engine(single, 'single'), () => engine(dir, `${layout}-${files}`));
    results.push({ layout, files: Number(files), single: { wallS: med(p, 'a', 'wallS'), peakRssMb: med(p, 'a', 'peakRssMb') }, many: { wallS: med(p, 'b', 'wallS'), peakRssMb: med(p, 'b', 'peakRssMb') }, ratio: { wall: ratio(p, 'wallS'), cpu: ratio(p, 'cpuS'), rss: ratio(p, 'peakRssMb') }, runs: p.runs });
    rows.push(
      `| ${layout === 'hive' ? 'Hive by date and hour' : 'Delta table (one add per file)'} | ${Number(files).toLocaleString('en-US')} | ${med(p, 'a', 'wallS').toFixed(2)} s / ${med(p, 'a', 'peakRssMb')} MB | ${med(p, 'b', 'wallS').toFixed(2)} s / ${med(p, 'b', 'peakRssMb')} MB | ${ratio(p, 'wallS').toFixed(2)}× | ${ratio(p, 'cpuS').toFixed(2)}× | ${ratio(p, 'peakRssMb').toFixed(2)}× | ${loads(p)} |`,
    );
  }
  report['layouts'] = results;
  md.push(
    `Rows, not files (${data}, ${pairs} alternated pairs; the same rows in the same order as one file):`,
    '',
    '| plays as | files | one file | many files | wall ratio | CPU ratio | RSS ratio | load average |',
    '|---|---|---|---|---|---|---|---|',
    ...rows,
    '',
  );
}

if (!skip.has('reference')) {
  console.log('engine vs the tuned SQL reference, day 1');
  const p = paired('engine', 'reference', () => engine(data, 'day1'), () => reference('day1'));
  report['reference'] = { engine: { wallS: med(p, 'a', 'wallS'), peakRssMb: med(p, 'a', 'peakRssMb') }, reference: { wallS: med(p, 'b', 'wallS'), peakRssMb: med(p, 'b', 'peakRssMb') }, referenceOverEngine: ratio(p, 'wallS'), runs: p.runs };
  md.push(
    `Day 1 against the tuned SQL reference (${pairs} alternated pairs):`,
    '',
    '| engine | tuned SQL reference | reference ÷ engine (median of pairs) | load average |',
    '|---|---|---|---|',
    `| ${med(p, 'a', 'wallS').toFixed(2)} s / ${med(p, 'a', 'peakRssMb')} MB | ${med(p, 'b', 'wallS').toFixed(2)} s / ${med(p, 'b', 'peakRssMb')} MB | **${ratio(p, 'wallS').toFixed(2)}×** | ${loads(p)} |`,
    '',
  );
}

if (!skip.has('cores')) {
  const rows: string[] = [];
  const scaling: Record<string, unknown> = {};
  for (const [name, run] of [
    ['engine', (pinned: boolean) => engine(data, pinned ? 'one-core' : 'two-cores', pinned)],
    ['tuned SQL reference', (pinned: boolean) => reference(pinned ? 'one-core' : 'two-cores', pinned)],
  ] as [string, (pinned: boolean) => Run][]) {
    console.log(`${name}: 1 core (taskset -c 0) vs 2 cores`);
    const p = paired('1 core', '2 cores', () => run(true), () => run(false));
    const t1 = med(p, 'a', 'wallS');
    // Amdahl from each pair's T2/T1, then the median: s = 2·T2/T1 − 1.
    const s = median(p.runs.map((r) => 2 * (r.b.wallS / r.a.wallS) - 1));
    const at = (n: number): number => t1 * (s + (1 - s) / n);
    scaling[name] = { oneCoreS: t1, twoCoresS: med(p, 'b', 'wallS'), serialFraction: s, projected16S: at(16), projected64S: at(64), runs: p.runs };
    rows.push(`| ${name} | ${t1.toFixed(2)} s | ${med(p, 'b', 'wallS').toFixed(2)} s | **${(100 * s).toFixed(1)}%** | ${at(16).toFixed(2)} s | ${at(64).toFixed(2)} s | ${loads(p)} |`);
  }
  report['scaling'] = scaling;
  md.push(
    `Serial fraction (${pairs} alternated pairs, whole processes pinned to one core by \`taskset -c 0\` vs free on two; s = 2·T2/T1 − 1, median over pairs; Amdahl T(n) = T1·(s + (1 − s)/n)):`,
    '',
    '| | 1 core | 2 cores | serial fraction | projected 16 cores | projected 64 cores | load average |',
    '|---|---|---|---|---|---|---|',
    ...rows,
    '',
  );
}

mkdirSync(values.results, { recursive: true });
writeFileSync(join(values.results, 'scale-out.json'), JSON.stringify(report, null, 2) + '\n');
writeFileSync(join(values.results, 'scale-out.md'), md.join('\n'));
console.log(md.join('\n'));
