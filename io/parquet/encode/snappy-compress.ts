/*
 * Snappy raw-block compressor (the format Parquet's SNAPPY codec stores: a varint of the
 * uncompressed length followed by literal/copy elements, no framing), after the reference
 * implementation's CompressFragment: input is cut into 64 KiB fragments compressed independently,
 * so table entries and copy offsets fit 16 bits.
 */

const FRAGMENT_SIZE = 1 << 16;
const MAX_HASH_BITS = 14;
const MIN_HASH_BITS = 8;
/** Bytes the match loop may read past `ipLimit` (a 4-byte load at up to ip + bytesBetween + 3). */
const INPUT_MARGIN = 15;
const MIN_MATCH_FRAGMENT = 1 + 1 + INPUT_MARGIN;
const HASH_MULTIPLIER = 0x1e35a7bd;

/** Worst-case output size for `n` input bytes (incompressible data grows by its literal tags). */
export function snappyMaxCompressedLength(n: number): number {
  return 32 + n + Math.floor(n / 6);
}

/**
 * Compresses `input` into `output` (at least `snappyMaxCompressedLength(input.length)` bytes)
 * and returns the number of bytes written.
 */
export function snappyCompress(input: Uint8Array, output: Uint8Array): number {
  const table = new Uint16Array(1 << MAX_HASH_BITS);
  const view = new DataView(input.buffer, input.byteOffset, input.byteLength);
  const n = input.length;
  let op = writeVarint(output, 0, n);
  for (let start = 0; start < n; start += FRAGMENT_SIZE) {
    const end = Math.min(start + FRAGMENT_SIZE, n);
    op = compressFragment(input, view, start, end, output, op, table);
  }
  return op;
}

function compressFragment(
  input: Uint8Array, view: DataView, start: number, end: number,
  output: Uint8Array, outPos: number, table: Uint16Array,
): number {
  let op = outPos;
  let nextEmit = start;
  if (end - start >= MIN_MATCH_FRAGMENT) {
    let bits = MIN_HASH_BITS;
    while (bits < MAX_HASH_BITS && 1 << bits < end - start) bits++;
    const shift = 32 - bits;
    table.fill(0, 0, 1 << bits);

    const ipLimit = end - INPUT_MARGIN;
    let ip = start + 1;
    let nextHash = Math.imul(view.getUint32(ip, true), HASH_MULTIPLIER) >>> shift;
    outer: for (;;) {
      // Heuristic from the reference: after 32 misses, probe every 2nd byte, then every 3rd...,
      // so incompressible stretches are skipped quickly.
      let skip = 32;
      let nextIp = ip;
      let candidate: number;
      do {
        ip = nextIp;
        const hash = nextHash;
        nextIp = ip + (skip++ >> 5);
        if (nextIp > ipLimit) break outer;
        nextHash = Math.imul(view.getUint32(nextIp, true), HASH_MULTIPLIER) >>> shift;
        candidate = start + table[hash]!;
        table[hash] = ip - start;
      } while (view.getUint32(ip, true) !== view.getUint32(candidate, true));

      op = emitLiteral(input, nextEmit, ip, output, op);

      // Emit copies for as long as the position right after a match starts another match.
      let next: number;
      do {
        const matchStart = ip;
        let s1 = candidate + 4;
        let s2 = ip + 4;
        while (s2 < end && input[s1] === input[s2]) {
          s1++;
          s2++;
        }
        ip = s2;
        op = emitCopy(output, op, matchStart - candidate, s2 - matchStart);
        nextEmit = ip;
        if (ip >= ipLimit) break outer;
        table[Math.imul(view.getUint32(ip - 1, true), HASH_MULTIPLIER) >>> shift] = ip - 1 - start;
        const hash = Math.imul(view.getUint32(ip, true), HASH_MULTIPLIER) >>> shift;
        candidate = start + table[hash]!;
        table[hash] = ip - start;
        next = view.getUint32(ip, true);
      } while (next === view.getUint32(candidate, true));

      ip++;
      nextHash = Math.imul(view.getUint32(ip, true), HASH_MULTIPLIER) >>> shift;
    }
  }
  if (nextEmit < end) op = emitLiteral(input, nextEmit, end, output, op);
  return op;
}

function emitLiteral(input: Uint8Array, from: number, to: number, output: Uint8Array, outPos: number): number {
  let op = outPos;
  const n = to - from;
  const lenMinus1 = n - 1;
  if (lenMinus1 < 60) {
    output[op++] = lenMinus1 << 2;
  } else if (lenMinus1 < 0x100) {
    output[op++] = 60 << 2;
    output[op++] = lenMinus1;
  } else {
    // Fragments are at most 64 KiB, so a literal length always fits two bytes.
    output[op++] = 61 << 2;
    output[op++] = lenMinus1 & 0xff;
    output[op++] = lenMinus1 >>> 8;
  }
  if (n <= 16) {
    for (let i = from; i < to; i++) output[op++] = input[i]!;
    return op;
  }
  output.set(input.subarray(from, to), op);
  return op + n;
}

function emitCopy(output: Uint8Array, outPos: number, offset: number, length: number): number {
  let op = outPos;
  let len = length;
  // Split long matches so that the last piece is never shorter than the 4-byte minimum.
  while (len >= 68) {
    op = emitCopyUpTo64(output, op, offset, 64);
    len -= 64;
  }
  if (len > 64) {
    op = emitCopyUpTo64(output, op, offset, 60);
    len -= 60;
  }
  return emitCopyUpTo64(output, op, offset, len);
}

function emitCopyUpTo64(output: Uint8Array, outPos: number, offset: number, len: number): number {
  let op = outPos;
  if (len < 12 && offset < 2048) {
    output[op++] = 1 | ((len - 4) << 2) | ((offset >>> 8) << 5);
    output[op++] = offset & 0xff;
  } else {
    output[op++] = 2 | ((len - 1) << 2);
    output[op++] = offset & 0xff;
    output[op++] = offset >>> 8;
  }
  return op;
}

function writeVarint(output: Uint8Array, at: number, value: number): number {
  let op = at;
  let v = value;
  while (v > 0x7f) {
    output[op++] = (v & 0x7f) | 0x80;
    v >>>= 7;
  }
  output[op++] = v;
  return op;
}
