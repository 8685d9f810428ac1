/**
 * Open-addressing hash index from integer ids (any value exact in a float64, i.e. |id| < 2^53)
 * to dense positions 0..n-1. Keys and slots live in flat typed arrays so the index can sit in
 * SharedArrayBuffers and be probed from worker threads without copying.
 */
export interface IdIndex {
  keys: Float64Array;
  slots: Int32Array;
  mask: number;
}

const EMPTY = -1;

/** Mixes the two 32-bit halves of an integer-valued double (murmur3 finaliser). */
function hashId(id: number): number {
  const lo = id >>> 0; // low 32 bits: ToUint32 is exact modulo 2^32 for integers
  const hi = Math.floor(id / 4294967296) | 0;
  let h = Math.imul(lo ^ Math.imul(hi, 0x9e3779b1), 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

/**
 * Builds the index over `ids` (position i maps to i). Returns the position of the first
 * duplicate as `duplicateAt` instead of throwing so the caller can name the offending row.
 */
export function buildIdIndex(ids: ArrayLike<number>, shared = false): { index: IdIndex; duplicateAt: number } {
  const n = ids.length;
  let capacity = 16;
  while (capacity < n * 2) capacity *= 2;
  const mask = capacity - 1;
  const keys = new Float64Array(shared ? new SharedArrayBuffer(capacity * 8) : new ArrayBuffer(capacity * 8));
  const slots = new Int32Array(shared ? new SharedArrayBuffer(capacity * 4) : new ArrayBuffer(capacity * 4)).fill(EMPTY);
  for (let i = 0; i < n; i++) {
    const id = ids[i]!;
    let s = hashId(id) & mask;
    while (slots[s] !== EMPTY) {
      if (keys[s] === id) return { index: { keys, slots, mask }, duplicateAt: i };
      s = (s + 1) & mask;
    }
    keys[s] = id;
    slots[s] = i;
  }
  return { index: { keys, slots, mask }, duplicateAt: -1 };
}

/** Dense position of `id`, or -1 when absent. */
export function lookupId(index: IdIndex, id: number): number {
  const { keys, slots, mask } = index;
  let s = hashId(id) & mask;
  for (;;) {
    const slot = slots[s]!;
    if (slot === EMPTY || keys[s] === id) return slot;
    s = (s + 1) & mask;
  }
}

/**
 * Maps every id in `ids` to its dense position (or -1) into `out`. A run of equal ids (fact tables
 * clustered by key, as plays by profile usually are) is probed once.
 */
export function lookupIds(index: IdIndex, ids: ArrayLike<number>, out: Int32Array, count = ids.length): Int32Array {
  const { keys, slots, mask } = index;
  let lastId = Number.NaN;
  let lastSlot = EMPTY;
  for (let i = 0; i < count; i++) {
    const id = ids[i]!;
    // Same as the probe below for a repeated id; NaN never equals, so the first id always probes.
    if (id === lastId) {
      out[i] = lastSlot;
      continue;
    }
    lastId = id;
    let s = hashId(id) & mask;
    for (;;) {
      const slot = slots[s]!;
      if (slot === EMPTY || keys[s] === id) {
        out[i] = slot;
        lastSlot = slot;
        break;
      }
      s = (s + 1) & mask;
    }
  }
  return out;
}
