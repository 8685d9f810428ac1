import type { Chunk, ColumnKind } from './duckdb-session.js';

/** A fully read column in its landing kind; `valid` marks non-null rows of nullable numeric columns. */
export type ColumnData =
  | { kind: 'f64'; values: Float64Array; valid: Uint8Array | null }
  | { kind: 'i32'; values: Int32Array; valid: Uint8Array | null }
  | { kind: 'bool'; values: Uint8Array; valid: Uint8Array | null }
  | { kind: 'str'; values: (string | null)[]; valid: null };

type Numeric = Float64Array | Int32Array | Uint8Array;

/**
 * Collects streamed chunks of one column into a typed array allocated once at `capacity` (the
 * row count from the Parquet footers), so each value is written once; only a source that streams
 * more than it announced grows it.
 */
export class ColumnBuilder {
  private values: Numeric | (string | null)[];
  private valid: Uint8Array | null;
  private length = 0;

  constructor(
    readonly kind: ColumnKind,
    nullable: boolean,
    capacity = 1024,
  ) {
    const n = Math.max(1, capacity);
    this.values = kind === 'str' ? [] : allocate(kind, n);
    this.valid = nullable && kind !== 'str' ? new Uint8Array(n) : null;
  }

  append(chunk: Chunk, column: number): void {
    const size = chunk.size;
    if (this.kind === 'str') {
      const values = this.values as (string | null)[];
      for (const v of chunk.str(column)) values.push(v);
      this.length += size;
      return;
    }
    this.reserve(this.length + size);
    const source = this.kind === 'f64' ? chunk.f64(column) : this.kind === 'i32' ? chunk.i32(column) : chunk.bool(column);
    (this.values as Numeric).set(source as never, this.length);
    if (this.valid !== null) {
      const valid = this.valid;
      const mask = chunk.validity(column);
      const base = this.length;
      if (mask === null) valid.fill(1, base, base + size);
      else for (let i = 0; i < size; i++) valid[base + i] = (mask[i >> 3]! >> (i & 7)) & 1; // bit i of the mask
    }
    this.length += size;
  }

  finish(): ColumnData {
    const n = this.length;
    if (this.kind === 'str') return { kind: 'str', values: this.values as (string | null)[], valid: null };
    const values = (this.values as Numeric).subarray(0, n);
    const valid = this.valid === null ? null : this.valid.subarray(0, n);
    return { kind: this.kind, values, valid } as ColumnData;
  }

  private reserve(needed: number): void {
    const current = this.values as Numeric;
    if (needed <= current.length) return;
    let capacity = current.length;
    while (capacity < needed) capacity *= 2;
    const grown = allocate(this.kind, capacity);
    grown.set(current as never);
    this.values = grown;
    if (this.valid !== null) {
      const v = new Uint8Array(capacity);
      v.set(this.valid);
      this.valid = v;
    }
  }
}

function allocate(kind: ColumnKind, capacity: number): Numeric {
  return kind === 'f64' ? new Float64Array(capacity) : kind === 'i32' ? new Int32Array(capacity) : new Uint8Array(capacity);
}
