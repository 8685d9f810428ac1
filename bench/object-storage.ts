/**
 * A dataset read from an S3-compatible server on 127.0.0.1 (s3rver, started here) against the same
 * files on the local disk: whole `campaign run` processes under GNU time, in rotating order —
 *
 * - local: `--data DIR`;
 * - cold: `--data s3://bench/ds` with an empty cache (every file downloaded);
 * - warm: the same URL with the cache a previous run filled (one LIST per table, the Delta hints,
 *   no data file downloaded).
 *
 * Prints medians of wall time and of the load phase, the bytes downloaded and GET requests (from
 * the manifest's `inputs.transfer`), and the medians of the paired ratios to the local run.
 *
 *   node dist/bench/object-storage.js --data /work/data/p1000000 [--date 2026-11-22] [--runs 3] [--workers N]
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { median } from './process-timing.js';
import { S3_KEYS, S3Server } from './workloads/storage/s3-server.js';

const { values } = parseArgs({ options: { data: { type: 'string' }, date: { type: 'string', default: '2026-11-22' }, runs: { type: 'string', default: '3' }, workers: { type: 'string' } } });
if (values.data === undefined) throw new Error('usage: node dist/bench/object-storage.js --data DIR [--date D] [--runs N] [--workers N]');
const runs = Number(values.runs);
const work = mkdtempSync(join(tmpdir(), 'bench-object-storage-'));

type Variant = 'local' | 'cold' | 'warm';
interface Sample {
  wallS: number;
  loadMs: number;
  bytes: number;
  gets: number;
}

function engineRun(variant: Variant, server: S3Server, round: number): Sample {
  const data = variant === 'local' ? resolve(values.data!) : 's3://bench/ds';
  const cache = variant === 'cold' ? join(work, `cache-cold-${round}`) : join(work, 'cache-warm');
  const storage = ['AWS_ENDPOINT_URL', server.endpoint, 'AWS_ALLOW_HTTP', 'true', 'AWS_REGION', 'us-east-1', 'CACHE_DIR', cache];
  // Without the plays cache: each variant's state would otherwise make its later rounds skip the decode.
  const args = [resolve('dist/cli/main.js'), 'run', '--data', data, '--date', values.date!, '--out', join(work, `out-${variant}`), '--quiet', '--json', '--plays-cache-max-mb', '0'];
  for (let i = 0; i < storage.length; i += 2) args.push('--storage', `${storage[i]}=${storage[i + 1]}`);
  if (values.workers !== undefined) args.push('--workers', values.workers);
  const r = spawnSync('/usr/bin/time', ['-f', '%e', process.execPath, ...args], { encoding: 'utf8', maxBuffer: 1 << 28, env: { ...process.env, ...S3_KEYS } });
  if (r.status !== 0) throw new Error(`${variant} run failed: ${r.stderr}`);
  const manifest = JSON.parse(r.stdout) as { timings_ms: Record<string, number>; inputs: { transfer?: { bytes_downloaded: number; get_requests: number } } };
  if (variant === 'cold') rmSync(cache, { recursive: true, force: true });
  return { wallS: Number(r.stderr.trim().split('\n').at(-1)), loadMs: manifest.timings_ms['load']!, bytes: manifest.inputs.transfer?.bytes_downloaded ?? 0, gets: manifest.inputs.transfer?.get_requests ?? 0 };
}

const server = await S3Server.start(['bench']);
try {
  const started = performance.now();
  await server.upload(resolve(values.data), 'bench', 'ds');
  console.log(`uploaded ${values.data} to s3rver in ${((performance.now() - started) / 1000).toFixed(1)} s; load average before: ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  engineRun('warm', server, -1); // fills the warm cache
  const samples: Record<Variant, Sample[]> = { local: [], cold: [], warm: [] };
  const orders: Variant[][] = [
    ['local', 'cold', 'warm'],
    ['warm', 'cold', 'local'],
    ['cold', 'local', 'warm'],
  ];
  for (let r = 0; r < runs; r++) for (const v of orders[r % orders.length]!) samples[v].push(engineRun(v, server, r));
  for (const [name, s] of Object.entries(samples)) {
    console.log(`${name}: wall median ${median(s.map((x) => x.wallS)).toFixed(2)} s, load phase median ${median(s.map((x) => x.loadMs))} ms, downloaded ${(median(s.map((x) => x.bytes)) / 1e6).toFixed(1)} MB in ${median(s.map((x) => x.gets))} GETs (${runs} runs)`);
  }
  for (const v of ['cold', 'warm'] as const) {
    const ratio = (key: 'wallS' | 'loadMs'): string => median(samples[v].map((x, i) => x[key] / samples.local[i]![key])).toFixed(2);
    console.log(`${v} ÷ local, medians of paired ratios: wall ${ratio('wallS')}, load phase ${ratio('loadMs')}`);
  }
  console.log(`load average after: ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
} finally {
  await server.stop();
  rmSync(work, { recursive: true, force: true });
}
