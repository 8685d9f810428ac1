/**
 * Issue 17 item 7, protocol "Partition Value Serialization": partition values parse strictly by
 * the column's Delta type (a value a writer would not write is an error, never rounded: "1.5" read
 * as 2 and "0x10" as 16 were silent wrong data), and a partition column missing from
 * `partitionValues` is an error, not NULL. Each value is checked by DuckDB evaluating the literal;
 * through a run, the one-line error names the table, the data file, the column and the value.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { InputError } from '../../../io/errors.js';
import { DuckDBSession } from '../../../io/input/duckdb-session.js';
import { PartitionValueError, partitionLiteral } from '../../../io/delta/partition-values.js';
import type { DeltaColumn } from '../../../io/delta/table-schema.js';
import { DeltaTableWriter, SPEC_FIELDS } from '../../../bench/workloads/delta/delta-writer.js';
import { D, assertNothingWritten, cli, run, variant, writeBase } from '../input/contract-fixture.js';
import { query } from '../parquet/duckdb-query.js';
import { expectEqual } from '../../support/expect-equal.js';
import { tempDir } from '../../support/temp-dir.js';

const DUCK: Record<string, string> = {
  byte: 'TINYINT',
  short: 'SMALLINT',
  integer: 'INTEGER',
  long: 'BIGINT',
  float: 'FLOAT',
  double: 'DOUBLE',
  'decimal(5,2)': 'DECIMAL(5, 2)',
  boolean: 'BOOLEAN',
  date: 'DATE',
  timestamp: 'TIMESTAMP WITH TIME ZONE',
  timestamp_ntz: 'TIMESTAMP',
  string: 'VARCHAR',
  binary: 'BLOB',
};
const column = (deltaType: string): DeltaColumn => ({ name: 'p', type: DUCK[deltaType]!, deltaType, key: 'p', partitionKey: 'p', partition: true });

let session: DuckDBSession;
beforeAll(async () => {
  session = await DuckDBSession.open(1);
  await session.run("SET TimeZone = 'UTC'");
});
afterAll(() => session.close());

/** The literal's value as DuckDB renders it as text. */
async function value(deltaType: string, raw: string | null): Promise<string | null> {
  const [[v]] = (await session.rows(`SELECT CAST(${partitionLiteral(column(deltaType), raw)} AS VARCHAR)`)) as [[string | null]];
  return v;
}

describe('valid values read as the writer meant them', () => {
  const CASES: [type: string, raw: string, expected: string][] = [
    ['byte', '-128', '-128'],
    ['short', '32767', '32767'],
    ['integer', '-7', '-7'],
    ['integer', '007', '7'],
    ['long', '9223372036854775807', '9223372036854775807'],
    ['double', '1.5E3', '1500.0'],
    ['double', '-0.25', '-0.25'],
    ['double', 'NaN', 'nan'],
    ['double', '-Infinity', '-inf'],
    ['float', '3.25', '3.25'],
    ['decimal(5,2)', '-123.45', '-123.45'],
    ['decimal(5,2)', '7', '7.00'],
    ['boolean', 'true', 'true'],
    ['boolean', 'false', 'false'],
    ['date', '2024-02-29', '2024-02-29'],
    ['timestamp', '1970-01-01 00:00:00', '1970-01-01 00:00:00+00'],
    ['timestamp', '2021-06-30 23:59:59.123456', '2021-06-30 23:59:59.123456+00'],
    ['timestamp', '2021-06-30T23:59:59.5Z', '2021-06-30 23:59:59.5+00'],
    ['timestamp_ntz', '2021-06-30 12:00:00.1', '2021-06-30 12:00:00.1'],
    ['string', "it's 1.5", "it's 1.5"],
    ['binary', '\u0001\u0002\u00ff', '\\x01\\x02\\xFF'],
  ];
  for (const [type, raw, expected] of CASES) {
    it(`${type} ${JSON.stringify(raw)}`, async () => expectEqual(await value(type, raw), expected));
  }
  it("'' and null are NULL for any type", async () => {
    for (const type of Object.keys(DUCK)) for (const raw of ['', null]) expectEqual(await value(type, raw), null, `${type} ${JSON.stringify(raw)}`);
  });
});

describe('values no writer writes are errors', () => {
  const CASES: [type: string, raw: string, why: string][] = [
    ['integer', '1.5', 'an integer in base 10'],
    ['integer', '0x10', 'an integer in base 10'],
    ['integer', '+1', 'an integer in base 10'],
    ['integer', ' 1', 'an integer in base 10'],
    ['integer', '1e3', 'an integer in base 10'],
    ['integer', '2147483648', 'within the integer range -2147483648..2147483647'],
    ['byte', '128', 'within the byte range -128..127'],
    ['long', '9223372036854775808', 'within the long range -9223372036854775808..9223372036854775807'],
    ['short', '12abc', 'a short integer in base 10'],
    ['double', '1,5', 'a number'],
    ['double', 'inf', 'a number'],
    ['double', '1e999', 'within the double range'],
    ['float', '3.5e38', 'within the float range'],
    ['decimal(5,2)', '1234.5', 'within decimal(5,2) (at most 3 digits before the point and 2 after)'],
    ['decimal(5,2)', '1.234', 'within decimal(5,2) (at most 3 digits before the point and 2 after)'],
    ['decimal(5,2)', '1e2', 'a decimal number'],
    ['boolean', 'yes', 'true or false'],
    ['boolean', 'TRUE', 'true or false'],
    ['date', '2021-02-30', 'a date YYYY-MM-DD'],
    ['date', '2021-13-01', 'a date YYYY-MM-DD'],
    ['date', '2021-1-1', 'a date YYYY-MM-DD'],
    ['timestamp', '2021-01-01 24:00:00', 'a timestamp YYYY-MM-DD HH:MM:SS[.ffffff] (or ISO 8601 in UTC, YYYY-MM-DDTHH:MM:SS[.ffffff]Z)'],
    ['timestamp', '2021-01-01T00:00:00', 'a timestamp YYYY-MM-DD HH:MM:SS[.ffffff] (or ISO 8601 in UTC, YYYY-MM-DDTHH:MM:SS[.ffffff]Z)'],
    ['timestamp', '2021-01-01 00:00:00.1234567', 'a timestamp YYYY-MM-DD HH:MM:SS[.ffffff] (or ISO 8601 in UTC, YYYY-MM-DDTHH:MM:SS[.ffffff]Z)'],
    ['timestamp_ntz', '2021-01-01T00:00:00Z', 'a timestamp YYYY-MM-DD HH:MM:SS[.ffffff]'],
    ['binary', 'é€', 'binary (characters U+0000 to U+00FF, one per byte)'],
  ];
  for (const [type, raw, why] of CASES) {
    it(`${type} ${JSON.stringify(raw)}`, () => {
      assert.throws(
        () => partitionLiteral(column(type), raw),
        (e: unknown) => e instanceof PartitionValueError && e.message === `partition column 'p' (${type}) has the value ${JSON.stringify(raw)}, which is not ${why}`,
      );
    });
  }
});

describe('through a run', () => {
  const root = tempDir('partition-values-');
  const base = join(root, 'base');
  beforeAll(() => writeBase(base));

  /** The dataset with regions as a Delta table partitioned by an extra integer column `n`, its one file given `partitionValues`. */
  async function partitioned(name: string, partitionValues: Record<string, string | null>): Promise<string> {
    const data = await variant(base, join(root, name), { regions: null });
    const w = new DeltaTableWriter(join(data, 'regions'), { sql: query, fields: [...SPEC_FIELDS.regions, { name: 'n', type: 'integer' }], partitionColumns: ['n'] });
    const add = await w.dataFile('n=1/part-0.parquet', `SELECT *, 1 AS n FROM read_parquet('${join(base, 'regions.parquet')}')`);
    w.commit([{ add: { ...add, partitionValues } }]);
    return data;
  }

  for (const [name, partitionValues, message] of [
    ['int-1.5', { n: '1.5' }, `partition column 'n' (integer) has the value "1.5", which is not an integer in base 10`],
    ['int-hex', { n: '0x10' }, `partition column 'n' (integer) has the value "0x10", which is not an integer in base 10`],
    ['missing', {}, `the log gives this data file no value for the partition column 'n' (partitionValues {})`],
  ] as const) {
    it(`${name}: the one-line error names table, file, column and value`, async () => {
      const data = await partitioned(name, partitionValues);
      const out = join(root, `out-${name}`);
      await assert.rejects(run(data, out), (e: unknown) => e instanceof InputError && e.message === `regions/n=1/part-0.parquet: Delta table 'regions': ${message}`);
      assertNothingWritten(out);
    });
  }

  it('through the CLI', async () => {
    const data = await partitioned('cli', { n: '1.5' });
    const r = await cli(['run', '--data', data, '--date', D, '--out', join(root, 'out-cli'), '--workers', '0', '--quiet']);
    expectEqual(r, { code: 3, stdout: '', stderr: `campaign: regions/n=1/part-0.parquet: Delta table 'regions': partition column 'n' (integer) has the value "1.5", which is not an integer in base 10\n` });
  });

  it('a valid value and an explicit null read as before', async () => {
    for (const [name, n] of [['valid', '16'], ['null', null]] as const) {
      const r = await run(await partitioned(name, { n }), join(root, `out-${name}`));
      expectEqual(r.counts['regions'], { rows: 3 }, name);
    }
  });
});
