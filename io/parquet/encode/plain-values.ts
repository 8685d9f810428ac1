import type { ParquetField } from '../parquet-column.js';
import type { ByteBuffer } from './byte-buffer.js';
import { invalidValueError } from './column-error.js';

/** Running statistics of one column chunk; min > max means "none" (no values, or only NaN / strings). */
export class ValueStats {
  min = Infinity;
  max = -Infinity;
}

const TWO_POW_32 = 4294967296;
const ASCII_FAST_PATH_MAX = 64;
const utf8 = new TextEncoder();

/*
 * PLAIN encoders for one page: rows [start, start + n) of `values`, skipping rows whose `present`
 * entry (page-relative, null = all present) is 0. Fixed-width writers need `out.length` aligned to
 * their width so they can store through a typed-array view. Typed-array views write host byte
 * order; every platform Node ships for is little-endian, as Parquet requires.
 */

export function writeInt32Values(
  out: ByteBuffer, field: ParquetField, values: ArrayLike<number>, present: Uint8Array | null,
  start: number, n: number, stats: ValueStats,
): void {
  out.ensure(4 * n);
  const words = new Int32Array(out.bytes.buffer, out.length, n);
  let min = stats.min;
  let max = stats.max;
  let k = 0;
  for (let j = 0; j < n; j++) {
    if (present !== null && present[j] === 0) continue;
    const v = values[start + j]!;
    if ((v | 0) !== v) throw invalidValueError(field, start + j, v);
    words[k++] = v;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  out.length += 4 * k;
  stats.min = min;
  stats.max = max;
}

export function writeInt64Values(
  out: ByteBuffer, field: ParquetField, values: ArrayLike<number>, present: Uint8Array | null,
  start: number, n: number, stats: ValueStats,
): void {
  out.ensure(8 * n);
  const words = new Int32Array(out.bytes.buffer, out.length, 2 * n);
  let min = stats.min;
  let max = stats.max;
  let k = 0;
  for (let j = 0; j < n; j++) {
    if (present !== null && present[j] === 0) continue;
    const v = values[start + j]!;
    if (!(v >= -Number.MAX_SAFE_INTEGER && v <= Number.MAX_SAFE_INTEGER && Math.floor(v) === v)) {
      throw invalidValueError(field, start + j, v);
    }
    // ToInt32 of an integer is exactly its value modulo 2^32: the low word, no BigInt needed.
    words[k++] = v | 0;
    words[k++] = Math.floor(v / TWO_POW_32);
    if (v < min) min = v;
    if (v > max) max = v;
  }
  out.length += 4 * k;
  stats.min = min;
  stats.max = max;
}

export function writeDoubleValues(
  out: ByteBuffer, field: ParquetField, values: ArrayLike<number>, present: Uint8Array | null,
  start: number, n: number, stats: ValueStats,
): void {
  out.ensure(8 * n);
  const doubles = new Float64Array(out.bytes.buffer, out.length, n);
  let min = stats.min;
  let max = stats.max;
  let k = 0;
  for (let j = 0; j < n; j++) {
    if (present !== null && present[j] === 0) continue;
    const v = values[start + j]!;
    if (typeof v !== 'number') throw invalidValueError(field, start + j, v);
    doubles[k++] = v;
    // NaN fails both comparisons, so it never becomes a bound (Parquet excludes it from min/max).
    if (v < min) min = v;
    if (v > max) max = v;
  }
  out.length += 8 * k;
  stats.min = min;
  stats.max = max;
}

/** PLAIN booleans are bit-packed, LSB first. */
export function writeBoolValues(
  out: ByteBuffer, field: ParquetField, values: ArrayLike<number>, present: Uint8Array | null,
  start: number, n: number, stats: ValueStats,
): void {
  const b = out.ensure(Math.ceil(n / 8));
  let op = out.length;
  let byte = 0;
  let bit = 0;
  let seen = 0;
  for (let j = 0; j < n; j++) {
    if (present !== null && present[j] === 0) continue;
    const v = values[start + j]!;
    if (v !== 0 && v !== 1) throw invalidValueError(field, start + j, v);
    byte |= v << bit;
    seen |= 1 << v;
    if (++bit === 8) {
      b[op++] = byte;
      byte = 0;
      bit = 0;
    }
  }
  if (bit > 0) b[op++] = byte;
  out.length = op;
  if (seen & 1) {
    stats.min = 0;
    stats.max = Math.max(stats.max, 0);
  }
  if (seen & 2) {
    stats.min = Math.min(stats.min, 1);
    stats.max = 1;
  }
}

/**
 * PLAIN byte arrays: a 4-byte length then UTF-8. `charCount` (UTF-16 units of the present strings,
 * type-checked by the caller) bounds the output at 3 bytes per unit, so the loop never re-checks
 * capacity. Short ASCII strings are copied inline; anything else goes through encodeInto.
 */
export function writeStringValues(
  out: ByteBuffer, values: ArrayLike<string | null>, present: Uint8Array | null,
  start: number, n: number, charCount: number,
): void {
  const b = out.ensure(4 * n + 3 * charCount);
  let op = out.length;
  for (let j = 0; j < n; j++) {
    if (present !== null && present[j] === 0) continue;
    const s = values[start + j] as string;
    const len = s.length;
    let p = op + 4;
    let i = 0;
    if (len <= ASCII_FAST_PATH_MAX) {
      for (; i < len; i++) {
        const c = s.charCodeAt(i);
        if (c >= 0x80) break;
        b[p++] = c;
      }
    }
    if (i < len) p += utf8.encodeInto(i === 0 ? s : s.slice(i), b.subarray(p)).written;
    const byteLength = p - op - 4;
    b[op] = byteLength;
    b[op + 1] = byteLength >>> 8;
    b[op + 2] = byteLength >>> 16;
    b[op + 3] = byteLength >>> 24;
    op = p;
  }
  out.length = op;
}
