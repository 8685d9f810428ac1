import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

/**
 * End-to-end benchmark (issues 2 and 5): generates (and caches) datasets, then times whole
 * processes — the engine at each worker count, the input-read floor, and optionally the tuned
 * SQL reference — several runs each, reporting medians of wall time and peak RSS.
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
  },
});
const sizes = values.sizes.split(',').map(Number);
const workerCounts = values.workers.split(',').map(Number);
const runs = Number(values.runs);
const cli = resolve('dist/cli/main.js');
const workloadsCli = resolve('dist/bench/workloads/cli/main.js');

interface Measure {
  wallS: number;
  peakRssMb: number;
  phasesMs?: Record<string, number>;
}

/** Runs a command under GNU time and returns wall seconds, peak RSS and its stdout. */
function timed(args: string[]): Measure & { stdout: string } {
  const r = spawnSync('/usr/bin/time', ['-f', '%e %M', ...args], { encoding: 'utf8', maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`${args.join(' ')} failed (${r.status}):\n${r.stderr}`);
  const last = r.stderr.trim().split('\n').at(-1)!.split(' ');
  return { wallS: Number(last[0]), peakRssMb: Math.round(Number(last[1]) / 1024), stdout: r.stdout };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 === 1 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}

function summarise(samples: Measure[]): Measure & { runs: number; wallMinS: number; wallMaxS: number } {
  const phases: Record<string, number> = {};
  for (const key of Object.keys(samples[0]!.phasesMs ?? {})) phases[key] = median(samples.map((s) => s.phasesMs![key]!));
  const walls = samples.map((s) => s.wallS);
  return {
    runs: samples.length,
    wallS: median(walls),
    wallMinS: Math.min(...walls),
    wallMaxS: Math.max(...walls),
    peakRssMb: median(samples.map((s) => s.peakRssMb)),
    ...(samples[0]!.phasesMs === undefined ? {} : { phasesMs: phases }),
  };
}

const report: Record<string, unknown>[] = [];
for (const size of sizes) {
  const data = resolve(values.data, `p${size}`);
  if (!existsSync(join(data, 'dataset.json'))) {
    console.log(`generating ${size} profiles into ${data}`);
    timed(['node', workloadsCli, 'generate', '--profiles', String(size), '--seed', '1', '--date', values.date, '--out', data]);
  }
  const meta = JSON.parse(readFileSync(join(data, 'dataset.json'), 'utf8')) as { rows: Record<string, number> };
  const entry: Record<string, unknown> = { profiles: size, plays: meta.rows['plays'], engine: {} };
  for (const workers of workerCounts) {
    const samples: Measure[] = [];
    for (let i = 0; i < runs; i++) {
      const out = resolve(values.data, `out-${size}-${workers}`);
      const m = timed(['node', cli, 'run', '--data', data, '--date', values.date, '--out', out, '--workers', String(workers), '--json']);
      const manifest = JSON.parse(m.stdout) as { timings_ms: Record<string, number> };
      samples.push({ wallS: m.wallS, peakRssMb: m.peakRssMb, phasesMs: manifest.timings_ms });
    }
    (entry['engine'] as Record<string, unknown>)[`workers_${workers}`] = summarise(samples);
    console.log(`${size} profiles, ${workers} workers: ${JSON.stringify((entry['engine'] as Record<string, unknown>)[`workers_${workers}`])}`);
  }
  const floor: Measure[] = [];
  for (let i = 0; i < runs; i++) floor.push(timed(['node', resolve('dist/bench/read-floor.js'), '--data', data]));
  entry['read_floor'] = summarise(floor);
  if (values.reference) {
    const ref = timed(['node', resolve('dist/tests/reference/run-reference.js'), '--data', data, '--date', values.date, '--out', resolve(values.data, `reference-${size}`)]);
    entry['reference'] = { wallS: ref.wallS, peakRssMb: ref.peakRssMb };
  }
  const best = Math.min(...workerCounts.map((w) => ((entry['engine'] as Record<string, Measure>)[`workers_${w}`]!).wallS));
  entry['ratio_engine_to_floor'] = +(best / (entry['read_floor'] as Measure).wallS).toFixed(2);
  if (values.reference) entry['ratio_reference_to_engine'] = +((entry['reference'] as Measure).wallS / best).toFixed(2);
  report.push(entry);
}

mkdirSync(values.results, { recursive: true });
const machine = { cores: (await import('node:os')).availableParallelism(), node: process.version, date: new Date().toISOString().slice(0, 10) };
writeFileSync(join(values.results, 'end-to-end.json'), JSON.stringify({ machine, runs, report }, null, 2) + '\n');
const rows = report.map((e) => {
  const engine = e['engine'] as Record<string, ReturnType<typeof summarise>>;
  const cells = workerCounts.map((w) => `${engine[`workers_${w}`]!.wallS.toFixed(1)} s / ${engine[`workers_${w}`]!.peakRssMb} MB`);
  const floor = e['read_floor'] as Measure;
  const ref = e['reference'] as Measure | undefined;
  return `| ${(e['profiles'] as number).toLocaleString('en-US')} | ${(e['plays'] as number).toLocaleString('en-US')} | ${cells.join(' | ')} | ${floor.wallS.toFixed(1)} s | ${e['ratio_engine_to_floor']}× | ${ref === undefined ? '–' : `${ref.wallS.toFixed(1)} s / ${ref.peakRssMb} MB (${e['ratio_reference_to_engine']}×)`} |`;
});
// Worker scaling per phase: the sharded passes should speed up with workers, load/pools/validate/write less so.
const first = workerCounts[0]!;
const phaseRows = report.flatMap((e) => {
  const engine = e['engine'] as Record<string, ReturnType<typeof summarise>>;
  const base = engine[`workers_${first}`]!.phasesMs ?? {};
  return Object.keys(base).map((phase) => {
    const cells = workerCounts.map((w) => {
      const ms = engine[`workers_${w}`]!.phasesMs?.[phase] ?? Number.NaN;
      return w === first ? `${ms} ms` : `${ms} ms (${(base[phase]! / ms).toFixed(2)}×)`;
    });
    return `| ${(e['profiles'] as number).toLocaleString('en-US')} | ${phase} | ${cells.join(' | ')} |`;
  });
});
const md = [
  `Machine: ${machine.cores} cores, Node ${machine.node}, ${machine.date}; medians of ${runs} whole-process runs (wall / peak RSS).`,
  '',
  `| profiles | plays | ${workerCounts.map((w) => `engine, ${w} worker${w === 1 ? '' : 's'}`).join(' | ')} | read floor | engine ÷ floor | tuned SQL reference (÷ engine) |`,
  `|---|---|${workerCounts.map(() => '---|').join('')}---|---|---|`,
  ...rows,
  '',
  `Phase medians by worker count (speed-up over ${first} worker${first === 1 ? '' : 's'}):`,
  '',
  `| profiles | phase | ${workerCounts.map((w) => `${w} worker${w === 1 ? '' : 's'}`).join(' | ')} |`,
  `|---|---|${workerCounts.map(() => '---|').join('')}`,
  ...phaseRows,
].join('\n');
writeFileSync(join(values.results, 'end-to-end.md'), md + '\n');
console.log(md);
