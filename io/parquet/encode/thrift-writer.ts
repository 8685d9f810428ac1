import { ByteBuffer } from './byte-buffer.js';

/** Thrift compact-protocol type ids as they appear in field headers and list headers. */
export const ThriftType = { I16: 4, I32: 5, I64: 6, BINARY: 8, LIST: 9, STRUCT: 12 } as const;
type ThriftTypeId = (typeof ThriftType)[keyof typeof ThriftType];

const BOOL_TRUE = 1;
const BOOL_FALSE = 2;
const STOP = 0;

const utf8 = new TextEncoder();

/**
 * Minimal Thrift compact-protocol encoder for the Parquet footer and page headers: only what
 * parquet.thrift needs (i16/i32/i64 via zigzag varints, bool, binary, list, nested struct).
 * i64 values are JS numbers, exact up to ±(2^53 - 1), which covers every size and count in a file.
 */
export class ThriftWriter {
  readonly out: ByteBuffer;
  private lastFieldId = 0;
  private readonly parentFieldIds: number[] = [];

  constructor(out = new ByteBuffer(256)) {
    this.out = out;
  }

  /** Opens a struct that is not a field: the top-level message or a list element. */
  structBegin(): void {
    this.parentFieldIds.push(this.lastFieldId);
    this.lastFieldId = 0;
  }

  structEnd(): void {
    this.byte(STOP);
    this.lastFieldId = this.parentFieldIds.pop()!;
  }

  /** Opens a struct (or union) valued field; close it with `structEnd`. */
  fieldStruct(id: number): void {
    this.fieldHeader(id, ThriftType.STRUCT);
    this.structBegin();
  }

  /** An empty struct field, e.g. a union member such as `STRING` or `MILLIS` that carries no data. */
  fieldEmptyStruct(id: number): void {
    this.fieldStruct(id);
    this.structEnd();
  }

  fieldBool(id: number, value: boolean): void {
    this.fieldHeader(id, value ? BOOL_TRUE : BOOL_FALSE);
  }

  fieldI16(id: number, value: number): void {
    this.fieldHeader(id, ThriftType.I16);
    this.varint32(zigzag32(value));
  }

  fieldI32(id: number, value: number): void {
    this.fieldHeader(id, ThriftType.I32);
    this.varint32(zigzag32(value));
  }

  fieldI64(id: number, value: number): void {
    this.fieldHeader(id, ThriftType.I64);
    // Zigzag of a value near -2^53 exceeds double precision; footer fields are few, so BigInt is fine.
    const v = BigInt(value);
    this.varint64((v << 1n) ^ (v >> 63n));
  }

  fieldBinary(id: number, value: Uint8Array): void {
    this.fieldHeader(id, ThriftType.BINARY);
    this.binary(value);
  }

  fieldString(id: number, value: string): void {
    this.fieldBinary(id, utf8.encode(value));
  }

  /** Opens a list field; write exactly `size` elements of `elementType` next. */
  fieldList(id: number, elementType: ThriftTypeId, size: number): void {
    this.fieldHeader(id, ThriftType.LIST);
    if (size < 15) {
      this.byte((size << 4) | elementType);
    } else {
      this.byte(0xf0 | elementType);
      this.varint32(size);
    }
  }

  listI32(value: number): void {
    this.varint32(zigzag32(value));
  }

  listString(value: string): void {
    this.binary(utf8.encode(value));
  }

  private fieldHeader(id: number, type: number): void {
    const delta = id - this.lastFieldId;
    if (delta > 0 && delta <= 15) {
      this.byte((delta << 4) | type);
    } else {
      this.byte(type);
      this.varint32(zigzag32(id));
    }
    this.lastFieldId = id;
  }

  private binary(value: Uint8Array): void {
    this.varint32(value.length);
    this.out.append(value);
  }

  private byte(value: number): void {
    const out = this.out;
    out.ensure(1)[out.length++] = value;
  }

  private varint32(value: number): void {
    const out = this.out;
    const b = out.ensure(5);
    let v = value >>> 0;
    while (v > 0x7f) {
      b[out.length++] = (v & 0x7f) | 0x80;
      v >>>= 7;
    }
    b[out.length++] = v;
  }

  private varint64(value: bigint): void {
    const out = this.out;
    const b = out.ensure(10);
    let v = BigInt.asUintN(64, value);
    while (v > 0x7fn) {
      b[out.length++] = Number(v & 0x7fn) | 0x80;
      v >>= 7n;
    }
    b[out.length++] = Number(v);
  }
}

function zigzag32(n: number): number {
  return ((n << 1) ^ (n >> 31)) >>> 0;
}
