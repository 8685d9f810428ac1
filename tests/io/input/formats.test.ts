/**
 * SPEC §2: every encoding a producer may reasonably write must read to the same model, so the
 * published scenario and selection files are byte-identical to the baseline dataset's.
 */
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, it } from 'vitest';
import { expectEqual } from '../../support/expect-equal.js';
import { readRunOutputs } from '../../support/read-run-outputs.js';
import { tempDir } from '../../support/temp-dir.js';
import type { RunCampaignResult } from '../../../engine/run-campaign.js';
import { BASE, TABLES, copyParquet, duck, lit, readOutputs, run, sql, variant, writeBase } from './contract-fixture.js';
import type { TableRewrite } from './contract-fixture.js';

const root = tempDir('input-formats-');
const baseDir = join(root, 'base');
let baseline: RunCampaignResult;
let baselineFiles: Record<string, string>;

beforeAll(async () => {
  await writeBase(baseDir);
  baseline = await run(baseDir, join(root, 'out-base'));
  baselineFiles = readOutputs(baseline.outputDir);
});

let n = 0;
/** Runs the engine on `dataDir` and checks its outputs and counts equal the baseline's. */
async function expectSameAsBaseline(dataDir: string): Promise<void> {
  const result = await run(dataDir, join(root, `out-${n++}`));
  expectEqual(readOutputs(result.outputDir), baselineFiles, 'output files (base64)');
  expectEqual(result.counts, baseline.counts, 'manifest counts');
}

function allTables(rewrite: TableRewrite): Record<string, TableRewrite> {
  return Object.fromEntries(TABLES.map((t) => [t, rewrite]));
}

/** `(column, Parquet physical type, logical/converted type)` of a file, from its footer. */
async function schema(file: string): Promise<Record<string, string>> {
  const rows = await sql(`SELECT name, type, coalesce(logical_type, converted_type, '') FROM parquet_schema(${lit(file)}) WHERE type IS NOT NULL`);
  return Object.fromEntries(rows.map(([name, type, logical]) => [String(name), `${String(type)} ${String(logical)}`]));
}

async function encodings(file: string): Promise<Record<string, string>> {
  const rows = await sql(`SELECT path_in_schema, string_agg(DISTINCT encodings, ',') FROM parquet_metadata(${lit(file)}) GROUP BY ALL`);
  return Object.fromEntries(rows.map(([name, enc]) => [String(name), String(enc)]));
}

async function compressions(file: string): Promise<string[]> {
  return (await sql(`SELECT DISTINCT compression FROM parquet_metadata(${lit(file)})`)).map((r) => String(r[0]));
}

describe('the baseline dataset', () => {
  it('reads with the SPEC §3 boundaries (D 00:00 future, D−1 23:59:59.999 and D−90 00:00 counted, D−91 not read)', async () => {
    expectEqual(baseline.counts['plays'], { rows: BASE.plays.length, read_in_history_window: 35, counted: 31 }, 'plays');
    expectEqual(baseline.counts['plays_dropped'], { future: 1, unknown_profile: 1, tombstoned: 0, unknown_content: 1, short: 1 }, 'plays dropped');
    const out = await readRunOutputs(baseline.outputDir);
    // 101: show 5 700 s × 2 (new episode 52), show 1 1200 s, show 2 300 s from the play at 23:59:59.999.
    // 202: show 7 100 s × 2 from the play at D−90 00:00; its 5000 s on show 1 at D−91 is outside the window.
    expectEqual(
      out.scenarios.re_engagement.map((r) => [r.profile_id, r.show_id, r.score]),
      [[101, 5, 1400], [101, 1, 1200], [101, 2, 300], [202, 7, 200], [301, 2, 600]],
      're_engagement',
    );
    // The play of show 3 at D 00:00 is in the future: show 3 is not "watched" by 101.
    expectEqual(out.scenarios.trending.filter((r) => r.profile_id === 101).map((r) => r.show_id), [3, 4, 7], 'trending of 101');
    expectEqual(out.scenarios.avod.map((r) => [r.profile_id, r.show_id]), [[201, 7], [202, 4]], 'avod');
    expectEqual(out.selection.map((s) => [s.account_id, s.profile_id, s.scenario, s.show_id, s.status]), [
      [10, 101, 're_engagement', 5, 'send'],
      [20, 201, 'avod', 7, 'send'],
      [30, 301, 're_engagement', 2, 'holdout'],
    ], 'selection');
    for (const name of Object.keys(out.scenarios) as (keyof typeof out.scenarios)[]) if (out.scenarios[name].length === 0) throw new Error(`${name} is empty`);
  });
});

describe('compression codecs', () => {
  for (const codec of ['snappy', 'zstd', 'uncompressed', 'gzip', 'lz4_raw', 'brotli']) {
    it(`${codec}`, async () => {
      const dir = await variant(baseDir, join(root, codec), allTables({ options: `COMPRESSION ${codec}` }));
      for (const t of TABLES) expectEqual(await compressions(join(dir, `${t}.parquet`)), [codec.toUpperCase()], `${t} compression`);
      await expectSameAsBaseline(dir);
    });
  }
});

describe('encodings', () => {
  it('dictionary-encoded string and integer columns', async () => {
    const dir = await variant(baseDir, join(root, 'dictionary'), allTables({ options: 'DICTIONARY_SIZE_LIMIT 10000' }));
    const enc = { ...(await encodings(join(dir, 'catalog.parquet'))), ...(await encodings(join(dir, 'plays.parquet'))) };
    for (const c of ['category', 'show_title', 'show_id', 'profile_id', 'content_id', 'watch_seconds']) {
      if (!enc[c]!.includes('DICTIONARY')) throw new Error(`${c} is not dictionary-encoded: ${enc[c]}`);
    }
    await expectSameAsBaseline(dir);
  });

  it('dictionary encoding over several 2048-row chunks (repeated rows of a large plays table)', async () => {
    // Repeating counted plays would change pools and scores; the short and unknown plays are read
    // and dropped, so 1000 copies of each exercise many chunks without changing the outputs.
    const dir = await variant(baseDir, join(root, 'dictionary-large'), {
      plays: {
        select: `SELECT * FROM {src} UNION ALL SELECT p.* FROM {src} p, range(1000) WHERE p.content_id = 999 OR p.profile_id = 9999 OR p.watch_seconds < 60`,
        options: 'DICTIONARY_SIZE_LIMIT 10000',
      },
    });
    const result = await run(dir, join(root, `out-${n++}`));
    expectEqual(readOutputs(result.outputDir), baselineFiles, 'output files (base64)');
    expectEqual(result.counts['plays_dropped'], { future: 1, unknown_profile: 1001, tombstoned: 0, unknown_content: 1001, short: 1001 }, 'plays dropped');
  });

  it('Parquet format v2 data pages (DELTA encodings)', async () => {
    const dir = await variant(baseDir, join(root, 'v2'), allTables({ options: 'PARQUET_VERSION V2' }));
    const enc = await encodings(join(dir, 'plays.parquet'));
    if (!enc['profile_id']!.includes('DELTA')) throw new Error(`profile_id encodings ${enc['profile_id']}`);
    await expectSameAsBaseline(dir);
  });
});

describe('integer widths', () => {
  const ints = (type: string): Record<string, TableRewrite> => ({
    catalog: { select: `SELECT * REPLACE (CAST(content_id AS ${type}) AS content_id, CAST(season_id AS ${type}) AS season_id, CAST(show_id AS ${type}) AS show_id) FROM {src}` },
    accounts: { select: `SELECT * REPLACE (CAST(account_id AS ${type}) AS account_id) FROM {src}` },
    profiles: { select: `SELECT * REPLACE (CAST(profile_id AS ${type}) AS profile_id, CAST(account_id AS ${type}) AS account_id, CAST(cluster_id AS ${type}) AS cluster_id) FROM {src}` },
    plays: { select: `SELECT * REPLACE (CAST(profile_id AS ${type}) AS profile_id, CAST(content_id AS ${type}) AS content_id, CAST(watch_seconds AS ${type}) AS watch_seconds) FROM {src}` },
  });
  for (const [type, parquet] of [
    ['INTEGER', 'INT32'],
    ['BIGINT', 'INT64'],
    ['SMALLINT', 'INT32 INT_16'],
    ['UBIGINT', 'INT64 UINT_64'],
    ['UINTEGER', 'INT32 UINT_32'],
  ] as const) {
    it(`ids and counts as ${type} (${parquet})`, async () => {
      const dir = await variant(baseDir, join(root, `int-${type}`), ints(type));
      const s = await schema(join(dir, 'plays.parquet'));
      if (!s['profile_id']!.startsWith(parquet.split(' ')[0]!) || !s['profile_id']!.includes(parquet.split(' ')[1] ?? '')) throw new Error(`plays.profile_id is ${s['profile_id']}`);
      await expectSameAsBaseline(dir);
    });
  }
  it('mixed widths across tables (TINYINT cluster, USMALLINT content, INT32 profile in plays, UBIGINT profile in profiles)', async () => {
    const dir = await variant(baseDir, join(root, 'int-mixed'), {
      catalog: { select: `SELECT * REPLACE (CAST(content_id AS USMALLINT) AS content_id, CAST(show_id AS UTINYINT) AS show_id) FROM {src}` },
      profiles: { select: `SELECT * REPLACE (CAST(profile_id AS UBIGINT) AS profile_id, CAST(account_id AS SMALLINT) AS account_id, CAST(cluster_id AS TINYINT) AS cluster_id) FROM {src}` },
      plays: { select: `SELECT * REPLACE (CAST(profile_id AS INTEGER) AS profile_id, CAST(content_id AS BIGINT) AS content_id, CAST(watch_seconds AS BIGINT) AS watch_seconds) FROM {src}` },
    });
    await expectSameAsBaseline(dir);
  });
});

describe('plays.ts encodings', () => {
  const cases: [name: string, expected: RegExp, write: (dir: string) => Promise<unknown>][] = [
    ['TIMESTAMP (us)', /^INT64 TimestampType\(isAdjustedToUTC=0, unit=TimeUnit\(MILLIS=<null>, MICROS=MicroSeconds/, (dir) => writeBase(dir, BASE, { ts: 'timestamp' })],
    ['TIMESTAMP_MS', /^INT64 TimestampType\(isAdjustedToUTC=0, unit=TimeUnit\(MILLIS=MilliSeconds/, (dir) => variant(baseDir, dir, { plays: { select: 'SELECT * REPLACE (CAST(ts AS TIMESTAMP_MS) AS ts) FROM {src}' } })],
    ['TIMESTAMP_NS', /^INT64 TimestampType\(isAdjustedToUTC=0, unit=TimeUnit\(.*NANOS=NanoSeconds/, (dir) => writeBase(dir, BASE, { ts: 'timestamp_ns' })],
    ['TIMESTAMP WITH TIME ZONE', /^INT64 TimestampType\(isAdjustedToUTC=1/, (dir) => writeBase(dir, BASE, { ts: 'timestamptz' })],
    ['INT64 epoch milliseconds', /^INT64 (INT_64)?$/, (dir) => writeBase(dir, BASE, { ts: 'epoch_ms' })],
  ];
  for (const [name, expected, write] of cases) {
    it(name, async () => {
      const dir = join(root, `ts-${name.replace(/\W+/g, '_')}`);
      await write(dir);
      const ts = (await schema(join(dir, 'plays.parquet')))['ts']!;
      if (!expected.test(ts)) throw new Error(`plays.ts is ${ts}`);
      await expectSameAsBaseline(dir);
    });
  }
  it('TIMESTAMP WITH TIME ZONE is read as UTC whatever the writer session time zone was', async () => {
    const dir = await variant(baseDir, join(root, 'ts-tz-tokyo'), {
      plays: async (baseFile, to) => {
        await sql(`SET TimeZone = 'Asia/Tokyo'`);
        try {
          await copyParquet(`SELECT * REPLACE (timezone('UTC', ts) AS ts) FROM read_parquet(${lit(baseFile)})`, join(to, 'plays.parquet'));
        } finally {
          await sql(`SET TimeZone = 'UTC'`);
        }
      },
    });
    await expectSameAsBaseline(dir);
  });
});

describe('table layouts', () => {
  it('a table as a directory of several files (plays in 3 parts, profiles in 2 with a different column order)', async () => {
    const dir = await variant(baseDir, join(root, 'directories'), {
      plays: async (baseFile, to) => {
        for (let k = 0; k < 3; k++) {
          const rows = `SELECT *, row_number() OVER () AS r FROM read_parquet(${lit(baseFile)})`;
          await copyParquet(`SELECT * EXCLUDE (r) FROM (${rows}) WHERE r % 3 = ${k}`, join(to, 'plays', `part-${k}.parquet`));
        }
      },
      profiles: async (baseFile, to) => {
        await copyParquet(`SELECT * FROM read_parquet(${lit(baseFile)}) WHERE profile_id < 300`, join(to, 'profiles', 'a.parquet'));
        await copyParquet(`SELECT country, cluster_id, status, is_kids, account_id, profile_id FROM read_parquet(${lit(baseFile)}) WHERE profile_id >= 300`, join(to, 'profiles', 'b.parquet'));
      },
    });
    expectEqual(readdirSync(join(dir, 'plays')).sort(), ['part-0.parquet', 'part-1.parquet', 'part-2.parquet'], 'plays parts');
    await expectSameAsBaseline(dir);
  });

  it('a Hive-partitioned directory (plays/day=YYYY-MM-DD/part-0.parquet, some nested deeper)', async () => {
    const dir = join(root, 'hive');
    await writeBase(dir, BASE, { playsAsDirectory: true });
    const days = readdirSync(join(dir, 'plays'));
    if (days.length < 5 || !days.every((d) => /^day=\d{4}-\d{2}-\d{2}$/.test(d))) throw new Error(`plays/ holds ${days.join(', ')}`);
    await expectSameAsBaseline(dir);
  });

  it('Hive directories written by DuckDB PARTITION_BY, with _temporary/, _SUCCESS, .crc and ._ files ignored', async () => {
    const dir = await variant(baseDir, join(root, 'hive-2'), {
      plays: async (baseFile, to) => {
        await (await duck()).run(`COPY (SELECT *, strftime(ts, '%Y-%m') AS month FROM read_parquet(${lit(baseFile)})) TO ${lit(join(to, 'plays'))} (FORMAT parquet, PARTITION_BY (month))`);
        // An unfinished job's part file under _temporary/ and a macOS resource fork are not data.
        await copyParquet(`SELECT * FROM read_parquet(${lit(baseFile)})`, join(to, 'plays', '_temporary', '0', 'part-0.parquet'));
        writeFileSync(join(to, 'plays', '_SUCCESS'), '');
        writeFileSync(join(to, 'plays', 'month=2026-11', '.part-0.crc'), 'not parquet');
        writeFileSync(join(to, 'plays', 'month=2026-11', '._data_0.parquet'), 'resource fork');
      },
    });
    expectEqual(readdirSync(join(dir, 'plays')).sort(), ['_SUCCESS', '_temporary', 'month=2026-08', 'month=2026-09', 'month=2026-10', 'month=2026-11'], 'plays/');
    await expectSameAsBaseline(dir);
  });

  it('a Hive partition key that is a contract column (plays/content_id=11/...) supplies that column', async () => {
    const dir = await variant(baseDir, join(root, 'hive-3'), {
      plays: (baseFile, to) => copyParquet(`SELECT * FROM read_parquet(${lit(baseFile)})`, join(to, 'plays'), 'PARTITION_BY (content_id)'),
    });
    expectEqual((await schema(join(dir, 'plays', 'content_id=11', 'data_0.parquet')))['content_id'], undefined, 'content_id in the part files');
    await expectSameAsBaseline(dir);
  });

  it('extra columns in every table are ignored', async () => {
    const dir = await variant(baseDir, join(root, 'extra'), {
      ...allTables({ select: `SELECT 'x' AS extra_first, *, 42 AS extra_int, [1, 2] AS extra_list, {'a': 1} AS extra_struct FROM {src}` }),
    });
    await expectSameAsBaseline(dir);
  });

  it('optional tables present but empty read like absent ones', async () => {
    const dir = join(root, 'empty-optional');
    await writeBase(dir, { ...BASE, sends: [], tombstones: [] });
    expectEqual(readdirSync(dir).sort(), ['accounts.parquet', 'catalog.parquet', 'plays.parquet', 'profiles.parquet', 'regions.parquet', 'sends.parquet', 'tombstones.parquet'], 'files');
    const result = await run(dir, join(root, `out-${n++}`));
    expectEqual(readOutputs(result.outputDir), baselineFiles, 'output files (base64)');
  });

  it('optional tables absent (the baseline has neither sends nor tombstones)', () => {
    expectEqual(readdirSync(baseDir).sort(), ['accounts.parquet', 'catalog.parquet', 'plays.parquet', 'profiles.parquet', 'regions.parquet'], 'baseline files');
    expectEqual(baseline.counts['sends'], { ledger_rows: 0, tombstoned: 0, in_dedup_window: 0 }, 'sends counts');
  });
});
