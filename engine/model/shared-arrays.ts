/**
 * Typed arrays over SharedArrayBuffers: posted to worker threads they are shared, not copied,
 * so every shard reads the same one copy of each column.
 */
export const sharedFloat64 = (n: number): Float64Array => new Float64Array(new SharedArrayBuffer(Math.max(1, n) * 8), 0, n);
export const sharedInt32 = (n: number): Int32Array => new Int32Array(new SharedArrayBuffer(Math.max(1, n) * 4), 0, n);
export const sharedUint16 = (n: number): Uint16Array => new Uint16Array(new SharedArrayBuffer(Math.max(2, n * 2 + ((n * 2) % 4))), 0, n);
export const sharedUint8 = (n: number): Uint8Array => new Uint8Array(new SharedArrayBuffer(Math.max(4, n + ((4 - (n % 4)) % 4))), 0, n);

export function toShared<T extends Float64Array | Int32Array | Uint16Array | Uint8Array>(source: T): T {
  const ctor = source.constructor as new (buffer: SharedArrayBuffer, offset: number, length: number) => T;
  const bytes = source.length * source.BYTES_PER_ELEMENT;
  const out = new ctor(new SharedArrayBuffer(Math.max(8, bytes + ((8 - (bytes % 8)) % 8))), 0, source.length);
  out.set(source as never);
  return out;
}
