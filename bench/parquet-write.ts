/*
 * Parquet writer micro-benchmark: raw Snappy throughput on 100 MiB of int64 ids and of doubles,
 * then writeParquet of 4M scenario rows (int64, int32, int64, double) with each codec.
 * Run: npx tsc -p . && node dist/bench/parquet-write.js
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { snappyCompress, snappyMaxCompressedLength } from '../io/parquet/encode/snappy-compress.js';
import { type Compression, type ParquetField, writeParquet } from '../io/parquet/index.js';

const MIB = 1 << 20;
const ROWS = 4_000_000;
const REPEATS = 3;

function snappyThroughput(label: string, data: Uint8Array): void {
  const out = new Uint8Array(snappyMaxCompressedLength(MIB));
  let best = Infinity;
  let compressed = 0;
  for (let r = 0; r < REPEATS; r++) {
    const t0 = performance.now();
    compressed = 0;
    for (let off = 0; off < data.length; off += MIB) compressed += snappyCompress(data.subarray(off, off + MIB), out);
    best = Math.min(best, performance.now() - t0);
  }
  const mbps = data.length / MIB / (best / 1000);
  console.log(`snappy ${label}: ${mbps.toFixed(0)} MiB/s, ratio ${(compressed / data.length).toFixed(3)}`);
}

/** Profile ids as the engine emits them: ascending, each repeated for its ≤5 ranked rows. */
function sortedIds(n: number): Float64Array {
  const ids = new Float64Array(n);
  let id = 1_000_000_000;
  for (let i = 0; i < n; i++) {
    if (i % 5 === 0) id += 1 + Math.floor(Math.random() * 3);
    ids[i] = id;
  }
  return ids;
}

function scenarioColumns(): { values: Float64Array | Int32Array }[] {
  const rank = new Int32Array(ROWS);
  const show = new Float64Array(ROWS);
  const score = new Float64Array(ROWS);
  for (let i = 0; i < ROWS; i++) {
    rank[i] = (i % 5) + 1;
    show[i] = 100_000 + Math.floor(Math.random() * 50_000);
    score[i] = Math.random();
  }
  return [sortedIds(ROWS), rank, show, score].map((values) => ({ values }));
}

async function main(): Promise<void> {
  const ids = sortedIds(100 * MIB / 8);
  const idBytes = new Uint8Array(100 * MIB);
  const words = new Int32Array(idBytes.buffer);
  for (let i = 0; i < ids.length; i++) {
    words[2 * i] = ids[i]! | 0;
    words[2 * i + 1] = Math.floor(ids[i]! / 2 ** 32);
  }
  snappyThroughput('int64 ids (sorted, repeating)', idBytes);
  const doubles = new Float64Array(100 * MIB / 8);
  for (let i = 0; i < doubles.length; i++) doubles[i] = Math.random();
  snappyThroughput('random doubles', new Uint8Array(doubles.buffer));

  const fields: ParquetField[] = [
    { name: 'profile_id', type: 'int64', nullable: false },
    { name: 'rank', type: 'int32', nullable: false },
    { name: 'show_id', type: 'int64', nullable: false },
    { name: 'score', type: 'double', nullable: false },
  ];
  const columns = scenarioColumns();
  const dir = mkdtempSync(join(tmpdir(), 'parquet-bench-'));
  try {
    for (const compression of ['uncompressed', 'snappy', 'gzip'] as Compression[]) {
      const path = join(dir, `${compression}.parquet`);
      let best = Infinity;
      for (let r = 0; r < REPEATS; r++) {
        const t0 = performance.now();
        await writeParquet(path, fields, columns, ROWS, { compression });
        best = Math.min(best, performance.now() - t0);
      }
      const size = statSync(path).size;
      console.log(
        `writeParquet ${ROWS} rows ${compression}: ${best.toFixed(0)} ms, ` +
        `${(ROWS / (best / 1000) / 1e6).toFixed(2)} M rows/s, ${(size / MIB).toFixed(1)} MiB`,
      );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
