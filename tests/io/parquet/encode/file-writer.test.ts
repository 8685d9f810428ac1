import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { test } from 'vitest';
import {
  type Compression, type EncodedRowGroup, ParquetFileWriter, encodeRowGroup,
} from '../../../../io/parquet/index.js';
import { expectEqual } from '../../../support/expect-equal.js';
import { tempDir } from '../../../support/temp-dir.js';
import { query } from '../duckdb-query.js';
import { WORKER_FIELDS, workerRows } from './encode-worker.js';

function encodeInWorker(start: number, n: number, compression: Compression): Promise<EncodedRowGroup> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./encode-worker.js', import.meta.url), { workerData: { start, n, compression } });
    worker.once('message', resolve);
    worker.once('error', reject);
  });
}

test('row groups encoded in worker threads assemble into one file, in append order', async () => {
  const path = join(tempDir('parquet-assemble-'), 'scenario.parquet');
  // Different codecs per row group are legal: the codec is recorded per column chunk.
  const groups = await Promise.all([
    encodeInWorker(0, 30_000, 'snappy'),
    encodeInWorker(30_000, 45_000, 'gzip'),
    encodeInWorker(75_000, 5_000, 'uncompressed'),
  ]);
  expectEqual(groups.map((g) => g.bytes instanceof Uint8Array && g.bytes.length > 0), [true, true, true], 'transferred bytes');

  const writer = await ParquetFileWriter.open(path, WORKER_FIELDS);
  await writer.appendRowGroup(groups[0]!);
  await writer.appendRowGroup(encodeRowGroup(WORKER_FIELDS, workerRows(30_000, 0), 0, 'snappy')); // skipped
  await writer.appendRowGroup(groups[1]!);
  await writer.appendRowGroup(groups[2]!);
  await writer.close();

  const [check] = await query(`
    select count(*) filter (where profile_id <> 1000000000000 + file_row_number // 5),
           count(*) filter (where rank <> file_row_number % 5 + 1),
           count(*) filter (where show_id is distinct from (case when file_row_number % 9 = 0 then null else file_row_number * 31 end)),
           count(*) filter (where score <> file_row_number / 8),
           count(*) filter (where crm_id is distinct from (case when file_row_number % 13 = 0 then null else 'crm-' || file_row_number end)),
           count(*)
    from read_parquet('${path}', file_row_number = true)`);
  expectEqual(check, [0, 0, 0, 0, 0, 80_000]);
  const rowGroups = await query(`select row_group_id, any_value(row_group_num_rows), any_value(compression)
    from parquet_metadata('${path}') group by row_group_id order by row_group_id`);
  expectEqual(rowGroups, [[0, 30_000, 'SNAPPY'], [1, 45_000, 'GZIP'], [2, 5_000, 'UNCOMPRESSED']]);
});

test('a writer with no row groups closes into a valid empty file', async () => {
  const path = join(tempDir('parquet-empty-'), 'empty.parquet');
  const writer = await ParquetFileWriter.open(path, WORKER_FIELDS);
  await writer.close();
  expectEqual(await query(`select count(*) from read_parquet('${path}')`), [[0]]);
});

test('misuse is rejected with a message, and abort leaves nothing behind', async () => {
  const dir = tempDir('parquet-misuse-');
  const path = join(dir, 'out.parquet');
  const writer = await ParquetFileWriter.open(path, WORKER_FIELDS);
  expectEqual(readdirSync(dir).map((name) => name.startsWith('out.parquet.tmp-')), [true], 'writes to a temp file');

  const wrongType = encodeRowGroup(
    WORKER_FIELDS.map((f) => (f.name === 'rank' ? { ...f, type: 'int64' } : f)), workerRows(0, 10), 10, 'snappy',
  );
  await assert.rejects(writer.appendRowGroup(wrongType), /column 1 is "rank" \(int64\), schema has "rank" \(int32\)/);
  const tooFew = encodeRowGroup(WORKER_FIELDS.slice(0, 2), workerRows(0, 10).slice(0, 2), 10, 'snappy');
  await assert.rejects(writer.appendRowGroup(tooFew), /row group has 2 columns, schema has 5/);

  const group = encodeRowGroup(WORKER_FIELDS, workerRows(0, 10), 10, 'snappy');
  const first = writer.appendRowGroup(group);
  await assert.rejects(writer.appendRowGroup(group), /await the previous write first/);
  await first;

  await writer.abort();
  await assert.rejects(writer.appendRowGroup(group), /already closed or aborted/);
  await assert.rejects(writer.close(), /already closed or aborted/);
  expectEqual(readdirSync(dir), []);
});
