import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Bench } from 'tinybench';
import { buildPools, firstUnexcluded } from '../kernels/build-pool.js';
import { fnv1a32 } from '../kernels/fnv1a.js';
import { groupOffsets } from '../kernels/group-offsets.js';
import { buildIdIndex, lookupIds } from '../kernels/id-index.js';
import { atLeastScore, recencyScore } from '../kernels/rfm-score.js';
import { createTopK, offerTopK } from '../kernels/top-k.js';

/**
 * Kernel micro-benchmarks (issue 5) with tinybench, on inputs sized like one 1M-profile run:
 * each task is one whole kernel call over arrays of that size, so ns per element is comparable
 * with the end-to-end phase timings. Results go to bench/results/kernels.{json,md}.
 */
const { values } = parseArgs({
  options: {
    results: { type: 'string', default: 'bench/results' },
    time: { type: 'string', default: '1000' },
  },
});

/** A deterministic xorshift stream, so every run benchmarks the same inputs. */
function random(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 4294967296;
  };
}

const rnd = random(42);
const PROFILES = 1_000_000;
const PLAYS = 5_000_000;
const SHOWS = 5_000;
const CLUSTERS = 200;

// Sparse, shuffled 53-bit-safe ids, as warehouse keys are.
const profileIds = new Float64Array(PROFILES);
for (let i = 0; i < PROFILES; i++) profileIds[i] = i * 7919 + 1_000_000_000 + Math.floor(rnd() * 7000);
const idIndex = buildIdIndex(profileIds).index;
const playProfileIds = new Float64Array(PLAYS);
for (let i = 0; i < PLAYS; i++) playProfileIds[i] = profileIds[Math.floor(rnd() * PROFILES)]!;
const playProfiles = new Int32Array(PLAYS);
lookupIds(idIndex, playProfileIds, playProfiles);

const counts = new Uint32Array(CLUSTERS * SHOWS);
for (let i = 0; i < counts.length; i++) counts[i] = Math.floor(rnd() * rnd() * 40);
const allowed = new Uint8Array(SHOWS).map(() => (rnd() < 0.9 ? 1 : 0));
const boost = new Float64Array(SHOWS).map(() => (rnd() < 0.1 ? 2 : 1));
const pools = buildPools(counts, CLUSTERS, SHOWS, allowed, boost, 3, 200);

const excluded = new Uint32Array(SHOWS);
const outShows = new Int32Array(5);
const outScores = new Float64Array(5);
const offers = new Float64Array(PROFILES * 8).map(() => Math.floor(rnd() * 50) * 60);
const top = createTopK(5);
const accountKeys = Array.from({ length: 100_000 }, (_, i) => `holdout-v1:${i * 31 + 7}`);
const days = new Int32Array(PROFILES).map(() => Math.floor(rnd() * 120) - 1);
const rThresholds = [7, 14, 30, 60];
const fThresholds = [20, 12, 6, 2];

let sink = 0;
const bench = new Bench({ time: Number(values.time), iterations: 16, warmupTime: 200 });
bench
  .add(`buildIdIndex: ${PROFILES.toLocaleString('en-US')} ids`, () => {
    sink += buildIdIndex(profileIds).duplicateAt;
  })
  .add(`lookupIds: ${PLAYS.toLocaleString('en-US')} ids`, () => {
    sink += lookupIds(idIndex, playProfileIds, playProfiles)[0]!;
  })
  .add(`groupOffsets: ${PLAYS.toLocaleString('en-US')} rows into ${PROFILES.toLocaleString('en-US')} groups`, () => {
    sink += groupOffsets(playProfiles, PROFILES).offsets[1]!;
  })
  .add(`buildPools: ${CLUSTERS} groups × ${SHOWS.toLocaleString('en-US')} shows`, () => {
    sink += buildPools(counts, CLUSTERS, SHOWS, allowed, boost, 3, 200).offsets[CLUSTERS]!;
  })
  .add(`firstUnexcluded: ${PROFILES.toLocaleString('en-US')} profiles, 3 exclusions each`, () => {
    for (let p = 0; p < PROFILES; p++) {
      const stamp = p + 1;
      const g = p % CLUSTERS;
      const from = pools.offsets[g]!;
      for (let j = 0; j < 3; j++) excluded[pools.shows[from + ((p + j * 2) % 8)]!] = stamp;
      sink += firstUnexcluded(pools.shows, pools.scores, from, pools.offsets[g + 1]!, excluded, stamp, 5, outShows, outScores);
    }
  })
  .add(`offerTopK: ${PROFILES.toLocaleString('en-US')} profiles × 8 candidates`, () => {
    for (let p = 0; p < PROFILES; p++) {
      top.size = 0;
      for (let j = 0; j < 8; j++) offerTopK(top, offers[p * 8 + j]!, j);
      sink += top.keys[0]!;
    }
  })
  .add(`fnv1a32: ${accountKeys.length.toLocaleString('en-US')} holdout keys`, () => {
    for (const key of accountKeys) sink ^= fnv1a32(key);
  })
  .add(`recency + frequency scores: ${PROFILES.toLocaleString('en-US')} accounts`, () => {
    for (let i = 0; i < PROFILES; i++) sink += recencyScore(days[i]! < 0 ? null : days[i]!, rThresholds) + atLeastScore(days[i]! & 31, fThresholds);
  });

await bench.run();

interface KernelResult {
  task: string;
  medianMs: number;
  meanMs: number;
  rmePercent: number;
  samples: number;
}
const results: KernelResult[] = bench.tasks.map((task) => {
  const r = task.result;
  if (r.state !== 'completed') throw new Error(`${task.name}: ${r.state === 'errored' ? r.error.message : r.state}`);
  return { task: task.name, medianMs: +r.latency.p50.toFixed(3), meanMs: +r.latency.mean.toFixed(3), rmePercent: +r.latency.rme.toFixed(1), samples: r.latency.samplesCount };
});

mkdirSync(values.results, { recursive: true });
const machine = { cores: availableParallelism(), node: process.version, date: new Date().toISOString().slice(0, 10) };
writeFileSync(join(values.results, 'kernels.json'), JSON.stringify({ machine, results, sink: sink !== 0 }, null, 2) + '\n');
const md = [
  `Machine: ${machine.cores} cores, Node ${machine.node}, ${machine.date}; tinybench, one task = one whole kernel call (median of its samples, ± relative margin of error).`,
  '',
  '| kernel | median | ± | samples |',
  '|---|---|---|---|',
  ...results.map((r) => `| ${r.task} | ${r.medianMs.toFixed(1)} ms | ${r.rmePercent}% | ${r.samples} |`),
].join('\n');
writeFileSync(join(values.results, 'kernels.md'), md + '\n');
console.log(md);
