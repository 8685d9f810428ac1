/*
 * Exclusion sets on a real history (issue 11): the recommend pass's per-profile "watched or
 * recently sent" set as generation-stamped typed arrays (what the engine uses) against roaring
 * bitmaps (CRoaring through the `roaring` package, which the design first named). Loads the
 * dataset's model (with a day-29 ledger when --state is given), builds the real pools, then
 * walks every eligible profile's cluster and trending pools both ways and checks they agree.
 *
 *   npm install --no-save roaring     # compiles CRoaring (~30 s); not a dependency of the engine
 *   node dist/bench/exclusion-sets.js --data DIR --date D [--state DIR] [--repeats 3]
 */
import { LocalDataset } from '../io/input/dataset.js';
import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import { defaultConfig } from '../engine/config/default-config.js';
import { formatDay, parseDay } from '../engine/dates.js';
import { loadDataset } from '../engine/load/load-dataset.js';
import { mergePools } from '../engine/merge/merge-pools.js';
import { createResults } from '../engine/phases/campaign-results.js';
import { phaseParams, RECS_PER_PROFILE } from '../engine/phases/phase-params.js';
import { profilePass } from '../engine/phases/profile-pass.js';
import type { Pool } from '../engine/phases/pools.js';
import { createShardRunner } from '../engine/pool/shard-runner.js';
import { ledgerHistory } from '../io/ledger/index.js';
import { firstUnexcluded } from '../kernels/build-pool.js';

/** The part of the `roaring` package used here (loaded by name so the engine does not depend on it). */
interface Bitmap {
  add(value: number): void;
  has(value: number): boolean;
  clear(): void;
}
interface RoaringModule {
  RoaringBitmap32: new () => Bitmap;
}

const { values } = parseArgs({ options: { data: { type: 'string' }, date: { type: 'string', default: '2026-11-22' }, state: { type: 'string' }, repeats: { type: 'string', default: '3' } } });
if (values.data === undefined) throw new Error('usage: node dist/bench/exclusion-sets.js --data DIR --date D [--state DIR]');
const packageName = 'roaring';
const loaded = (await import(packageName).catch(() => {
  throw new Error('install roaring first: npm install --no-save roaring');
})) as RoaringModule & { default?: RoaringModule };
// A CommonJS package: its exports arrive as the default export.
const roaring = loaded.default ?? loaded;

const day = parseDay(values.date);
const config = defaultConfig();
const lookback = { from: formatDay(day - Math.max(config.dedup_window_days, 7)), to: formatDay(day - 1) };
const ledger = values.state === undefined ? [] : (await ledgerHistory(values.state, lookback)).dates.filter((d) => d.date >= lookback.from && d.date <= lookback.to);
const runner = createShardRunner(2);
const { model } = await loadDataset({ dataset: new LocalDataset(values.data), day, config, ledgerWindow: ledger, ledgerAll: [], duckdbThreads: availableParallelism(), runner });
await runner.close();
const params = phaseParams(config);
const results = createResults(model.profileCount, model.accountCount);
const counts = profilePass(model, params, results, { accountFrom: 0, accountTo: model.accountCount, orphanFrom: 0, orphanTo: model.orphanProfiles.length });
const pools = mergePools(model, params, counts);
const { playOffsets, playContent, contentShow, sentOffsets, sentShows } = model;
console.log(`${model.profileCount.toLocaleString('en-US')} profiles, ${playContent.length.toLocaleString('en-US')} counted plays, ${sentShows.length.toLocaleString('en-US')} sends in the dedup window`);

const outShows = new Int32Array(RECS_PER_PROFILE);
const outScores = new Float64Array(RECS_PER_PROFILE);

/** Σ of the chosen shows, so both ways can be checked to pick the same. */
function stamps(): number {
  const excluded = new Uint32Array(model.showCount);
  let gen = 0;
  let check = 0;
  for (let p = 0; p < model.profileCount; p++) {
    if (model.profileIneligible[p] !== 0) continue;
    gen++;
    for (let i = playOffsets[p]!; i < playOffsets[p + 1]!; i++) excluded[contentShow[playContent[i]!]!] = gen;
    for (let j = sentOffsets[p]!; j < sentOffsets[p + 1]!; j++) excluded[sentShows[j]!] = gen;
    check += walk(pools.trending, model.profileRegion[p]!, excluded, gen);
    const cluster = model.profileCluster[p]!;
    if (cluster >= 0) check += walk(pools.cluster, cluster, excluded, gen);
  }
  return check;
}

function walk(pool: Pool, group: number, excluded: Uint32Array, gen: number): number {
  const n = firstUnexcluded(pool.shows, pool.scores, pool.offsets[group]!, pool.offsets[group + 1]!, excluded, gen, RECS_PER_PROFILE, outShows, outScores);
  let sum = 0;
  for (let r = 0; r < n; r++) sum += outShows[r]!;
  return sum;
}

function bitmaps(): number {
  const set = new roaring.RoaringBitmap32();
  let check = 0;
  const walkBitmap = (pool: Pool, group: number): number => {
    let sum = 0;
    let n = 0;
    for (let i = pool.offsets[group]!; i < pool.offsets[group + 1]! && n < RECS_PER_PROFILE; i++) {
      const show = pool.shows[i]!;
      if (set.has(show)) continue;
      sum += show;
      n++;
    }
    return sum;
  };
  for (let p = 0; p < model.profileCount; p++) {
    if (model.profileIneligible[p] !== 0) continue;
    set.clear();
    for (let i = playOffsets[p]!; i < playOffsets[p + 1]!; i++) set.add(contentShow[playContent[i]!]!);
    for (let j = sentOffsets[p]!; j < sentOffsets[p + 1]!; j++) set.add(sentShows[j]!);
    check += walkBitmap(pools.trending, model.profileRegion[p]!);
    const cluster = model.profileCluster[p]!;
    if (cluster >= 0) check += walkBitmap(pools.cluster, cluster);
  }
  return check;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const timesStamps: number[] = [];
const timesBitmaps: number[] = [];
let a = 0;
let b = 0;
for (let r = 0; r < Number(values.repeats); r++) {
  let t = performance.now();
  a = stamps();
  timesStamps.push(performance.now() - t);
  t = performance.now();
  b = bitmaps();
  timesBitmaps.push(performance.now() - t);
}
if (a !== b) throw new Error(`the two ways chose different shows (${a} vs ${b})`);
const s = median(timesStamps);
const m = median(timesBitmaps);
console.log(`stamp arrays: ${s.toFixed(0)} ms; roaring bitmaps: ${m.toFixed(0)} ms (${(m / s).toFixed(1)}× the stamps); medians of ${values.repeats}, one thread, same picks`);
