/**
 * Independent Thrift compact-protocol decoder for tests: a struct becomes an object keyed by field
 * id, lists become arrays, i64 becomes a number, binary a Uint8Array, bool a boolean.
 */
export type ThriftValue = number | boolean | Uint8Array | ThriftValue[] | ThriftStruct;
export interface ThriftStruct {
  [fieldId: number]: ThriftValue;
}

export function readStruct(bytes: Uint8Array, offset = 0): { value: ThriftStruct; end: number } {
  const reader = new Reader(bytes, offset);
  const value = reader.struct();
  return { value, end: reader.pos };
}

class Reader {
  constructor(readonly bytes: Uint8Array, public pos: number) {}

  struct(): ThriftStruct {
    const out: ThriftStruct = {};
    let lastId = 0;
    for (;;) {
      const header = this.bytes[this.pos++]!;
      if (header === 0) return out;
      const type = header & 0x0f;
      const delta = header >> 4;
      const id = delta === 0 ? this.zigzag() : lastId + delta;
      lastId = id;
      out[id] = type === 1 ? true : type === 2 ? false : this.value(type);
    }
  }

  value(type: number): ThriftValue {
    switch (type) {
      case 3:
        return this.bytes[this.pos++]!;
      case 4:
      case 5:
      case 6:
        return this.zigzag();
      case 8: {
        const n = this.varint();
        const v = this.bytes.slice(this.pos, this.pos + n);
        this.pos += n;
        return v;
      }
      case 9: {
        const header = this.bytes[this.pos++]!;
        const size = header >> 4 === 15 ? this.varint() : header >> 4;
        const items: ThriftValue[] = [];
        for (let i = 0; i < size; i++) items.push(this.value(header & 0x0f));
        return items;
      }
      case 12:
        return this.struct();
      default:
        throw new Error(`thrift type ${type} not supported at ${this.pos}`);
    }
  }

  varint(): number {
    return Number(this.varint64());
  }

  /** BigInt, as a zigzagged i64 near ±2^53 needs 54 bits. */
  varint64(): bigint {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      const b = this.bytes[this.pos++]!;
      result |= BigInt(b & 0x7f) << shift;
      if (b < 0x80) return result;
      shift += 7n;
    }
  }

  zigzag(): number {
    const z = this.varint64();
    return Number((z >> 1n) ^ -(z & 1n));
  }
}
