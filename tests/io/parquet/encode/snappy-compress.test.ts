import { test } from 'vitest';
import { snappyCompress, snappyMaxCompressedLength } from '../../../../io/parquet/encode/snappy-compress.js';
import { expectEqual } from '../../../support/expect-equal.js';

/** Reference decoder of the Snappy raw format, written from the format description. */
function snappyDecompress(src: Uint8Array): Uint8Array {
  let pos = 0;
  let length = 0;
  for (let scale = 1; ; scale *= 128) {
    const b = src[pos++]!;
    length += (b & 0x7f) * scale;
    if (b < 0x80) break;
  }
  const out = new Uint8Array(length);
  let op = 0;
  while (pos < src.length) {
    const tag = src[pos++]!;
    const kind = tag & 3;
    if (kind === 0) {
      let n = tag >>> 2;
      if (n >= 60) {
        const bytes = n - 59;
        n = 0;
        for (let i = 0; i < bytes; i++) n += src[pos++]! * 256 ** i;
      }
      n += 1;
      if (pos + n > src.length || op + n > length) throw new Error('literal overruns');
      out.set(src.subarray(pos, pos + n), op);
      pos += n;
      op += n;
      continue;
    }
    let n: number;
    let offset: number;
    if (kind === 1) {
      n = 4 + ((tag >>> 2) & 7);
      offset = ((tag >>> 5) << 8) | src[pos++]!;
    } else if (kind === 2) {
      n = 1 + (tag >>> 2);
      offset = src[pos]! | (src[pos + 1]! << 8);
      pos += 2;
    } else {
      n = 1 + (tag >>> 2);
      offset = src[pos]! + src[pos + 1]! * 2 ** 8 + src[pos + 2]! * 2 ** 16 + src[pos + 3]! * 2 ** 24;
      pos += 4;
    }
    if (offset === 0 || offset > op || op + n > length) throw new Error(`bad copy at ${pos}`);
    for (let i = 0; i < n; i++, op++) out[op] = out[op - offset]!;
  }
  if (op !== length) throw new Error(`decoded ${op} of ${length} bytes`);
  return out;
}

function compress(input: Uint8Array): Uint8Array {
  const out = new Uint8Array(snappyMaxCompressedLength(input.length));
  return out.subarray(0, snappyCompress(input, out));
}

let seed = 42;
const random = (): number => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;

const SIZES = [0, 1, 3, 4, 15, 16, 17, 18, 60, 61, 300, 4096, 65535, 65536, 65537, 140_001];

test('random, repetitive and mixed inputs decompress to themselves', () => {
  const generators: Record<string, (i: number) => number> = {
    random: () => Math.floor(random() * 256),
    constant: () => 7,
    'few symbols': () => Math.floor(random() * 3),
    'period 13': (i) => (i % 13) * 19,
    'period 3000': (i) => ((i % 3000) * 7919) & 0xff,
    'runs and noise': (i) => (i % 1000 < 700 ? 1 : Math.floor(random() * 256)),
  };
  for (const [name, next] of Object.entries(generators)) {
    for (const size of SIZES) {
      const input = Uint8Array.from({ length: size }, (_, i) => next(i));
      const packed = compress(input);
      expectEqual(snappyDecompress(packed), input, `${name} × ${size}`);
    }
  }
});

test('sorted int64 ids and repeated data shrink; random data grows by at most the bound', () => {
  const ids = new BigInt64Array(1 << 15);
  for (let i = 0; i < ids.length; i++) ids[i] = BigInt(1_000_000_000 + i * 3);
  const idBytes = new Uint8Array(ids.buffer);
  const packedIds = compress(idBytes);
  expectEqual(snappyDecompress(packedIds), idBytes, 'ids');
  expectEqual(packedIds.length < idBytes.length * 0.6, true, `ids ratio ${packedIds.length / idBytes.length}`);

  const zeros = new Uint8Array(1 << 18);
  expectEqual(compress(zeros).length < zeros.length / 20, true, 'zeros compress');

  const noise = Uint8Array.from({ length: 1 << 18 }, () => Math.floor(random() * 256));
  const packedNoise = compress(noise);
  expectEqual(snappyDecompress(packedNoise), noise, 'noise');
  expectEqual(packedNoise.length <= snappyMaxCompressedLength(noise.length), true, 'noise within bound');
});

test('compresses a view into a larger buffer (page bodies are subarrays)', () => {
  const backing = Uint8Array.from({ length: 10_000 }, (_, i) => i % 251);
  const view = backing.subarray(3, 9_001);
  expectEqual(snappyDecompress(compress(view)), view.slice());
});
