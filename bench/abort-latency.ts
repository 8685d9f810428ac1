import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { isCommittedCacheEntry } from '../io/plays-cache/cache-index.js';
import { median } from './process-timing.js';

/**
 * How fast `campaign run` stops on SIGTERM (issue 21), as an orchestrator stops a pod: SIGTERM at a
 * point of the run, then SIGKILL if it is still there after the grace period (Kubernetes' default
 * 30 s). The signal goes out the moment the run's JSON log reaches the point — each phase's start,
 * and inside the load the plays' decoding on the workers and the people on the main thread — and
 * the latency is from the signal to the process's exit. Every stopped run must exit 143 with
 * nothing published and no lock left. Results: bench/results/abort-latency.{json,md}.
 */
const { values } = parseArgs({
  options: {
    data: { type: 'string', default: 'bench/data/p1000000' },
    date: { type: 'string', default: '2026-11-22' },
    repeats: { type: 'string', default: '3' },
    workers: { type: 'string', default: String(availableParallelism()) },
    grace: { type: 'string', default: '30' },
    points: { type: 'string', default: 'load:accounts and profiles,load:plays,profiles,pools,recommend,validate,write' },
    results: { type: 'string', default: 'bench/results' },
  },
});
const data = resolve(values.data);
if (!existsSync(join(data, 'dataset.json'))) {
  throw new Error(`no dataset in ${data}: node dist/bench/workloads/cli/main.js generate --profiles 1000000 --seed 1 --date ${values.date} --out ${values.data}`);
}
const cli = resolve('dist/cli/main.js');
const graceMs = Number(values.grace) * 1000;

interface Stop {
  point: string;
  latencyMs: number;
  exit: number | null;
  killed: boolean;
  clean: boolean;
}

/** One run, stopped at `point` (`phase` or `phase:detail`). */
function stopAt(point: string, out: string): Promise<Stop> {
  const [phase, detail] = point.split(':') as [string, string | undefined];
  const child = spawn(process.execPath, [cli, 'run', '--data', data, '--date', values.date, '--out', out, '--workers', values.workers, '--log-format', 'json'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let sentAt: number | null = null;
  let killed = false;
  let grace: NodeJS.Timeout | undefined;
  createInterface({ input: child.stderr! }).on('line', (line) => {
    const record = JSON.parse(line) as Record<string, unknown>;
    const reached = record['phase'] === phase && (detail === undefined ? record['event'] === 'phase_start' : record['detail'] === detail);
    if (sentAt !== null || !reached) return;
    sentAt = performance.now();
    child.kill('SIGTERM');
    grace = setTimeout(() => {
      killed = true;
      child.kill('SIGKILL');
    }, graceMs);
  });
  return new Promise((done, fail) =>
    child.once('exit', (code) => {
      clearTimeout(grace);
      if (sentAt === null) return fail(new Error(`the run ended (${code}) before reaching ${point}`));
      // What may remain: an empty .runs/ and the plays cache a finished load committed (pieces and index; no temp file, no cache lock).
      const kept = (e: string): boolean => e === '.runs' || e === 'state' || (e.startsWith('state/') && isCommittedCacheEntry(e.slice('state/'.length)));
      const left = existsSync(out) ? readdirSync(out, { recursive: true }).map(String).filter((e) => !kept(e)) : [];
      done({ point, latencyMs: Math.round(performance.now() - sentAt), exit: code, killed, clean: left.length === 0 });
    }),
  );
}

const scratch = mkdtempSync(join(tmpdir(), 'bench-abort-'));
const stops: Stop[] = [];
const load = [loadavg()[0]!];
try {
  for (let r = 0; r < Number(values.repeats); r++) {
    for (const point of values.points.split(',')) {
      const out = join(scratch, 'out');
      rmSync(out, { recursive: true, force: true });
      const stop = await stopAt(point, out);
      stops.push(stop);
      load.push(loadavg()[0]!);
      console.log(`${point}: ${stop.latencyMs} ms, exit ${stop.exit}${stop.killed ? ' (SIGKILLed after the grace period)' : ''}${stop.clean ? '' : ' — LEFT FILES'}`);
    }
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}

const points = values.points.split(',').map((point) => {
  const mine = stops.filter((s) => s.point === point);
  const ms = mine.map((s) => s.latencyMs);
  return { point, runs: mine.length, median_ms: median(ms), max_ms: Math.max(...ms), exits: [...new Set(mine.map((s) => s.exit))], sigkilled: mine.filter((s) => s.killed).length, clean: mine.every((s) => s.clean) };
});
const all = stops.map((s) => s.latencyMs);
const report = {
  dataset: data,
  workers: Number(values.workers),
  grace_s: graceMs / 1000,
  load_average_1m: { min: Math.min(...load), max: Math.max(...load) },
  overall: { runs: stops.length, median_ms: median(all), max_ms: Math.max(...all), sigkilled: stops.filter((s) => s.killed).length },
  points,
};
mkdirSync(values.results, { recursive: true });
writeFileSync(join(values.results, 'abort-latency.json'), `${JSON.stringify(report, null, 2)}\n`);
const md = [
  `# Abort latency: SIGTERM to exit (\`node dist/bench/abort-latency.js\`)`,
  '',
  `Dataset ${data}, ${report.workers} workers, grace period ${report.grace_s} s, 1-minute load average ${report.load_average_1m.min.toFixed(1)}–${report.load_average_1m.max.toFixed(1)}.`,
  '',
  '| stopped at | runs | median | max | exit | SIGKILLed | nothing left |',
  '|---|---|---|---|---|---|---|',
  ...points.map((p) => `| ${p.point} | ${p.runs} | ${p.median_ms} ms | ${p.max_ms} ms | ${p.exits.join(', ')} | ${p.sigkilled} | ${p.clean ? 'yes' : 'NO'} |`),
  `| **all** | ${report.overall.runs} | ${report.overall.median_ms} ms | ${report.overall.max_ms} ms | | ${report.overall.sigkilled} | |`,
  '',
].join('\n');
writeFileSync(join(values.results, 'abort-latency.md'), md);
console.log(md);
