/**
 * Datasets (and options) that break the SPEC §2 / §9 contract, each with the error class and the
 * pieces its message must contain: the file, the column or key, and the problem. Shared by
 * contract-errors.test.ts (through runCampaign) and tests/cli/run.test.ts (through the CLI).
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CampaignError, ConfigError, InputError } from '../../../engine/errors.js';
import { BASE, copyParquet, lit, variant } from './contract-fixture.js';

export interface ContractCase {
  name: string;
  /** Builds the dataset under `dir` from the baseline dataset `base`; returns the data dir. */
  data: (base: string, dir: string) => Promise<string>;
  date?: string;
  /** YAML written to `<dir>/config.yaml` and passed as the config file. */
  configYaml?: string;
  error: typeof CampaignError | typeof InputError | typeof ConfigError;
  code: string;
  /** Every piece must appear in the message (and on the CLI's stderr). */
  message: (string | RegExp)[];
  /**
   * Also run through the CLI (contract-errors-cli.test.ts). A CLI process costs ~0.4 s of CPU, so
   * one case per kind of failure goes through it; every case goes through runCampaign.
   */
  cli?: true;
}

const same = (base: string, dir: string): Promise<string> => variant(base, join(dir, 'data'));
const rewrite = (rewrites: Parameters<typeof variant>[2]) => (base: string, dir: string) => variant(base, join(dir, 'data'), rewrites);
const select = (table: string, sql: string) => rewrite({ [table]: { select: sql } });

/** Row (0-based, in file order) of the first play matching `pred` in the baseline plays file. */
const playRow = (pred: (p: (typeof BASE.plays)[number]) => boolean): number => BASE.plays.findIndex(pred);

export const CONTRACT_CASES: ContractCase[] = [
  {
    name: 'missing required table (regions)',
    cli: true,
    data: rewrite({ regions: null }),
    error: InputError,
    code: 'INPUT',
    message: ['regions.parquet', "required table 'regions' not found", 'regions/'],
  },
  {
    name: 'missing required table (plays)',
    data: rewrite({ plays: null }),
    error: InputError,
    code: 'INPUT',
    message: ['plays.parquet', "required table 'plays' not found"],
  },
  {
    name: 'missing required column (plays.watch_seconds)',
    cli: true,
    data: select('plays', 'SELECT * EXCLUDE (watch_seconds) FROM {src}'),
    error: InputError,
    code: 'INPUT',
    message: ['plays.parquet: ', "required column 'watch_seconds' is missing"],
  },
  {
    name: 'missing nullable column (accounts.crm_id) is still a missing column',
    data: select('accounts', 'SELECT * EXCLUDE (crm_id) FROM {src}'),
    error: InputError,
    code: 'INPUT',
    message: ['accounts.parquet: ', "required column 'crm_id' is missing"],
  },
  {
    name: 'wrong type: profiles.profile_id VARCHAR',
    cli: true,
    data: select('profiles', 'SELECT * REPLACE (CAST(profile_id AS VARCHAR) AS profile_id) FROM {src}'),
    error: InputError,
    code: 'INPUT',
    message: ['profiles.parquet: ', "column 'profile_id'", 'has type VARCHAR', 'expected an integer type'],
  },
  {
    name: 'wrong type: catalog.release_date VARCHAR',
    data: select('catalog', 'SELECT * REPLACE (CAST(release_date AS VARCHAR) AS release_date) FROM {src}'),
    error: InputError,
    code: 'INPUT',
    message: ['catalog.parquet: ', "column 'release_date'", 'has type VARCHAR', 'expected DATE'],
  },
  {
    name: 'wrong type: catalog.release_date TIMESTAMP',
    data: select('catalog', 'SELECT * REPLACE (CAST(release_date AS TIMESTAMP) AS release_date) FROM {src}'),
    error: InputError,
    code: 'INPUT',
    message: ['catalog.parquet: ', "column 'release_date'", 'has type TIMESTAMP', 'expected DATE'],
  },
  {
    name: 'wrong type: profiles.is_kids INTEGER',
    data: select('profiles', 'SELECT * REPLACE (CAST(is_kids AS INTEGER) AS is_kids) FROM {src}'),
    error: InputError,
    code: 'INPUT',
    message: ['profiles.parquet: ', "column 'is_kids'", 'has type INTEGER', 'expected BOOLEAN'],
  },
  {
    name: 'wrong type: plays.ts VARCHAR',
    data: select('plays', 'SELECT * REPLACE (CAST(ts AS VARCHAR) AS ts) FROM {src}'),
    error: InputError,
    code: 'INPUT',
    message: ['plays.parquet: ', "column 'ts'", 'has type VARCHAR', 'TIMESTAMP or INT64 epoch milliseconds'],
  },
  {
    name: 'wrong type: plays.ts INTEGER (epoch seconds would read as January 1970)',
    data: select('plays', 'SELECT * REPLACE (CAST(epoch(ts) AS INTEGER) AS ts) FROM {src}'),
    error: InputError,
    code: 'INPUT',
    message: ['plays.parquet: ', "column 'ts'", 'has type INTEGER', 'TIMESTAMP or INT64 epoch milliseconds'],
  },
  {
    name: 'wrong type: plays.watch_seconds DOUBLE',
    data: select('plays', 'SELECT * REPLACE (CAST(watch_seconds AS DOUBLE) AS watch_seconds) FROM {src}'),
    error: InputError,
    code: 'INPUT',
    message: ['plays.parquet: ', "column 'watch_seconds'", 'has type DOUBLE', 'expected an integer type'],
  },
  {
    name: 'null in a non-nullable column (accounts.plan, row 2)',
    cli: true,
    data: select('accounts', 'SELECT * REPLACE (CASE WHEN account_id = 30 THEN NULL ELSE plan END AS plan) FROM {src}'),
    error: InputError,
    code: 'INPUT',
    message: ['accounts.parquet: ', "column 'plan'", 'not nullable', 'null at row 2'],
  },
  {
    name: 'null in a non-nullable id column (profiles.account_id, row 4)',
    data: select('profiles', 'SELECT * REPLACE (CASE WHEN profile_id = 301 THEN NULL ELSE account_id END AS account_id) FROM {src}'),
    error: InputError,
    code: 'INPUT',
    message: ['profiles.parquet: ', "column 'account_id'", 'not nullable', `null at row ${BASE.profiles.findIndex((p) => p.profile_id === 301)}`],
  },
  {
    name: 'null in a non-nullable column of a large table (plays.content_id, third 2048-row chunk)',
    data: select('plays', `SELECT * FROM {src} UNION ALL SELECT profile_id, CASE WHEN i = 4200 THEN NULL ELSE 999 END, ts, watch_seconds FROM {src}, range(5000) r(i) WHERE profile_id = 9999`),
    error: InputError,
    code: 'INPUT',
    message: ['plays.parquet: ', "column 'content_id'", 'not nullable', `null at row ${BASE.plays.length + 4200}`],
  },
  {
    name: 'null in plays.ts (the column the history window filters on)',
    data: select('plays', 'SELECT * REPLACE (CASE WHEN profile_id = 301 THEN NULL ELSE ts END AS ts) FROM {src}'),
    error: InputError,
    code: 'INPUT',
    message: ['plays.parquet: ', "column 'ts'", 'not nullable', `null at row ${playRow((p) => p.profile_id === 301)}`],
  },
  {
    name: 'null in plays.profile_id of a play outside the history window',
    data: select('plays', "SELECT * FROM {src} UNION ALL SELECT NULL, 11, TIMESTAMP '2020-01-01 10:00:00', 600"),
    error: InputError,
    code: 'INPUT',
    message: ['plays.parquet: ', "column 'profile_id'", 'not nullable', `null at row ${BASE.plays.length}`],
  },
  {
    name: 'null inside a directory table names the part file (plays/part-1.parquet, row 1)',
    cli: true,
    data: rewrite({
      plays: async (baseFile, to) => {
        await copyParquet(`SELECT * FROM read_parquet(${lit(baseFile)})`, join(to, 'plays', 'part-0.parquet'));
        await copyParquet(
          `SELECT * REPLACE (CASE WHEN content_id = 21 THEN NULL ELSE watch_seconds END AS watch_seconds) FROM read_parquet(${lit(baseFile)}) WHERE profile_id = 101 ORDER BY content_id`,
          join(to, 'plays', 'part-1.parquet'),
        );
      },
    }),
    error: InputError,
    code: 'INPUT',
    message: ['plays/: ', "column 'watch_seconds'", 'not nullable', 'null at row 1', /part-1\.parquet/],
  },
  {
    name: 'a part file of a directory table lacking a required column names that file',
    data: rewrite({
      plays: async (baseFile, to) => {
        await copyParquet(`SELECT * FROM read_parquet(${lit(baseFile)}) WHERE profile_id < 300`, join(to, 'plays', 'part-0.parquet'));
        await copyParquet(`SELECT * EXCLUDE (watch_seconds) FROM read_parquet(${lit(baseFile)}) WHERE profile_id >= 300`, join(to, 'plays', 'part-1.parquet'));
      },
    }),
    error: InputError,
    code: 'INPUT',
    message: ['plays/: ', "required column 'watch_seconds' is missing", /plays\/part-1\.parquet/],
  },
  {
    name: 'duplicate profile_id',
    cli: true,
    data: select('profiles', 'SELECT * FROM {src} UNION ALL SELECT * FROM {src} WHERE profile_id = 202'),
    error: InputError,
    code: 'INPUT',
    message: ['profiles.parquet: ', 'profile_id 202', 'more than once'],
  },
  {
    name: 'duplicate account_id',
    data: select('accounts', "SELECT * FROM {src} UNION ALL SELECT * REPLACE ('crm-x' AS crm_id) FROM {src} WHERE account_id = 40"),
    error: InputError,
    code: 'INPUT',
    message: ['accounts.parquet: ', 'account_id 40', 'more than once'],
  },
  {
    name: 'duplicate content_id',
    data: select('catalog', 'SELECT * FROM {src} UNION ALL SELECT * REPLACE (99 AS show_id) FROM {src} WHERE content_id = 52'),
    error: InputError,
    code: 'INPUT',
    message: ['catalog.parquet: ', 'content_id 52', 'more than once'],
  },
  {
    name: 'duplicate profile_id across the files of a directory table',
    data: rewrite({
      profiles: async (baseFile, to) => {
        await copyParquet(`SELECT * FROM read_parquet(${lit(baseFile)})`, join(to, 'profiles', 'a.parquet'));
        await copyParquet(`SELECT * FROM read_parquet(${lit(baseFile)}) WHERE profile_id = 101`, join(to, 'profiles', 'b.parquet'));
      },
    }),
    error: InputError,
    code: 'INPUT',
    message: ['profiles/: ', 'profile_id 101', 'more than once'],
  },
  {
    name: 'a country mapped to two regions',
    cli: true,
    data: select('regions', "SELECT * FROM {src} UNION ALL SELECT 'FR', 'emea'"),
    error: InputError,
    code: 'INPUT',
    message: ['regions.parquet: ', "country 'FR'", 'two regions', "'eu'", "'emea'"],
  },
  {
    name: 'bad --date (2026-02-30)',
    cli: true,
    data: same,
    date: '2026-02-30',
    error: CampaignError,
    code: 'BAD_DATE',
    message: ['campaign date', 'YYYY-MM-DD', "'2026-02-30'"],
  },
  {
    name: 'unknown config key (scenarios.trending.windows_days)',
    cli: true,
    data: same,
    configYaml: 'scenarios:\n  trending:\n    windows_days: 14\n',
    error: ConfigError,
    code: 'CONFIG',
    message: ['config.yaml', 'scenarios.trending.windows_days', 'unknown config key'],
  },
  {
    name: 'a file that is not Parquet (catalog.parquet holds CSV)',
    cli: true,
    data: async (base, dir) => {
      const data = await variant(base, join(dir, 'data'), { catalog: null });
      writeFileSync(join(data, 'catalog.parquet'), 'content_id,show_id\n11,1\n');
      return data;
    },
    error: InputError,
    code: 'INPUT',
    message: ['catalog.parquet: ', 'cannot read as Parquet'],
  },
  {
    name: 'a truncated Parquet file (profiles.parquet cut in half)',
    data: async (base, dir) => {
      const data = await variant(base, join(dir, 'data'));
      const bytes = readFileSync(join(data, 'profiles.parquet'));
      writeFileSync(join(data, 'profiles.parquet'), bytes.subarray(0, bytes.length >> 1));
      return data;
    },
    error: InputError,
    code: 'INPUT',
    message: ['profiles.parquet: ', 'cannot read as Parquet'],
  },
  {
    name: 'a part file of a directory table that is not Parquet names the file',
    data: rewrite({
      plays: async (baseFile, to) => {
        await copyParquet(`SELECT * FROM read_parquet(${lit(baseFile)})`, join(to, 'plays', 'part-0.parquet'));
        writeFileSync(join(to, 'plays', 'part-1.parquet'), 'garbage');
      },
    }),
    error: InputError,
    code: 'INPUT',
    message: ['plays/: ', 'cannot read as Parquet', /part-1\.parquet/],
  },
  {
    name: 'a table both as a file and as a directory (plays.parquet and plays/)',
    data: rewrite({
      plays: async (baseFile, to) => {
        await copyParquet(`SELECT * FROM read_parquet(${lit(baseFile)})`, join(to, 'plays.parquet'));
        await copyParquet(`SELECT * FROM read_parquet(${lit(baseFile)}) WHERE profile_id = 101`, join(to, 'plays', 'part-0.parquet'));
      },
    }),
    error: InputError,
    code: 'INPUT',
    message: ['plays.parquet: ', 'both plays.parquet and a directory plays/ exist'],
  },
  {
    name: 'a table directory with no Parquet files',
    data: async (base, dir) => {
      const data = await variant(base, join(dir, 'data'), { plays: null });
      mkdirSync(join(data, 'plays', 'day=2026-11-20'), { recursive: true });
      writeFileSync(join(data, 'plays', '_SUCCESS'), '');
      return data;
    },
    error: InputError,
    code: 'INPUT',
    message: ['plays/: ', 'no .parquet files'],
  },
  ...idRangeCases(),
  {
    name: 'a Hive partition key naming a data column (accounts/crm_id=X/)',
    cli: true,
    data: rewrite({
      accounts: async (baseFile, to) => {
        await copyParquet(`SELECT * FROM read_parquet(${lit(baseFile)}) WHERE account_id < 30`, join(to, 'accounts', 'crm_id=X', 'part-0.parquet'));
        await copyParquet(`SELECT * FROM read_parquet(${lit(baseFile)}) WHERE account_id >= 30`, join(to, 'accounts', 'crm_id=Y', 'part-0.parquet'));
      },
    }),
    error: InputError,
    code: 'INPUT',
    message: ['accounts/: ', "partition directory 'crm_id=X/'", "names the column 'crm_id'", /accounts\/crm_id=X\/part-0\.parquet/],
  },
  {
    name: 'a Hive partition key naming a data column, below another level (plays/day=…/watch_seconds=0/)',
    data: rewrite({
      plays: async (baseFile, to) => {
        await copyParquet(`SELECT * FROM read_parquet(${lit(baseFile)})`, join(to, 'plays', 'day=2026-11-20', 'watch_seconds=0', 'part-0.parquet'));
      },
    }),
    error: InputError,
    code: 'INPUT',
    message: ['plays/: ', "partition directory 'watch_seconds=0/'", "names the column 'watch_seconds'"],
  },
  {
    name: 'an INT64 ts near the int64 maximum',
    data: select('plays', `SELECT * REPLACE (CASE WHEN profile_id = 301 THEN 9223372036854775000 ELSE epoch_ms(ts) END AS ts) FROM {src}`),
    error: InputError,
    code: 'INPUT',
    message: ['plays.parquet: ', "column 'ts'", `has 9223372036854775000 at row ${playRow((p) => p.profile_id === 301)} (0-based)`, 'outside the years 0001–9999'],
  },
  {
    name: 'an INT64 ts near the int64 minimum',
    data: select('plays', `SELECT * REPLACE (CASE WHEN profile_id = 301 THEN -9223372036854775000 ELSE epoch_ms(ts) END AS ts) FROM {src}`),
    error: InputError,
    code: 'INPUT',
    message: ['plays.parquet: ', "column 'ts'", `has -9223372036854775000 at row ${playRow((p) => p.profile_id === 301)} (0-based)`, 'outside the years 0001–9999'],
  },
  {
    name: 'a directory table mixing TIMESTAMP and INT64 ts',
    cli: true,
    data: rewrite({
      plays: async (baseFile, to) => {
        await copyParquet(`SELECT * FROM read_parquet(${lit(baseFile)}) WHERE profile_id < 300`, join(to, 'plays', 'part-0.parquet'));
        await copyParquet(`SELECT * REPLACE (epoch_ms(ts) AS ts) FROM read_parquet(${lit(baseFile)}) WHERE profile_id >= 300`, join(to, 'plays', 'part-1.parquet'));
      },
    }),
    error: InputError,
    code: 'INPUT',
    message: ['plays/: ', "column 'ts' is TIMESTAMP in ", /plays\/part-0\.parquet but BIGINT in .*plays\/part-1\.parquet/],
  },
  {
    name: 'a config key named after an Object.prototype member (scenarios.constructor)',
    cli: true,
    data: same,
    configYaml: 'scenarios:\n  constructor: {enabled: false}\n',
    error: ConfigError,
    code: 'CONFIG',
    message: ['config.yaml', 'scenarios.constructor: unknown config key'],
  },
];

/**
 * Every id column of every table holding one id outside ±(2^53−1) (SPEC §2), found at load with the
 * column, the value and the row. Each base table gets the bad id in the row of a known key; the
 * optional sends and tombstones tables are written with a good row and then the bad one.
 */
function idRangeCases(): ContractCase[] {
  const bad = 9007199254740993n; // 2^53 + 1: as a DOUBLE it would read as 2^53
  const low = -9007199254740992n; // −2^53
  const inBase: [table: keyof typeof BASE, key: string, keyValue: number, row: number, columns: string[]][] = [
    ['catalog', 'content_id', 31, BASE.catalog.findIndex((c) => c.content_id === 31), ['content_id', 'season_id', 'show_id']],
    ['accounts', 'account_id', 30, BASE.accounts.findIndex((a) => a.account_id === 30), ['account_id']],
    ['profiles', 'profile_id', 301, BASE.profiles.findIndex((p) => p.profile_id === 301), ['profile_id', 'account_id', 'cluster_id']],
    ['plays', 'profile_id', 301, playRow((p) => p.profile_id === 301), ['profile_id', 'content_id']],
  ];
  const cases: ContractCase[] = inBase.flatMap(([table, key, keyValue, row, columns]) =>
    columns.map((column, k): ContractCase => {
      const value = k % 2 === 0 ? bad : low;
      return {
        name: `an id outside ±(2^53−1): ${table}.${column} = ${value}`,
        ...(table === 'catalog' && column === 'content_id' ? { cli: true as const } : {}),
        data: select(table, `SELECT * REPLACE (CASE WHEN ${key} = ${keyValue} THEN ${value} ELSE ${column}::BIGINT END AS ${column}) FROM {src}`),
        error: InputError,
        code: 'INPUT',
        message: [`${table}.parquet: `, `column '${column}'`, `has ${value} at row ${row} (0-based)`, '±(2^53−1)'],
      };
    }),
  );
  const optional: [table: string, columns: string[], good: string, badRow: (column: string) => string][] = [
    ['sends', ['account_id', 'profile_id', 'show_id'], "SELECT DATE '2026-11-01' AS send_date, 10::BIGINT AS account_id, 101::BIGINT AS profile_id, 1::BIGINT AS show_id, 'trending' AS scenario", (c) => `REPLACE (${bad} AS ${c})`],
    ['tombstones', ['account_id', 'profile_id'], 'SELECT 10::BIGINT AS account_id, NULL::BIGINT AS profile_id', (c) => `REPLACE (${bad} AS ${c})`],
  ];
  for (const [table, columns, good, badRow] of optional) {
    for (const column of columns) {
      cases.push({
        name: `an id outside ±(2^53−1) in the optional ${table} table: ${column}`,
        data: async (base, dir) => {
          const data = await variant(base, join(dir, 'data'));
          await copyParquet(`${good} UNION ALL SELECT * ${badRow(column)} FROM (${good})`, join(data, `${table}.parquet`));
          return data;
        },
        error: InputError,
        code: 'INPUT',
        message: [`${table}.parquet: `, `column '${column}'`, `has ${bad} at row 1 (0-based)`, '±(2^53−1)'],
      });
    }
  }
  cases.push({
    name: 'an id outside ±(2^53−1) in a part file of a directory table names the file',
    data: rewrite({
      plays: async (baseFile, to) => {
        await copyParquet(`SELECT * FROM read_parquet(${lit(baseFile)})`, join(to, 'plays', 'part-0.parquet'));
        await copyParquet(`SELECT * REPLACE (CASE WHEN content_id = 21 THEN ${bad} ELSE content_id::BIGINT END AS content_id) FROM read_parquet(${lit(baseFile)}) WHERE profile_id = 101 ORDER BY content_id`, join(to, 'plays', 'part-1.parquet'));
      },
    }),
    error: InputError,
    code: 'INPUT',
    // Profile 101's plays of contents 11, 21, 31, 51, sorted after the replacement: the bad id is last.
    message: ['plays/: ', "column 'content_id'", `has ${bad} at row 3 (0-based) in `, /plays\/part-1\.parquet/],
  });
  return cases;
}

/** Builds a case's inputs under `dir`: the data dir and, when the case has one, the config file. */
export async function prepareCase(c: ContractCase, base: string, dir: string): Promise<{ data: string; config?: string }> {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const data = await c.data(base, dir);
  if (c.configYaml === undefined) return { data };
  const config = join(dir, 'config.yaml');
  writeFileSync(config, c.configYaml);
  return { data, config };
}

/** Fails unless `message` contains every piece of `c.message`. */
export function checkMessage(c: ContractCase, message: string): void {
  for (const piece of c.message) {
    const ok = typeof piece === 'string' ? message.includes(piece) : piece.test(message);
    if (!ok) throw new Error(`${c.name}: message lacks ${String(piece)}:\n${message}`);
  }
}
