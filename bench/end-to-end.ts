import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { median, timed } from './process-timing.js';

/**
 * End-to-end benchmark (issues 2, 5 and 11): generates (and caches) datasets and their day-29
 * state (28 dates of accepted sends in the ledger, bench/day29-history.ts), then times whole
 * processes, several runs each, medians of wall time and peak RSS:
 * - the engine on day 1 at each worker count, and on day 29 (history in the ledger, and the same
 *   history as a `sends` table);
 * - the tuned SQL reference (tests/reference) on day 1 and on day 29 (history as `sends` table);
 * - the floor: DuckDB alone scanning exactly the columns the engine reads (bench/scan-floor.ts);
 * - per phase: the share of wall time the workers sat idle, and main-thread-only time.
 * Results go to bench/results/end-to-end.{json,md}.
 */
const { values } = parseArgs({
  options: {
    sizes: { type: 'string', default: '100000,1000000' },
    workers: { type: 'string', default: '1,2' },
    runs: { type: 'string', default: '3' },
    date: { type: 'string', default: '2026-11-22' },
    data: { type: 'string', default: 'bench/data' },
    results: { type: 'string', default: 'bench/results' },
    reference: { type: 'boolean', default: false },
    /** Runs to leave out, e.g. `floor,table` (the DuckDB floor; day 29 with the history as a `sends` table). */
    skip: { type: 'string', default: '' },
  },
});
const skip = new Set(values.skip.split(',').filter((x) => x !== ''));
const sizes = values.sizes.split(',').map(Number);
const workerCounts = values.workers.split(',').map(Number);
const maxWorkers = Math.max(...workerCounts);
const runs = Number(values.runs);
const cli = resolve('dist/cli/main.js');
const workloadsCli = resolve('dist/bench/workloads/cli/main.js');
const D = values.date;

interface Measure {
  wallS: number;
  peakRssMb: number;
  phasesMs?: Record<string, number>;
  workerUse?: WorkerUse;
}

interface WorkerUse {
  threads: number;
  phases: Record<string, { idle_share: number; main_thread_only_ms: number }>;
  main_thread_only_ms: number;
}

type Summary = Measure & { runs: number; wallMinS: number; wallMaxS: number };

function summarise(samples: Measure[]): Summary {
  const walls = samples.map((s) => s.wallS);
  const out: Summary = { runs: samples.length, wallS: median(walls), wallMinS: Math.min(...walls), wallMaxS: Math.max(...walls), peakRssMb: median(samples.map((s) => s.peakRssMb)) };
  const first = samples[0]!;
  if (first.phasesMs !== undefined) out.phasesMs = Object.fromEntries(Object.keys(first.phasesMs).map((k) => [k, median(samples.map((s) => s.phasesMs![k]!))]));
  if (first.workerUse !== undefined) {
    const phases = Object.fromEntries(
      Object.keys(first.workerUse.phases).map((k) => [
        k,
        { idle_share: median(samples.map((s) => s.workerUse!.phases[k]!.idle_share)), main_thread_only_ms: median(samples.map((s) => s.workerUse!.phases[k]!.main_thread_only_ms)) },
      ]),
    );
    out.workerUse = { threads: first.workerUse.threads, phases, main_thread_only_ms: median(samples.map((s) => s.workerUse!.main_thread_only_ms)) };
  }
  return out;
}

function repeat(measure: () => Measure): Summary {
  return summarise(Array.from({ length: runs }, measure));
}

function engine(data: string, out: string, workers: number, state: string): Measure {
  // Every run cold and without the plays cache: a state directory shared by the runs would make
  // every run after the first a warm one (bench/plays-cache.ts measures the cache).
  const m = timed(['node', cli, 'run', '--data', data, '--date', D, '--out', out, '--state', state, '--workers', String(workers), '--json', '--plays-cache-max-mb', '0']);
  const manifest = JSON.parse(m.stdout) as { timings_ms: Record<string, number>; worker_use: WorkerUse };
  return { wallS: m.wallS, peakRssMb: m.peakRssMb, phasesMs: manifest.timings_ms, workerUse: manifest.worker_use };
}

const report: Record<string, unknown>[] = [];
for (const size of sizes) {
  const data = resolve(values.data, `p${size}`);
  if (!existsSync(join(data, 'dataset.json'))) {
    console.log(`generating ${size} profiles into ${data}`);
    timed(['node', workloadsCli, 'generate', '--profiles', String(size), '--seed', '1', '--date', D, '--out', data]);
  }
  const day29 = resolve(values.data, `p${size}-day29`);
  if (!existsSync(join(day29, 'data', 'sends.parquet'))) {
    console.log(`building the day-29 ledger of ${size} profiles into ${day29}`);
    timed(['node', resolve('dist/bench/day29-history.js'), '--data', data, '--date', D, '--work', day29]);
  }
  const ledger = join(day29, 'state');
  const noState = resolve(values.data, 'no-state');
  const meta = JSON.parse(readFileSync(join(data, 'dataset.json'), 'utf8')) as { rows: Record<string, number> };
  const entry: Record<string, unknown> = { profiles: size, plays: meta.rows['plays'] };
  const day1: Record<string, Summary> = {};
  for (const w of workerCounts) {
    day1[`workers_${w}`] = repeat(() => engine(data, resolve(values.data, `out-${size}-d1-${w}`), w, noState));
    console.log(`${size} profiles, day 1, ${w} workers: ${JSON.stringify(day1[`workers_${w}`])}`);
  }
  entry['day1'] = day1;
  entry['day29'] = repeat(() => engine(data, resolve(values.data, `out-${size}-d29`), maxWorkers, ledger));
  console.log(`${size} profiles, day 29 (ledger), ${maxWorkers} workers: ${JSON.stringify(entry['day29'])}`);
  if (!skip.has('table')) entry['day29_sends_table'] = repeat(() => engine(join(day29, 'data'), resolve(values.data, `out-${size}-d29t`), maxWorkers, noState));
  if (!skip.has('floor')) {
    entry['floor_day1'] = repeat(() => timed(['node', resolve('dist/bench/scan-floor.js'), '--data', data, '--date', D]));
    entry['floor_day29'] = repeat(() => timed(['node', resolve('dist/bench/scan-floor.js'), '--data', data, '--date', D, '--state', ledger]));
  }
  if (values.reference) {
    const reference = (dir: string, out: string): Measure => timed(['node', resolve('dist/tests/reference/run-reference.js'), '--data', dir, '--date', D, '--out', resolve(values.data, out)]);
    entry['reference_day1'] = repeat(() => reference(data, `reference-${size}`));
    entry['reference_day29'] = repeat(() => reference(join(day29, 'data'), `reference-${size}-d29`));
  }
  report.push(entry);
}

mkdirSync(values.results, { recursive: true });
const machine = { cores: (await import('node:os')).availableParallelism(), node: process.version, date: new Date().toISOString().slice(0, 10) };
writeFileSync(join(values.results, 'end-to-end.json'), JSON.stringify({ machine, runs, report }, null, 2) + '\n');

const cell = (m: Measure | undefined): string => (m === undefined ? '–' : `${m.wallS.toFixed(1)} s / ${m.peakRssMb} MB`);
const ratio = (a: number | undefined, b: number | undefined): string => (a === undefined || b === undefined ? '–' : `${(a / b).toFixed(2)}×`);
const n = (x: unknown): string => (x as number).toLocaleString('en-US');
const rows: string[] = [];
const phaseRows: string[] = [];
for (const e of report) {
  const day1 = e['day1'] as Record<string, Summary>;
  const best1 = day1[`workers_${maxWorkers}`]!;
  const d29 = e['day29'] as Summary;
  const d29t = e['day29_sends_table'] as Summary | undefined;
  const f1 = e['floor_day1'] as Summary | undefined;
  const f29 = e['floor_day29'] as Summary | undefined;
  const floorCell = (f: Summary | undefined): string => (f === undefined ? '–' : `${f.wallS.toFixed(1)} s`);
  const r1 = e['reference_day1'] as Summary | undefined;
  const r29 = e['reference_day29'] as Summary | undefined;
  const workerCells = (m: Record<string, Summary>): string => workerCounts.map((w) => cell(m[`workers_${w}`])).join(' | ');
  rows.push(`| ${n(e['profiles'])} | day 1 | ${workerCells(day1)} | ${floorCell(f1)} | ${ratio(best1.wallS, f1?.wallS)} | ${cell(r1)} | ${ratio(r1?.wallS, best1.wallS)} |`);
  const day29Cells = workerCounts.map((w) => (w === maxWorkers ? cell(d29) : '–')).join(' | ');
  rows.push(`| ${n(e['profiles'])} | day 29 (ledger) | ${day29Cells} | ${floorCell(f29)} | ${ratio(d29.wallS, f29?.wallS)} | ${cell(r29)} | ${ratio(r29?.wallS, d29.wallS)} |`);
  const tableCells = workerCounts.map((w) => (w === maxWorkers ? cell(d29t) : '–')).join(' | ');
  if (d29t !== undefined) rows.push(`| ${n(e['profiles'])} | day 29 (history as \`sends\` table) | ${tableCells} | – | – | – | ${ratio(r29?.wallS, d29t.wallS)} |`);
  rows.push(`| ${n(e['profiles'])} | day 29 ÷ day 1 | ${workerCounts.map((w) => (w === maxWorkers ? `wall ${ratio(d29.wallS, best1.wallS)}, RSS ${ratio(d29.peakRssMb, best1.peakRssMb)}` : '–')).join(' | ')} | | | | |`);
  const runsByLabel: [string, Summary][] = [...workerCounts.map((w): [string, Summary] => [`day 1, ${w} worker${w === 1 ? '' : 's'}`, day1[`workers_${w}`]!]), [`day 29, ${maxWorkers} workers`, d29]];
  for (const [label, m] of runsByLabel) {
    for (const [phase, ms] of Object.entries(m.phasesMs ?? {})) {
      const use = m.workerUse?.phases[phase];
      const idle = phase === 'total' ? `main thread only ${n(m.workerUse?.main_thread_only_ms ?? 0)} ms (${((100 * (m.workerUse?.main_thread_only_ms ?? 0)) / ms).toFixed(0)}% of wall)` : use === undefined ? '–' : `${(100 * use.idle_share).toFixed(0)}% idle, main thread only ${n(use.main_thread_only_ms)} ms`;
      phaseRows.push(`| ${n(e['profiles'])} | ${label} | ${phase} | ${n(ms)} ms | ${idle} |`);
    }
  }
}
const md = [
  `Machine: ${machine.cores} cores, Node ${machine.node}, ${machine.date}; medians of ${runs} whole-process runs (wall / peak RSS). Floor: DuckDB alone on every core scanning exactly the columns the engine reads (no JS).`,
  '',
  `| profiles | run | ${workerCounts.map((w) => `engine, ${w} worker${w === 1 ? '' : 's'}`).join(' | ')} | floor | engine ÷ floor | tuned SQL reference | reference ÷ engine |`,
  `|---|---|${workerCounts.map(() => '---|').join('')}---|---|---|---|`,
  ...rows,
  '',
  'Per phase (medians): wall time, the share of it in which the workers sat idle, and the time in which only the main thread (with its DuckDB) ran:',
  '',
  '| profiles | run | phase | wall | workers |',
  '|---|---|---|---|---|',
  ...phaseRows,
].join('\n');
writeFileSync(join(values.results, 'end-to-end.md'), md + '\n');
console.log(md);
