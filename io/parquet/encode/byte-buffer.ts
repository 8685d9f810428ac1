const ALIGN = 64;

/**
 * A growable byte buffer: callers reserve room once per batch of writes and then store through
 * `bytes` directly, so hot loops carry no per-value capacity checks. The backing ArrayBuffer always
 * starts at offset 0, so 8-byte aligned positions can host Float64Array / Int32Array views.
 */
export class ByteBuffer {
  bytes: Uint8Array<ArrayBuffer>;
  length = 0;

  constructor(capacity = 1024) {
    this.bytes = new Uint8Array(alignUp(Math.max(capacity, ALIGN)));
  }

  /** Makes room for `extra` more bytes after `length`; returns the (possibly new) backing array. */
  ensure(extra: number): Uint8Array {
    const needed = this.length + extra;
    if (needed > this.bytes.length) {
      const grown = new Uint8Array(alignUp(Math.max(needed, this.bytes.length * 2)));
      grown.set(this.bytes.subarray(0, this.length));
      this.bytes = grown;
    }
    return this.bytes;
  }

  append(src: Uint8Array): void {
    const n = src.length;
    this.ensure(n).set(src, this.length);
    this.length += n;
  }

  /** Writes an unsigned 32-bit little-endian integer at `at` (which must already be reserved). */
  setUint32(at: number, value: number): void {
    const b = this.bytes;
    b[at] = value;
    b[at + 1] = value >>> 8;
    b[at + 2] = value >>> 16;
    b[at + 3] = value >>> 24;
  }

  /** The written bytes, zero-copy. */
  view(): Uint8Array<ArrayBuffer> {
    return this.bytes.subarray(0, this.length);
  }
}

function alignUp(n: number): number {
  return Math.ceil(n / ALIGN) * ALIGN;
}
