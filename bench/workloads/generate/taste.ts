import { KIDS_CATEGORY, type Catalog } from './catalog.js';
import { Rng } from './prng.js';
import { STREAM } from './streams.js';

/** Zipf exponent of show popularity: the top show of a list gets ~1/H(n) of the picks. */
const ZIPF_EXPONENT = 1.05;
/** How far a cluster's or region's ranking strays from the global one (σ of log-rank noise). */
const LOCAL_NOISE = 1.6;

/**
 * Show popularity. A global Zipf-ranked order, and per cluster and per region a noisy variant of
 * it (log-rank plus Gaussian noise), so pools differ by cluster and region while sharing hits.
 * Kids profiles mostly pick kids shows, AVOD-plan profiles mostly AVOD shows.
 */
export interface Taste {
  showCount: number;
  /** Cumulative Zipf weights over ranks 0..showCount-1. */
  zipf: Float64Array;
  globalOrder: Uint32Array;
  /** clusterOrder[c * showCount + rank] = show index. */
  clusterOrder: Uint32Array;
  /** regionOrder[r * showCount + rank]; one extra region for unmapped countries. */
  regionOrder: Uint32Array;
  kidsOrder: Uint32Array;
  kidsZipf: Float64Array;
  avodOrder: Uint32Array;
  avodZipf: Float64Array;
}

export function buildTaste(seed: number, catalog: Catalog, clusters: number, regions: number): Taste {
  const n = catalog.showCount;
  const rng = new Rng(seed, STREAM.taste);
  const globalOrder = Uint32Array.from({ length: n }, (_, i) => i);
  rng.shuffle(globalOrder);
  const logRank = new Float64Array(n);
  globalOrder.forEach((show, rank) => {
    logRank[show] = Math.log(rank + 1);
  });
  const kids = globalOrder.filter((s) => catalog.showCategory[s] === KIDS_CATEGORY);
  const avod = globalOrder.filter((s) => catalog.showHasAvod[s] === 1);
  return {
    showCount: n,
    zipf: zipfWeights(n),
    globalOrder,
    clusterOrder: localOrders(rng, logRank, clusters),
    regionOrder: localOrders(rng, logRank, regions + 1),
    kidsOrder: kids,
    kidsZipf: zipfWeights(kids.length),
    avodOrder: avod,
    avodZipf: zipfWeights(avod.length),
  };
}

/** A show for one viewing session; cluster < 0 means the profile has no cluster. */
export function pickShow(taste: Taste, rng: Rng, cluster: number, region: number, kids: boolean, avodPlan: boolean): number {
  if (kids && taste.kidsOrder.length > 0 && rng.chance(0.8)) return taste.kidsOrder[rng.pick(taste.kidsZipf)]!;
  if (avodPlan && taste.avodOrder.length > 0 && rng.chance(0.7)) return taste.avodOrder[rng.pick(taste.avodZipf)]!;
  const u = rng.float();
  const rank = rng.pick(taste.zipf);
  if (cluster >= 0 && u < 0.55) return taste.clusterOrder[cluster * taste.showCount + rank]!;
  if (u < 0.85) return taste.regionOrder[region * taste.showCount + rank]!;
  return taste.globalOrder[rank]!;
}

function zipfWeights(n: number): Float64Array {
  const out = new Float64Array(n);
  let sum = 0;
  for (let k = 0; k < n; k++) {
    sum += 1 / Math.pow(k + 1, ZIPF_EXPONENT);
    out[k] = sum;
  }
  return out;
}

function localOrders(rng: Rng, logRank: Float64Array, groups: number): Uint32Array {
  const n = logRank.length;
  const out = new Uint32Array(groups * n);
  const key = new Float64Array(n);
  const order = Uint32Array.from({ length: n }, (_, i) => i);
  for (let g = 0; g < groups; g++) {
    for (let s = 0; s < n; s++) key[s] = logRank[s]! + LOCAL_NOISE * rng.normal();
    // Ties are impossible in practice but the index tie-break keeps the sort deterministic anyway.
    order.sort((a, b) => key[a]! - key[b]! || a - b);
    out.set(order, g * n);
  }
  return out;
}
