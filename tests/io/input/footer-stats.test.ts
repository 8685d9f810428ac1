import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDBSession } from '../../../io/input/duckdb-session.js';
import { sourceFooters } from '../../../io/input/footer-stats.js';
import type { TableSource } from '../../../io/input/table-files.js';
import { tempDir } from '../../support/temp-dir.js';

describe('sourceFooters', () => {
  const dir = tempDir('footer-stats-');
  let session: DuckDBSession;
  const file = (name: string): string => join(dir, name);
  const source = (files: string[]): TableSource => ({ table: 'plays', label: 'plays/', files, hive: false, delta: null });

  beforeAll(async () => {
    session = await DuckDBSession.open(1);
    await session.run(`COPY (SELECT range AS id, CASE WHEN range = 5 THEN NULL ELSE range END AS v FROM range(5000)) TO '${file('b.parquet')}' (FORMAT parquet, ROW_GROUP_SIZE 2048)`);
    await session.run(`COPY (SELECT -range - 1 AS id FROM range(3)) TO '${file('a.parquet')}' (FORMAT parquet)`);
  });
  afterAll(() => session.close());

  it('sums null counts, min and max over every file and row group; row groups come in the source file order', async () => {
    const footers = await sourceFooters(session, source([file('b.parquet'), file('a.parquet')]));
    expect(footers.rowGroups.map((g) => [g.file, g.id, g.rows])).toEqual([
      [0, 0, 2048],
      [0, 1, 2048],
      [0, 2, 904],
      [1, 0, 3],
    ]);
    expect(footers.columns.get('id')).toEqual({ complete: true, nulls: 0, min: -3, max: 4999 });
    // `v` is missing from a.parquet: its footers cannot vouch for the table.
    expect(footers.columns.get('v')!.complete).toBe(false);
    expect(footers.columns.get('v')!.nulls).toBe(1);
  });

  it('reads the footers once per source', async () => {
    const s = source([file('a.parquet')]);
    const first = sourceFooters(session, s);
    expect(sourceFooters(session, s)).toBe(first);
    expect((await first).rowGroups.length).toBe(1);
  });

  it("a Delta table's footers give its physical row groups, and only the data columns it reads by name", async () => {
    const files = [file('b.parquet')];
    const delta = (mapped: boolean): TableSource => ({ ...source(files), delta: { mapped, dataColumns: [{ name: 'id', type: 'BIGINT' }] } as never });
    const byName = await sourceFooters(session, delta(false));
    expect(byName.rowGroups.length).toBe(3);
    // `v` stands for a partition column: its values come from the log, not from the file.
    expect([...byName.columns.keys()]).toEqual(['id']);
    const mapped = await sourceFooters(session, delta(true));
    expect(mapped.rowGroups.length).toBe(3);
    expect(mapped.columns.size).toBe(0);
  });
});
