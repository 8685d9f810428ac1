import type { ByteBuffer } from './byte-buffer.js';

/** A run of equal levels at least this long is worth an RLE run instead of bit-packed bytes. */
const MIN_RLE_RUN = 16;

/** Upper bound of the bytes `writeDefinitionLevels` appends for `n` rows. */
export function definitionLevelsMaxLength(n: number): number {
  // Bit-packed bytes, plus per run switch a varint header (≤ 5 bytes) and an RLE value byte;
  // an RLE run covers ≥ 16 rows and the literal run before it ≥ 8, hence n / 24 switches.
  return 4 + Math.ceil(n / 8) + 12 * (Math.ceil(n / 24) + 1);
}

/**
 * Appends the definition levels of a nullable column's page of `end` rows in the DataPage v1
 * layout: a 4-byte length, then the RLE / bit-packed hybrid at bit width 1. `present` (1 = value,
 * 0 = null) is null when every row has a value, which is one RLE run.
 */
export function writeDefinitionLevels(out: ByteBuffer, present: Uint8Array | null, end: number): void {
  const b = out.ensure(definitionLevelsMaxLength(end));
  const lengthAt = out.length;
  let op = lengthAt + 4;
  if (present === null) {
    op = writeRleRun(b, op, end, 1);
  } else {
    let literalStart = 0;
    let pos = 0;
    while (pos < end) {
      const level = present[pos] === 0 ? 0 : 1;
      let runEnd = pos + 1;
      while (runEnd < end && (present[runEnd] === 0 ? 0 : 1) === level) runEnd++;
      if (runEnd - pos >= MIN_RLE_RUN) {
        op = writeBitPacked(b, op, present, literalStart, pos, end);
        op = writeRleRun(b, op, runEnd - pos, level);
        pos = runEnd;
        literalStart = pos;
      } else {
        // Bit-packed runs hold whole groups of 8 levels; only the last one may pad past `end`.
        pos += 8;
      }
    }
    op = writeBitPacked(b, op, present, literalStart, Math.min(pos, end), end);
  }
  out.length = op;
  out.setUint32(lengthAt, op - lengthAt - 4);
}

function writeRleRun(b: Uint8Array, at: number, count: number, level: number): number {
  const op = writeVarint(b, at, count * 2);
  b[op] = level;
  return op + 1;
}

/** Bit-packs levels [from, to) LSB first; a trailing partial group is zero-padded. */
function writeBitPacked(b: Uint8Array, at: number, present: Uint8Array, from: number, to: number, end: number): number {
  if (to <= from) return at;
  const groups = Math.ceil((to - from) / 8);
  let op = writeVarint(b, at, groups * 2 + 1);
  for (let g = 0, i = from; g < groups; g++) {
    let byte = 0;
    const stop = Math.min(i + 8, end);
    for (let bit = 0; i < stop; i++, bit++) if (present[i] !== 0) byte |= 1 << bit;
    b[op++] = byte;
  }
  return op;
}

function writeVarint(b: Uint8Array, at: number, value: number): number {
  let op = at;
  let v = value;
  while (v > 0x7f) {
    b[op++] = (v & 0x7f) | 0x80;
    v >>>= 7;
  }
  b[op++] = v;
  return op;
}
