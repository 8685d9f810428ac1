import { test } from 'vitest';
import { ThriftType, ThriftWriter } from '../../../../io/parquet/encode/thrift-writer.js';
import { expectEqual } from '../../../support/expect-equal.js';
import { readStruct } from '../thrift-compact-reader.js';

test('field headers use the short delta form, and the long form for jumps over 15 or backwards', () => {
  const w = new ThriftWriter();
  w.structBegin();
  w.fieldI32(1, 3);
  w.fieldI32(17, -1);
  w.fieldI32(2, 1);
  w.structEnd();
  expectEqual([...w.out.view()], [0x15, 0x06, 0x05, 0x22, 0x01, 0x05, 0x04, 0x02, 0x00]);
});

test('bools live in the type nibble and i64 covers ±(2^53 - 1)', () => {
  const w = new ThriftWriter();
  w.structBegin();
  w.fieldBool(1, true);
  w.fieldBool(2, false);
  w.fieldI64(3, Number.MAX_SAFE_INTEGER);
  w.fieldI64(4, -Number.MAX_SAFE_INTEGER);
  w.fieldI64(5, 0);
  w.fieldI16(6, -300);
  w.structEnd();
  expectEqual([...w.out.view()].slice(0, 2), [0x11, 0x12]);
  expectEqual(readStruct(w.out.view()).value, {
    1: true, 2: false, 3: Number.MAX_SAFE_INTEGER, 4: -Number.MAX_SAFE_INTEGER, 5: 0, 6: -300,
  });
});

test('nested structs restart field ids and lists switch to the long header at 15 elements', () => {
  const w = new ThriftWriter();
  w.structBegin();
  w.fieldStruct(10);
  w.fieldEmptyStruct(8);
  w.fieldString(9, 'é');
  w.structEnd();
  w.fieldI32(11, 7);
  w.fieldList(12, ThriftType.I32, 20);
  for (let i = 0; i < 20; i++) w.listI32(i - 10);
  w.fieldList(13, ThriftType.STRUCT, 2);
  for (let i = 0; i < 2; i++) {
    w.structBegin();
    w.fieldI32(1, i);
    w.structEnd();
  }
  w.fieldList(14, ThriftType.BINARY, 1);
  w.listString('name');
  w.structEnd();
  const { value, end } = readStruct(w.out.view());
  expectEqual(end, w.out.length, 'bytes consumed');
  expectEqual(value, {
    10: { 8: {}, 9: new TextEncoder().encode('é') },
    11: 7,
    12: Array.from({ length: 20 }, (_, i) => i - 10),
    13: [{ 1: 0 }, { 1: 1 }],
    14: [new TextEncoder().encode('name')],
  });
});
