import { availableParallelism, tmpdir } from 'node:os';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { median, timed } from './process-timing.js';
import type { ProcessMeasure } from './process-timing.js';

/**
 * `campaign preview` against one `campaign run` of the same new config (issue 13), as whole
 * processes in pairs: each pair runs both back to back, alternating which goes first, so load on a
 * shared machine hits both alike; the figure is the median of the pairs' ratios. Two configs: one
 * that shares the load (boosts and a category filter) and one that must load twice (history_days).
 * Results go to bench/results/preview.{json,md}.
 */
const { values } = parseArgs({
  options: {
    data: { type: 'string', default: 'bench/data/p1000000' },
    date: { type: 'string', default: '2026-11-22' },
    pairs: { type: 'string', default: '5' },
    workers: { type: 'string', default: String(availableParallelism()) },
    configs: { type: 'string', default: 'shared,reload' },
    results: { type: 'string', default: 'bench/results' },
  },
});
const data = resolve(values.data);
if (!existsSync(join(data, 'dataset.json'))) {
  throw new Error(`no dataset in ${data}: node dist/bench/workloads/cli/main.js generate --profiles 1000000 --seed 1 --date ${values.date} --out ${values.data}`);
}
const pairs = Number(values.pairs);
const cli = resolve('dist/cli/main.js');
const CONFIGS: Record<string, { yaml: string; what: string }> = {
  shared: { yaml: 'boosts: {holiday: 3}\nscenarios:\n  trending: {exclude_categories: [kids]}\n', what: 'boosts.holiday 3, trending excludes kids (one shared load)' },
  reload: { yaml: 'history_days: 60\nboosts: {holiday: 3}\n', what: 'history_days 60, boosts.holiday 3 (loads twice)' },
};

const scratch = mkdtempSync(join(tmpdir(), 'bench-preview-'));
const report: Record<string, unknown>[] = [];
try {
  for (const kind of values.configs.split(',')) {
    const config = join(scratch, `${kind}.yaml`);
    writeFileSync(config, CONFIGS[kind]!.yaml);
    const run = (): ProcessMeasure => {
      const out = join(scratch, 'out');
      rmSync(out, { recursive: true, force: true });
      return timed(['node', cli, 'run', '--data', data, '--date', values.date, '--out', out, '--config', config, '--workers', values.workers, '--json', '--quiet']);
    };
    const preview = (): ProcessMeasure => timed(['node', cli, 'preview', '--data', data, '--date', values.date, '--config', config, '--workers', values.workers, '--json', '--quiet']);
    const runs: ProcessMeasure[] = [];
    const previews: ProcessMeasure[] = [];
    for (let i = 0; i < pairs; i++) {
      if (i % 2 === 0) {
        runs.push(run());
        previews.push(preview());
      } else {
        previews.push(preview());
        runs.push(run());
      }
      console.log(`${kind} pair ${i + 1}: run ${runs[i]!.wallS} s, preview ${previews[i]!.wallS} s`);
    }
    const phases = previews.map((p) => (JSON.parse(p.stdout) as { timingsMs: Record<string, number> }).timingsMs);
    const ratios = runs.map((r, i) => previews[i]!.wallS / r.wallS);
    report.push({
      config: kind,
      what: CONFIGS[kind]!.what,
      pairs,
      runWallS: median(runs.map((r) => r.wallS)),
      previewWallS: median(previews.map((p) => p.wallS)),
      ratio: median(ratios),
      ratioMin: Math.min(...ratios),
      ratioMax: Math.max(...ratios),
      runPeakRssMb: median(runs.map((r) => r.peakRssMb)),
      previewPeakRssMb: median(previews.map((p) => p.peakRssMb)),
      previewPhasesMs: Object.fromEntries(Object.keys(phases[0]!).map((k) => [k, median(phases.map((p) => p[k] ?? 0))])),
    });
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}

const meta = JSON.parse(readFileSync(join(data, 'dataset.json'), 'utf8')) as { profiles?: number; rows: Record<string, number> };
const machine = { cores: availableParallelism(), node: process.version, date: new Date().toISOString().slice(0, 10), workers: Number(values.workers) };
mkdirSync(values.results, { recursive: true });
writeFileSync(join(values.results, 'preview.json'), `${JSON.stringify({ machine, data, plays: meta.rows['plays'], results: report }, null, 2)}\n`);
const s = (x: number): string => `${x.toFixed(1)} s`;
const md = [
  `Machine: ${machine.cores} cores, Node ${machine.node}, ${machine.date}, ${machine.workers} workers; ${pairs} pairs of whole processes, alternating order; medians.`,
  '',
  '| new config | run | preview (both configs) | preview ÷ run (pairs' + "'" + ' range) | peak RSS run / preview | preview phases |',
  '|---|---|---|---|---|---|',
  ...report.map((r) => {
    const p = r['previewPhasesMs'] as Record<string, number>;
    const phases = Object.entries(p)
      .filter(([k]) => k !== 'total')
      .map(([k, v]) => `${k} ${s(v / 1000)}`)
      .join(', ');
    return `| ${String(r['what'])} | ${s(r['runWallS'] as number)} | ${s(r['previewWallS'] as number)} | ${(r['ratio'] as number).toFixed(2)}× (${(r['ratioMin'] as number).toFixed(2)}–${(r['ratioMax'] as number).toFixed(2)}) | ${String(r['runPeakRssMb'])} / ${String(r['previewPeakRssMb'])} MB | ${phases} |`;
  }),
  '',
].join('\n');
writeFileSync(join(values.results, 'preview.md'), md);
console.log(md);
