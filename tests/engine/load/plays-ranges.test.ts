import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planRanges } from '../../../engine/load/plays-ranges.js';
import { DuckDBSession } from '../../../io/input/duckdb-session.js';
import { LocalDataset } from '../../../io/input/dataset.js';
import { findTable } from '../../../io/input/table-files.js';
import type { TableSource } from '../../../io/input/table-files.js';
import { expectEqual } from '../../support/expect-equal.js';
import { tempDir } from '../../support/temp-dir.js';

/**
 * Plays as many small files around one large file: the slices follow the rows (runs of small
 * files, row groups of the large one), never one slice per file, and together read every row once.
 */
describe('planRanges', () => {
  const data = tempDir('plays-ranges-');
  let session: DuckDBSession;
  let source: TableSource;

  beforeAll(async () => {
    session = await DuckDBSession.open(1);
    // 16 files of 1,000 rows (ids in file order), the 9th replaced by one of 16,384 rows in 8 row groups.
    let id = 0;
    for (let f = 0; f < 16; f++) {
      const rows = f === 8 ? 16384 : 1000;
      const dir = join(data, 'plays', `dt=2026-11-${String(f + 1).padStart(2, '0')}`);
      mkdirSync(dir, { recursive: true });
      await session.run(`COPY (SELECT range + ${id} AS id FROM range(${rows})) TO '${join(dir, 'part-0.parquet')}' (FORMAT parquet, ROW_GROUP_SIZE 2048)`);
      id += rows;
    }
    source = (await findTable(session, new LocalDataset(data), 'plays', true))!;
  });
  afterAll(() => session.close());

  it('cuts 31,384 rows in 16 files into four slices of about a quarter each, reading every row once in file order', async () => {
    const ranges = await planRanges(session, source, 4);
    // Files 1–8, the large file's row groups 1–4 and 5–8, files 10–16.
    expectEqual(
      ranges.map((r) => r.rows),
      [8000, 8192, 8192, 7000],
      'rows',
    );
    const ids: number[] = [];
    for (const r of ranges) {
      const rows = await session.rows(`SELECT CAST(id AS INTEGER) FROM ${r.from}${r.where === '' ? '' : ` WHERE ${r.where}`}`);
      expect(rows.length).toBe(r.rows);
      ids.push(...rows.map(([v]) => v as number));
    }
    expectEqual(ids, Array.from({ length: 31384 }, (_, i) => i), 'ids');
  });

  it('a slice lists only its own files', async () => {
    const ranges = await planRanges(session, source, 4);
    const listed = ranges.map((r) => (r.from.match(/\.parquet'/g) ?? []).length);
    expectEqual(listed, [8, 1, 1, 7], 'files listed');
  });

  it('a slice holds at most so many files, however small they are', async () => {
    const ranges = await planRanges(session, source, 1, false, 3);
    expectEqual(
      ranges.map((r) => (r.from.match(/\.parquet'/g) ?? []).length),
      [3, 3, 3, 3, 3, 1],
      'files listed',
    );
    expect(ranges.reduce((n, r) => n + r.rows, 0)).toBe(31384);
  });

  it('one slice when asked for one', async () => {
    const ranges = await planRanges(session, source, 1);
    expect(ranges.length).toBe(1);
    expect(ranges[0]!.rows).toBe(31384);
  });
});
