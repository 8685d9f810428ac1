/**
 * The snapshot reader on the real tables Spark, Databricks and delta-rs wrote
 * (`../shared/fixtures/delta-rs`, see its README). Expected contents are the ones delta-rs's own
 * tests assert where the README gives them; for the other tables each test says how they follow
 * from the log (adds, removes, partition values, stats) under the protocol's rules.
 */
import assert from 'node:assert/strict';
import { cpSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { DuckDBSession } from '../../../io/input/duckdb-session.js';
import { DeltaError } from '../../../io/delta/delta-error.js';
import { prepareDeltaScan } from '../../../io/delta/scan-sql.js';
import { readSnapshot } from '../../../io/delta/snapshot.js';
import { expectEqual } from '../../support/expect-equal.js';
import { tempDir } from '../../support/temp-dir.js';

/** The fixtures as CI lays them out: the repository at X/main, shared/ at X/shared. */
export const FIXTURES = join(process.cwd(), '..', 'shared', 'fixtures', 'delta-rs');

let session: DuckDBSession;
let tables = 0;
beforeAll(async () => {
  session = await DuckDBSession.open(1);
});
afterAll(() => session.close());

/** Every row of the table at `version` (default latest), columns in `select` order, sorted. */
async function rows(dir: string, select: string, version?: number): Promise<unknown[][]> {
  const snapshot = await readSnapshot(session, dir, version);
  const scan = await prepareDeltaScan(session, snapshot, `dv_${tables++}`);
  const result = await session.rows(`SELECT ${select} FROM ${scan.sql} ORDER BY ALL`);
  return result.map((r) => r.map((v) => (typeof v === 'bigint' ? Number(v) : v)));
}

const fixture = (name: string): string => join(FIXTURES, name);
const column = (list: unknown[][]): unknown[] => list.map((r) => r[0]);
const range = (from: number, to: number): number[] => Array.from({ length: to - from + 1 }, (_, i) => from + i);

/** A copy of a fixture (without write bits, like CI's shared/) that a test may change. */
function copy(name: string): string {
  const dir = join(tempDir('delta-fixture-'), name);
  cpSync(fixture(name), dir, { recursive: true, mode: 0 });
  return dir;
}

function dropCommits(dir: string, upTo: number): void {
  for (let v = 0; v <= upTo; v++) rmSync(join(dir, '_delta_log', `${String(v).padStart(20, '0')}.json`));
}

describe('Delta snapshots of the delta-rs fixtures', () => {
  it('simple_table: only the live files, not the files the log removed (README: id 5, 7, 9)', async () => {
    expectEqual(column(await rows(fixture('simple_table'), 'id')), [5, 7, 9]);
    const snapshot = await readSnapshot(session, fixture('simple_table'));
    expectEqual(snapshot.version, 4, 'version (the commit under _delta_log/.tmp/ is not part of the log)');
    assert.ok(readdirSync(fixture('simple_table')).filter((f) => f.endsWith('.parquet')).length > snapshot.files.length, 'removed files are still on disk');
  });

  it('simple_table: time travel by log replay', async () => {
    // Version 0 adds six files; the MERGE of version 1 removes five and adds 21; the overwrite of
    // version 2 removes those 22 and adds six; version 3 rewrites two of them; version 4 one more.
    expectEqual((await readSnapshot(session, fixture('simple_table'), 0)).files.length, 6);
    expectEqual((await readSnapshot(session, fixture('simple_table'), 1)).files.length, 22);
    expectEqual((await readSnapshot(session, fixture('simple_table'), 2)).files.length, 6);
    expectEqual((await readSnapshot(session, fixture('simple_table'), 3)).files.length, 6);
  });

  it('delta-0.8.0: a DELETE that rewrote a file (copy-on-write)', async () => {
    // Version 0 adds files of values {0, 1} and {2, 3, 4}; DELETE value = 3 removes the second
    // and adds a rewritten file with the 2 copied rows (operationMetrics: numCopiedRows 2).
    expectEqual(column(await rows(fixture('delta-0.8.0'), 'value')), [0, 1, 2, 4]);
  });

  it('delta-0.8.0-partitioned: partition values from the log (README: 7 rows)', async () => {
    expectEqual(await rows(fixture('delta-0.8.0-partitioned'), 'value, year, month, day'), [
      ['1', '2020', '1', '1'],
      ['2', '2020', '2', '3'],
      ['3', '2020', '2', '5'],
      ['4', '2021', '4', '5'],
      ['5', '2021', '12', '4'],
      ['6', '2021', '12', '20'],
      ['7', '2021', '12', '20'],
    ]);
  });

  it('delta-0.8.0-null-partition: a null partition value is NULL, whatever the directory is called', async () => {
    // The log: k = "A" for one file and k = null for the file under k=__HIVE_DEFAULT_PARTITION__/.
    expectEqual(await rows(fixture('delta-0.8.0-null-partition'), 'k, v'), [
      ['A', 1],
      [null, 2],
    ]);
  });

  it("delta-2.2.0-partitioned-types: partition values typed by the log's schema", async () => {
    // c1 integer and c2 string are partition columns; c3 comes from stats min = max per file.
    expectEqual(await rows(fixture('delta-2.2.0-partitioned-types'), 'c1, c2, c3, typeof(c1)'), [
      [4, 'c', 5, 'INTEGER'],
      [5, 'b', 6, 'INTEGER'],
      [6, 'a', 4, 'INTEGER'],
    ]);
  });

  it('table-with-dv-small: a deletion vector in a .bin file (README: value 1..8)', async () => {
    expectEqual(column(await rows(fixture('table-with-dv-small'), 'value')), range(1, 8));
    expectEqual(column(await rows(fixture('table-with-dv-small'), 'value', 0)), range(0, 9), 'version 0, before the DELETE');
    expectEqual(column(await rows(fixture('table-without-dv-small'), 'value')), range(0, 9));
  });

  it('table_with_deletion_logs: numRecords minus the cardinality of the deletion vector (README), after a checkpoint', async () => {
    const snapshot = await readSnapshot(session, fixture('table_with_deletion_logs'));
    expectEqual(snapshot.version, 20);
    const ids = column(await rows(fixture('table_with_deletion_logs'), 'id'));
    expectEqual(ids.length, 100 - 2);
    // The two DELETEs (commits 3 and 4) have predicates id = 12 and id = 89; the file's stats say ids 10..109.
    expectEqual(ids, range(10, 109).filter((id) => id !== 12 && id !== 89));
  });

  it('table_with_column_mapping: physical names mapped back (mode name), partition values by physical name', async () => {
    const result = await rows(fixture('table_with_column_mapping'), '"Company Very Short", "Super Name"');
    // Per file, the log gives the partition value and the stats: BMS with 4 records between
    // "Anthony Johnson" and "Stephanie Mcgrath", BME with 1 record "Timothy Lamb".
    expectEqual(result.filter((r) => r[0] === 'BME'), [['BME', 'Timothy Lamb']]);
    const bms = result.filter((r) => r[0] === 'BMS').map((r) => r[1] as string);
    expectEqual(bms.length, 4);
    expectEqual([bms[0], bms.at(-1)], ['Anthony Johnson', 'Stephanie Mcgrath']);
  });

  it('table_with_edge_timestamps: timestamps up to 9999-12-31 (stats min = max per file)', async () => {
    expectEqual(await rows(fixture('table_with_edge_timestamps'), "strftime(BIG_DATE, '%Y-%m-%d'), strftime(NORMAL_DATE, '%Y-%m-%d'), SOME_VALUE"), [
      ['9999-12-30', '2022-02-01', 2],
      ['9999-12-31', '2022-01-01', 1],
    ]);
  });

  it('checkpoint-v2-table: a V2 checkpoint (UUID-named JSON with a Parquet sidecar), then one commit', async () => {
    // Appends of ids 1-10, 11, 12-21, 22, 23-32, 33, 34-43 and 44 (stats of each add).
    expectEqual(column(await rows(fixture('checkpoint-v2-table'), 'id')), range(1, 44));
    const dir = copy('checkpoint-v2-table');
    dropCommits(dir, 8);
    expectEqual(column(await rows(dir, 'id')), range(1, 44), 'read from the checkpoint of version 8 alone');
    expectEqual(column(await rows(dir, 'id', 8)), range(1, 43), 'time travel to the checkpoint');
    rmSync(join(dir, '_delta_log', '_sidecars'), { recursive: true });
    await assert.rejects(readSnapshot(session, dir), (e: unknown) => e instanceof DeltaError && /_sidecars\/00000000000000000008\.checkpoint\..*\.parquet$/.test(e.file ?? '') && /is missing: a sidecar/.test(e.message));
  });

  it('simple_table_with_checkpoint: a classic Parquet checkpoint, even with a stale or no _last_checkpoint', async () => {
    // Eleven appends of one row each: the files hold version = 0..9 and 0 again.
    const expected = [0, ...range(0, 9)];
    expectEqual(column(await rows(fixture('simple_table_with_checkpoint'), 'version')), expected);
    const dir = copy('simple_table_with_checkpoint');
    dropCommits(dir, 9);
    writeFileSync(join(dir, '_delta_log', '_last_checkpoint'), '{"version":5,"size":7}');
    expectEqual(column(await rows(dir, 'version')), expected, 'stale _last_checkpoint');
    rmSync(join(dir, '_delta_log', '_last_checkpoint'));
    expectEqual(column(await rows(dir, 'version')), expected, 'no _last_checkpoint');
    await assert.rejects(readSnapshot(session, dir, 9), (e: unknown) => e instanceof DeltaError && e.file!.endsWith('00000000000000000000.json') && /no checkpoint precedes it/.test(e.message));
  });

  it('with_checkpoint_no_last_checkpoint: the checkpoint is found by listing; its data files are not in the fixture', async () => {
    // Versions 2 and 3 each overwrite: the live file of version 3 is the one it adds.
    const live = 'part-00000-70b1dcdf-0236-4f63-a072-124cdbafd8a0-c000.snappy.parquet';
    await assert.rejects(readSnapshot(session, fixture('with_checkpoint_no_last_checkpoint')), (e: unknown) => e instanceof DeltaError && e.file!.endsWith(live) && /missing on disk/.test(e.message));
    const dir = copy('with_checkpoint_no_last_checkpoint');
    dropCommits(dir, 1);
    touchAdds(dir);
    const snapshot = await readSnapshot(session, dir);
    expectEqual([snapshot.version, snapshot.files.map((f) => f.path)], [3, [live]]);
  });

  it('checkpoints: twelve appends to date partitions, data files not in the fixture', async () => {
    await assert.rejects(readSnapshot(session, fixture('checkpoints')), (e: unknown) => e instanceof DeltaError && /date=2020-06-01\/part-00000-.*\.parquet$/.test(e.file!));
    const dir = copy('checkpoints');
    touchAdds(dir);
    const snapshot = await readSnapshot(session, dir);
    // Commits 1..12 only add: 6 files in 2020-06-01, 2 in 2020-06-02, 4 in 2020-06-03.
    const dates = snapshot.files.map((f) => f.partitionValues['date']);
    expectEqual([snapshot.version, dates.filter((d) => d === '2020-06-01').length, dates.filter((d) => d === '2020-06-02').length, dates.filter((d) => d === '2020-06-03').length], [12, 6, 2, 4]);
    expectEqual(
      snapshot.columns.map((c) => [c.name, c.type, c.partition]),
      [
        ['value', 'VARCHAR', false],
        ['ts', 'TIMESTAMP WITH TIME ZONE', false],
        ['date', 'VARCHAR', true],
      ],
      'the nested some_struct is left out',
    );
  });
});

/** Creates an empty file for every path a commit of `dir` adds (the fixture ships only the log). */
function touchAdds(dir: string): void {
  const logDir = join(dir, '_delta_log');
  for (const name of readdirSync(logDir).filter((n) => n.endsWith('.json'))) {
    for (const line of readFileSync(join(logDir, name), 'utf8').split('\n')) {
      const path = (line.startsWith('{"add"') ? (JSON.parse(line) as { add: { path: string } }).add.path : null) ?? null;
      if (path === null) continue;
      cpSync('/dev/null', join(dir, path));
    }
  }
}
