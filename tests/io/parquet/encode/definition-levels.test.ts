import { test } from 'vitest';
import { ByteBuffer } from '../../../../io/parquet/encode/byte-buffer.js';
import { definitionLevelsMaxLength, writeDefinitionLevels } from '../../../../io/parquet/encode/definition-levels.js';
import { expectEqual } from '../../../support/expect-equal.js';

/** Reference RLE / bit-packed hybrid decoder at bit width 1, reading exactly `n` levels. */
function decodeLevels(bytes: Uint8Array, n: number): { levels: number[]; consumed: number } {
  const length = bytes[0]! | (bytes[1]! << 8) | (bytes[2]! << 16) | (bytes[3]! << 24);
  let pos = 4;
  const levels: number[] = [];
  while (levels.length < n) {
    let header = 0;
    let scale = 1;
    for (;;) {
      const b = bytes[pos++]!;
      header += (b & 0x7f) * scale;
      if (b < 0x80) break;
      scale *= 128;
    }
    if (header % 2 === 0) {
      const value = bytes[pos++]!;
      for (let i = 0; i < header / 2; i++) levels.push(value);
    } else {
      const groups = (header - 1) / 2;
      for (let g = 0; g < groups; g++, pos++) for (let bit = 0; bit < 8; bit++) levels.push((bytes[pos]! >> bit) & 1);
    }
  }
  expectEqual(pos - 4, length, 'length prefix');
  return { levels: levels.slice(0, n), consumed: pos };
}

function roundTrip(present: number[]): void {
  const out = new ByteBuffer(16);
  out.length = 3; // a non-zero start, as when appending after other bytes
  writeDefinitionLevels(out, Uint8Array.from(present), present.length);
  const written = out.view().subarray(3);
  expectEqual(written.length <= definitionLevelsMaxLength(present.length), true, 'within max length');
  const { levels, consumed } = decodeLevels(written, present.length);
  expectEqual(consumed, written.length, 'bytes consumed');
  expectEqual(levels, present.map((p) => (p === 0 ? 0 : 1)));
}

test('levels round-trip through a reference hybrid decoder', () => {
  let seed = 7;
  const random = (): number => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
  const patterns: number[][] = [
    [],
    [0],
    [1, 0, 1],
    Array.from({ length: 1000 }, () => 0),
    Array.from({ length: 1000 }, (_, i) => i % 2),
    Array.from({ length: 1003 }, () => (random() < 0.5 ? 1 : 0)),
    Array.from({ length: 5000 }, () => (random() < 0.01 ? 0 : 1)),
    // runs of 15, 16 and 17 around the RLE threshold, at odd alignments
    [1, 1, 1, ...Array(15).fill(0), ...Array(16).fill(1), ...Array(17).fill(0), 1, 0, ...Array(40).fill(1), 0],
    Array.from({ length: 777 }, (_, i) => (Math.floor(i / 37) % 2)),
    Array.from({ length: 100 }, (_, i) => (i % 9 === 0 ? 2 : 0)), // any non-zero flag means present
  ];
  for (const pattern of patterns) roundTrip(pattern);
});

test('a page without nulls is a single RLE run', () => {
  const out = new ByteBuffer();
  writeDefinitionLevels(out, null, 300);
  expectEqual([...out.view()], [3, 0, 0, 0, 0xd8, 0x04, 1]);
});
