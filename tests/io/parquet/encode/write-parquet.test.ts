import assert from 'node:assert/strict';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'vitest';
import { type ColumnValues, type Compression, type ParquetField, writeParquet } from '../../../../io/parquet/index.js';
import { expectEqual } from '../../../support/expect-equal.js';
import { tempDir } from '../../../support/temp-dir.js';
import { type Cell, describe, query, readColumns } from '../duckdb-query.js';
import { type ThriftStruct, readStruct } from '../thrift-compact-reader.js';

const dir = tempDir('parquet-write-');
let fileCount = 0;
const nextPath = (): string => join(dir, `t${fileCount++}.parquet`);

const ALL_TYPES: ParquetField[] = [
  { name: 'i64', type: 'int64', nullable: false },
  { name: 'i32', type: 'int32', nullable: false },
  { name: 'f64', type: 'double', nullable: false },
  { name: 'flag', type: 'bool', nullable: false },
  { name: 'day', type: 'date', nullable: false },
  { name: 'ts', type: 'timestamp_ms', nullable: false },
  { name: 's', type: 'string', nullable: false },
];
const nullable = (fields: ParquetField[]): ParquetField[] => fields.map((f) => ({ ...f, nullable: true }));

/** DuckDB expressions that bring each ALL_TYPES column back in the writer's own value domain. */
const READ_BACK = ['i64', 'i32', 'f64', 'flag::INT', `day - DATE '1970-01-01'`, 'epoch_ms(ts)', 's'];

const MAX = Number.MAX_SAFE_INTEGER;
const INT64S = [0, 1, -1, 2 ** 31, -(2 ** 31) - 1, 2 ** 32, -(2 ** 32), 2 ** 32 + 1, -(2 ** 32) - 1, MAX, -MAX, 1_234_567_890_123, -987_654_321_098];
const INT32S = [0, 1, -1, 2 ** 31 - 1, -(2 ** 31), 65536, -65537];
const DOUBLES = [0, -0, 1.5, -2.25, Math.PI, 1e308, -1e-308, 5e-324, Infinity, -Infinity, NaN];
const DAYS = [0, -1, 18_263, -719_162, 2_932_896];
const TIMESTAMPS = [0, -5, 1_700_000_000_123, -62_135_596_800_000, 253_402_300_799_999];
const STRINGS = [
  '', 'a', 'héllo', '日本語テキスト', '🎉 emoji 👍🏽', 'x'.repeat(100), 'ascii prefix then ünïcödé '.repeat(5),
  `${'a'.repeat(63)}é`, `${'a'.repeat(64)}é`, 'é'.repeat(70), 'z'.repeat(10_000), 'tab\tnew\nline "quoted"', '\u0000nul',
];

/** Rows cycling through each type's edge values (and arithmetic values between them). */
function sampleColumns(n: number): ColumnValues[] {
  const cycle = <T>(list: T[], i: number): T => list[i % list.length]!;
  return [
    { values: Float64Array.from({ length: n }, (_, i) => (i % 3 === 0 ? cycle(INT64S, i) : i * 7_919 - 3_000_000)) },
    { values: Int32Array.from({ length: n }, (_, i) => (i % 2 === 0 ? cycle(INT32S, i) : -i)) },
    { values: Float64Array.from({ length: n }, (_, i) => (i % 2 === 0 ? cycle(DOUBLES, i) : i / 7)) },
    { values: Uint8Array.from({ length: n }, (_, i) => (i % 3 === 0 ? 1 : 0)) },
    { values: Array.from({ length: n }, (_, i) => cycle(DAYS, i) + (i % 5)) },
    { values: Array.from({ length: n }, (_, i) => cycle(TIMESTAMPS, i) - (i % 7)) },
    { values: Array.from({ length: n }, (_, i) => (i % 2 === 0 ? cycle(STRINGS, i) : `row ${i}`)) },
  ];
}

/** What DuckDB should return for `columns` (null where `valid` is 0 or the string is null). */
function expected(columns: ColumnValues[], n: number): Cell[][] {
  return columns.map(({ values, valid }) => Array.from({ length: n }, (_, i) => (valid?.[i] === 0 ? null : values[i] ?? null)));
}

async function expectRoundTrip(path: string, columns: ColumnValues[], n: number): Promise<void> {
  const actual = await readColumns(path, READ_BACK);
  const wanted = expected(columns, n);
  READ_BACK.forEach((expr, i) => expectEqual(actual[i], wanted[i], expr));
}

test('round-trips every type, with the DuckDB and Parquet schema types the spec names', async () => {
  const path = nextPath();
  const n = 1_000;
  const columns = sampleColumns(n);
  await writeParquet(path, ALL_TYPES, columns, n);
  expectEqual(await describe(path), {
    i64: 'BIGINT', i32: 'INTEGER', f64: 'DOUBLE', flag: 'BOOLEAN', day: 'DATE', ts: 'TIMESTAMP WITH TIME ZONE', s: 'VARCHAR',
  });
  const schema = await query(
    `select name, type, repetition_type, converted_type, logical_type from parquet_schema('${path}') where name <> 'schema'`,
  );
  expectEqual(schema, [
    ['i64', 'INT64', 'REQUIRED', null, null],
    ['i32', 'INT32', 'REQUIRED', null, null],
    ['f64', 'DOUBLE', 'REQUIRED', null, null],
    ['flag', 'BOOLEAN', 'REQUIRED', null, null],
    ['day', 'INT32', 'REQUIRED', 'DATE', 'DateType()'],
    ['ts', 'INT64', 'REQUIRED', 'TIMESTAMP_MILLIS',
      'TimestampType(isAdjustedToUTC=1, unit=TimeUnit(MILLIS=MilliSeconds(), MICROS=<null>, NANOS=<null>))'],
    ['s', 'BYTE_ARRAY', 'REQUIRED', 'UTF8', 'StringType()'],
  ]);
  await expectRoundTrip(path, columns, n);
  const [meta] = await query(`select created_by, num_rows, num_row_groups from parquet_file_metadata('${path}')`);
  expectEqual(meta, ['crm-campaign-engine io/parquet', n, 1]);
});

test('round-trips nulls of every type: scattered, in long runs, all-null and none', async () => {
  const path = nextPath();
  const n = 3_001;
  const columns = sampleColumns(n);
  let seed = 3;
  const random = (): number => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
  const patterns: ((i: number) => boolean)[] = [
    () => random() < 0.3, // scattered
    (i) => Math.floor(i / 100) % 2 === 0, // long runs
    () => false, // all null
    () => true, // nullable but complete
    (i) => i % 8 !== 3,
    (i) => i % 17 < 16,
    (i) => i % 2 === 0,
  ];
  const withNulls = columns.map(({ values }, c): ColumnValues => {
    const valid = Uint8Array.from({ length: n }, (_, i) => (patterns[c]!(i) ? 1 : 0));
    if (ALL_TYPES[c]!.type === 'string') {
      return { values: Array.from({ length: n }, (_, i) => (valid[i] ? (values[i] as string) : null)) };
    }
    // Junk where valid = 0 proves those entries are never read.
    return { values: Float64Array.from({ length: n }, (_, i) => (valid[i] ? (values[i] as number) : 0.5)), valid };
  });
  await writeParquet(path, nullable(ALL_TYPES), withNulls, n);
  const stringValid = Uint8Array.from({ length: n }, (_, i) => (withNulls[6]!.values[i] === null ? 0 : 1));
  await expectRoundTrip(path, withNulls.map((c, i) => (i === 6 ? { ...c, valid: stringValid } : c)), n);
  const nullCounts = await query(`select stats_null_count from parquet_metadata('${path}') order by column_id`);
  const valids = [...withNulls.slice(0, 6).map((c) => c.valid!), stringValid];
  expectEqual(nullCounts, valids.map((valid) => [valid.filter((v) => v === 0).length]));
});

test('each compression writes the same rows and records its codec', async () => {
  const n = 5_000;
  const columns = sampleColumns(n);
  columns[1]!.valid = Uint8Array.from({ length: n }, (_, i) => (i % 10 === 0 ? 0 : 1));
  const fields = ALL_TYPES.map((f) => (f.name === 'i32' ? { ...f, nullable: true } : f));
  for (const compression of ['uncompressed', 'snappy', 'gzip'] as Compression[]) {
    const path = nextPath();
    await writeParquet(path, fields, columns, n, { compression, rowGroupRows: 2_000 });
    await expectRoundTrip(path, columns, n);
    const codecs = await query(`select distinct compression from parquet_metadata('${path}')`);
    expectEqual(codecs, [[compression.toUpperCase()]], compression);
  }
});

test('large columns split into row groups of rowGroupRows and pages of about 1 MiB', async () => {
  const path = nextPath();
  const n = 400_000;
  const fields: ParquetField[] = [
    { name: 'id', type: 'int64', nullable: false },
    { name: 'label', type: 'string', nullable: true },
    { name: 'rank', type: 'int32', nullable: true },
  ];
  const id = new Float64Array(n);
  const label: (string | null)[] = new Array(n);
  const rank = new Int32Array(n);
  const valid = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    id[i] = i * 1_000_003 - 2 ** 40;
    label[i] = i % 11 === 0 ? null : `row-${i}-ü`;
    rank[i] = i % 5;
    valid[i] = i % 7 === 0 ? 0 : 1;
  }
  await writeParquet(path, fields, [{ values: id }, { values: label }, { values: rank, valid }], n, { rowGroupRows: 250_000 });

  const [mismatches] = await query(`
    select count(*) filter (where id is distinct from file_row_number * 1000003 - 1099511627776),
           count(*) filter (where label is distinct from (case when file_row_number % 11 = 0 then null else 'row-' || file_row_number || '-ü' end)),
           count(*) filter (where rank is distinct from (case when file_row_number % 7 = 0 then null else file_row_number % 5 end)),
           count(*)
    from read_parquet('${path}', file_row_number = true)`);
  expectEqual(mismatches, [0, 0, 0, n]);

  const chunks = await query(`select row_group_id, column_id, row_group_num_rows, data_page_offset, total_compressed_size
    from parquet_metadata('${path}') order by row_group_id, column_id`);
  expectEqual(chunks.map((c) => c[2]), [250_000, 250_000, 250_000, 150_000, 150_000, 150_000], 'row group rows');
  const file = readFileSync(path);
  for (const [group, column, rows, offset, size] of chunks as number[][]) {
    const pages = pageHeaders(file, offset!, size!);
    const label = `row group ${group} column ${column}`;
    expectEqual(pages.reduce((sum, p) => sum + ((p[5] as ThriftStruct)[1] as number), 0), rows, `${label} values`);
    for (const page of pages) assert.ok((page[2] as number) <= 1.1 * 2 ** 20, `${label} page of ${page[2]} bytes`);
    if (column !== 2) assert.ok(pages.length > 1, `${label} has ${pages.length} page`);
  }
});

/** Walks the page headers of one column chunk with an independent Thrift reader. */
function pageHeaders(file: Uint8Array, offset: number, size: number): ThriftStruct[] {
  const headers: ThriftStruct[] = [];
  for (let pos = offset; pos < offset + size;) {
    const { value, end } = readStruct(file, pos);
    headers.push(value);
    pos = end + (value[3] as number);
  }
  return headers;
}

test('statistics carry null counts and min/max that DuckDB uses to skip row groups', async () => {
  const path = nextPath();
  const fields: ParquetField[] = [
    { name: 'id', type: 'int64', nullable: false },
    { name: 'score', type: 'double', nullable: true },
    { name: 'day', type: 'date', nullable: false },
    { name: 'flag', type: 'bool', nullable: false },
    { name: 'rank', type: 'int32', nullable: false },
  ];
  const id = [-MAX, -3, 2 ** 40, MAX];
  const score = [0, -0, NaN, 2.5];
  await writeParquet(path, fields, [
    { values: id }, { values: score, valid: Uint8Array.of(1, 1, 1, 0) }, { values: [3, 1, 2, 0] }, { values: [1, 1, 1, 1] },
    { values: [7, -7, 0, 1] },
  ], 4);
  const stats = await query(`select path_in_schema, stats_min_value, stats_max_value, stats_null_count
    from parquet_metadata('${path}') order by column_id`);
  expectEqual(stats, [
    ['id', String(-MAX), String(MAX), 0],
    ['score', '-0.0', '0.0', 1],
    ['day', '1970-01-01', '1970-01-04', 0],
    ['flag', 'true', 'true', 0],
    ['rank', '-7', '7', 0],
  ]);
  expectEqual(await query(`select count(*) from read_parquet('${path}') where id = ${MAX}`), [[1]]);
  expectEqual(await query(`select count(*) from read_parquet('${path}') where score = 0`), [[2]]);
});

test('zero rows make a valid file with the full schema', async () => {
  const path = nextPath();
  await writeParquet(path, nullable(ALL_TYPES), ALL_TYPES.map(() => ({ values: [] })), 0);
  expectEqual(await describe(path), {
    i64: 'BIGINT', i32: 'INTEGER', f64: 'DOUBLE', flag: 'BOOLEAN', day: 'DATE', ts: 'TIMESTAMP WITH TIME ZONE', s: 'VARCHAR',
  });
  expectEqual(await query(`select count(*) from read_parquet('${path}')`), [[0]]);
  expectEqual(await query(`select num_rows, num_row_groups from parquet_file_metadata('${path}')`), [[0, 0]]);
});

test('writes atomically: replaces an existing file, leaves no temp file on success or failure', async () => {
  const sub = tempDir('parquet-atomic-');
  const path = join(sub, 'out.parquet');
  writeFileSync(path, 'stale');
  const fields: ParquetField[] = [{ name: 'n', type: 'int32', nullable: false }];
  await writeParquet(path, fields, [{ values: [1, 2, 3] }], 3);
  expectEqual(readdirSync(sub), ['out.parquet']);
  expectEqual(await query(`select sum(n) from read_parquet('${path}')`), [[6]]);

  // The bad value sits in the third row group, after the file has been opened and written to.
  const failing = join(sub, 'failed.parquet');
  await assert.rejects(
    writeParquet(failing, fields, [{ values: [1, 2, 3, 4, 5.5] }], 5, { rowGroupRows: 2 }),
    /column "n" \(int32\): 5\.5 at row 4 is not an integer/,
  );
  expectEqual(readdirSync(sub), ['out.parquet']);
});

test('errors name the column and the problem', async () => {
  const path = join(tempDir('parquet-errors-'), 'never.parquet');
  const int32: ParquetField[] = [{ name: 'rank', type: 'int32', nullable: false }];
  const cases: [ParquetField[], ColumnValues[], number, RegExp][] = [
    [int32, [], 1, /1 fields \(no column for field "rank"\)/],
    [int32, [{ values: [1] }, { values: [2] }], 1, /2 columns for 1 fields/],
    [int32, [{ values: [1, 2] }], 3, /column "rank" \(int32\): 2 values, need 3 rows/],
    [int32, [{ values: [1, 2.5] }], 2, /column "rank" \(int32\): 2\.5 at row 1 is not an integer/],
    [int32, [{ values: [2 ** 31] }], 1, /column "rank" \(int32\): 2147483648 at row 0 is out of range/],
    [int32, [{ values: [1, 2], valid: Uint8Array.of(1, 0) }], 2, /column "rank" \(int32\): null at row 1 .*non-nullable/],
    [int32, [{ values: [1, null] as unknown as number[] }], 2, /column "rank" \(int32\): null at row 1 in a non-nullable column/],
    [[{ name: 'id', type: 'int64', nullable: false }], [{ values: [2 ** 53] }], 1, /column "id" \(int64\): 9007199254740992 at row 0 is out of range/],
    [[{ name: 'id', type: 'int64', nullable: true }], [{ values: [NaN] }], 1, /column "id" \(int64\): NaN at row 0 is not an integer/],
    [[{ name: 'ts', type: 'timestamp_ms', nullable: false }], [{ values: [1.25] }], 1, /column "ts" \(timestamp_ms\): 1\.25 at row 0/],
    [[{ name: 'day', type: 'date', nullable: false }], [{ values: [0, -(2 ** 31) - 1] }], 2, /column "day" \(date\): .* at row 1 is out of range/],
    [[{ name: 'ok', type: 'bool', nullable: false }], [{ values: [0, 2] }], 2, /column "ok" \(bool\): 2 at row 1 is not 0 or 1/],
    [[{ name: 'x', type: 'double', nullable: false }], [{ values: [1, '2'] as unknown as number[] }], 2, /column "x" \(double\): string "2" at row 1 is not a number/],
    [[{ name: 'crm_id', type: 'string', nullable: false }], [{ values: ['a', null] }], 2, /column "crm_id" \(string\): null at row 1 in a non-nullable column/],
    [[{ name: 'crm_id', type: 'string', nullable: true }], [{ values: ['a', 7] as unknown as string[] }], 2, /column "crm_id" \(string\): number 7 at row 1 is not a string/],
    [[{ name: 'a', type: 'int32', nullable: false }, { name: 'a', type: 'int64', nullable: false }], [{ values: [] }, { values: [] }], 0, /duplicate field "a"/],
  ];
  for (const [fields, columns, n, message] of cases) await assert.rejects(writeParquet(path, fields, columns, n), message);
  await assert.rejects(
    writeParquet(path, int32, [{ values: [1] }], 1, { compression: 'zstd' as Compression }),
    /unknown compression "zstd"/,
  );
  await assert.rejects(writeParquet(path, int32, [{ values: [1] }], 1, { rowGroupRows: 0 }), /rowGroupRows must be a positive integer/);
  expectEqual(readdirSync(join(path, '..')), []);
});
