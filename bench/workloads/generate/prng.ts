/**
 * xoshiro128** seeded through splitmix32: fast, small-state and reproducible across platforms
 * because it only uses 32-bit integer arithmetic. State words are kept as signed int32 so V8 keeps
 * them unboxed in the hot loops that draw ~100M numbers for a large dataset.
 */
export class Rng {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;

  /** A stream identified by a seed and any number of integer keys (table, row index, ...). */
  constructor(seed: number, ...keys: number[]) {
    let h = mixKeys(seed, keys);
    h = splitmix32(h);
    this.s0 = h;
    h = splitmix32(h);
    this.s1 = h;
    h = splitmix32(h);
    this.s2 = h;
    h = splitmix32(h);
    // An all-zero state would emit zeros forever; splitmix32 makes that astronomically unlikely, but cheap to rule out.
    this.s3 = (this.s0 | this.s1 | this.s2 | h) === 0 ? 1 : h;
  }

  /** Uniform unsigned 32-bit integer. */
  nextU32(): number {
    const s1 = this.s1;
    const result = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 0;
    const t = s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= s1;
    this.s1 = s1 ^ this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** Uniform in [0, 1). */
  float(): number {
    return this.nextU32() * 2.3283064365386963e-10;
  }

  /** Uniform integer in [0, n) for 0 < n ≤ 2^32. */
  int(n: number): number {
    return Math.floor(this.float() * n);
  }

  /** Uniform integer in [lo, hi] inclusive. */
  range(lo: number, hi: number): number {
    return lo + this.int(hi - lo + 1);
  }

  chance(p: number): boolean {
    return this.float() < p;
  }

  /** Standard normal deviate (Box–Muller; the second deviate is dropped to keep the stream simple). */
  normal(): number {
    const u = 1 - this.float();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.float());
  }

  /** Number of failures before the first success of a Bernoulli(p) trial, by inversion. */
  geometric(p: number): number {
    return Math.floor(Math.log(1 - this.float()) / Math.log(1 - p));
  }

  /** Index drawn from cumulative weights (ascending, last element = total). */
  pick(cumulative: ArrayLike<number>): number {
    const x = this.float() * cumulative[cumulative.length - 1]!;
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (cumulative[mid]! > x) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }

  /** In-place Fisher–Yates shuffle. */
  shuffle(values: { length: number; [i: number]: number }): void {
    for (let i = values.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const tmp = values[i]!;
      values[i] = values[j]!;
      values[j] = tmp;
    }
  }
}

/** Running sums of `weights`, the form `Rng.pick` takes. */
export function cumulative(weights: readonly number[]): Float64Array {
  const out = new Float64Array(weights.length);
  let sum = 0;
  weights.forEach((w, i) => {
    sum += w;
    out[i] = sum;
  });
  return out;
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

function splitmix32(x: number): number {
  let z = (x + 0x9e3779b9) | 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) | 0;
}

/** Folds a seed of up to 2^53 and the stream keys into one 32-bit word. */
function mixKeys(seed: number, keys: number[]): number {
  // Each step is a bijection of the last key, so streams that differ only in a row index never coincide.
  let h = splitmix32(splitmix32(seed | 0) ^ (Math.floor(seed / 4294967296) | 0));
  for (const k of keys) h = splitmix32(h ^ splitmix32(k | 0));
  return h;
}
