import { existsSync, linkSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBSession, sqlString } from '../../../io/input/duckdb-session.js';
import { DeltaTableWriter, SPEC_FIELDS } from '../delta/delta-writer.js';

export type PlaysLayout = 'hive' | 'delta' | 'single';

export interface PlaysLayoutOptions {
  /** A dataset (plays as `plays.parquet` or a directory of files). */
  data: string;
  /** Where the new dataset appears (atomically; it must not exist). */
  out: string;
  layout: PlaysLayout;
  /** Files of plays (hive and delta). */
  files: number;
}

/**
 * Rewrites a dataset's plays as a lake lays them out (issue 20), beside the dataset: the other
 * tables are hard links, the plays sorted by `ts` (as a stream of hourly files lands) and cut
 * into `files` files of equal rows, each under the Hive directory of its first row's date and
 * hour (`plays/dt=YYYY-MM-DD/hr=HH/part-K.parquet`):
 * - `hive`: that directory tree;
 * - `delta`: the same files as a Delta table partitioned by `dt` and `hr`, one add each;
 * - `single`: the same rows in the same order as one `plays.parquet` (the baseline that
 *   separates the cost of the files from the cost of the row order).
 */
export async function writePlaysLayout(options: PlaysLayoutOptions): Promise<void> {
  const { data, out, layout } = options;
  const files = layout === 'single' ? 1 : options.files;
  if (existsSync(out)) throw new Error(`${out} exists`);
  const work = `${out}.partial`;
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  for (const entry of readdirSync(data)) if (entry !== 'plays.parquet' && statSync(join(data, entry)).isFile()) linkSync(join(data, entry), join(work, entry));

  // One thread: a partitioned COPY writes one file per partition and thread.
  const session = await DuckDBSession.open(1);
  try {
    const source = existsSync(join(data, 'plays.parquet')) ? sqlString(join(data, 'plays.parquet')) : `read_parquet(${sqlString(join(data, 'plays', '**', '*.parquet'))})`;
    const [[total]] = (await session.rows(`SELECT count(*) FROM ${source}`)) as [[bigint]];
    // Equal rows per file, in time order; ties broken by profile and content so the layout is reproducible.
    await session.run(
      `CREATE TEMP TABLE sorted AS SELECT profile_id, content_id, ts, watch_seconds, (row_number() OVER (ORDER BY ts, profile_id, content_id, watch_seconds) - 1) * ${files} // ${total} AS part FROM ${source}`,
    );
    const order = 'ORDER BY part, ts, profile_id, content_id, watch_seconds';
    if (layout === 'single') {
      await session.run(`COPY (SELECT profile_id, content_id, ts, watch_seconds FROM sorted ${order}) TO ${sqlString(join(work, 'plays.parquet'))} (FORMAT parquet)`);
    } else {
      const staged = join(work, 'plays-by-part');
      await session.run(`COPY (SELECT * FROM sorted ${order}) TO ${sqlString(staged)} (FORMAT parquet, PARTITION_BY (part))`);
      const firsts = (await session.rows(`SELECT part, strftime(min(ts), '%Y-%m-%d'), hour(min(ts)), count(*) FROM sorted GROUP BY part ORDER BY part`)) as [bigint, string, bigint, bigint][];
      const table = join(work, 'plays');
      const adds = [];
      for (const [part, dt, hr, rows] of firsts) {
        const dir = `dt=${dt}/hr=${String(hr).padStart(2, '0')}`;
        const path = `${dir}/part-${String(part).padStart(5, '0')}.parquet`;
        mkdirSync(join(table, dir), { recursive: true });
        const written = readdirSync(join(staged, `part=${part}`));
        if (written.length !== 1) throw new Error(`part ${part}: expected one file, found ${written.length}`);
        renameSync(join(staged, `part=${part}`, written[0]!), join(table, path));
        adds.push({ add: { path, partitionValues: { dt, hr: String(hr) }, size: statSync(join(table, path)).size, modificationTime: 1764000000000, dataChange: true, stats: JSON.stringify({ numRecords: Number(rows) }) } });
      }
      rmSync(staged, { recursive: true });
      if (layout === 'delta') {
        const writer = new DeltaTableWriter(table, {
          sql: (text) => session.rows(text),
          fields: [...SPEC_FIELDS.plays, { name: 'dt', type: 'string' }, { name: 'hr', type: 'integer' }],
          partitionColumns: ['dt', 'hr'],
          protocol: { minReaderVersion: 1, minWriterVersion: 2 },
        });
        writer.commit(adds);
      }
    }
  } finally {
    session.close();
  }
  renameSync(work, out);
}
