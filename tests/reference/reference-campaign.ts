/**
 * Independent reference implementation of SPEC phases 1–4 (§3–§7) in DuckDB SQL.
 *
 * Written from /work/shared/SPEC.md alone (no engine code) so that a differential test can compare
 * the engine's scenario and selection outputs with these, and so that a benchmark has a fair, tuned
 * SQL baseline. Everything that touches rows runs inside DuckDB; TypeScript only generates SQL
 * from the effective config and converts the (already sorted) results.
 *
 * Interpretations of points the SPEC leaves open (also listed in the report):
 *  - I1  Windows are day-granular: "last N days" = ts in [D−N 00:00 UTC, D 00:00). A play's date is
 *        the UTC date of `ts`. Pool windows (`window_days`), F (30 days) and `dominant` (28 days) are
 *        also capped by `history_days`, because only plays in the history window are read at all.
 *  - I2  Sends (dataset `sends` ∪ `extraSends`) count only with `send_date < D`; both the dedup window
 *        `[D − dedup_window_days, D)` and the frequency-cap window `[D − 7, D)` are half-open like plays.
 *        Identical send rows (same date, account, profile, show, scenario) appearing in both sources or
 *        twice are one send (SELECT DISTINCT). The cap counts the account's send rows (not days), so
 *        `max_sends_7d: 0` caps every account.
 *  - I3  A tombstone row with `account_id` set tombstones that account (and all its profiles); with
 *        `profile_id` set tombstones that profile; both columns are applied independently. Sends are
 *        purged when their account is tombstoned or their profile is a removed profile (tombstoned
 *        itself or belonging to a tombstoned account).
 *  - I4  Region: `profiles.country` when non-null, else the account's country (orphans: null → default).
 *        Duplicate countries in `regions` resolve to the smallest region name. Regions are names: a
 *        `default_region` equal to a mapped region's name is that same region (one pool).
 *  - I5  `crm_id` "non-empty" means not the empty string (whitespace is content).
 *  - I6  Recently sent is matched on the send's `profile_id` only (the profile the show was sent for).
 *  - I7  RFM thresholds are generic in array length: the first satisfied threshold i scores 5 − i,
 *        none scores 1; R null scores 1; F = distinct UTC dates with a counted play by any profile of
 *        the account in the last 30 days; M = Σ watch_seconds / 3600 (float64) over the history window.
 *        A segment rule holds when every bound present holds (inclusive). If no rule matches the
 *        segment is 'needs_attention' (the SPEC says the last rule should match everything).
 *  - I8  Re-engagement: "played" = counted play in the history window; an episode counts as played
 *        by content_id; base = Σ watch_seconds of the profile's counted plays on any episode of the
 *        show; score = CAST(base × (2|1) AS DOUBLE) × boost. Its candidates must pass the availability
 *        test implicitly (an available unplayed episode exists) plus category filters and recent-send
 *        exclusion.
 *  - I9  Pool counts use the raw distinct-profile count for `min_viewers` and the boosted score
 *        (count × boost as float64) for ordering and the `pool_size` cut.
 *  - I10 Selection: an `avod`-treatment account only ever gets the `avod` scenario, in both modes
 *        (calendar rotation does not apply to it); `svod` accounts try the preferred scenario (behavior:
 *        by the chosen profile's days_since_last_play; calendar: rotation[days(D) mod len]) then the
 *        fallback list in order. The chosen show is rank 1 of the chosen scenario.
 *  - I11 Status columns: `no_candidates` rows have scenario = null and show_id = null;
 *        `frequency_capped` and `holdout` rows carry the computed choice (null when there is none:
 *        frequency_capped is checked before no_candidates).
 *  - I12 `primary` ranks by watch_seconds_total (0 when no plays), `dominant` by distinct play dates in
 *        [D−28, D) (0 when none), `last_active` by last_play_date with no-play profiles last; ties by
 *        smallest profile_id. The rollup candidates are eligible profiles with ≥1 row in any scenario.
 *  - I13 Nullable input columns (`expiry_date`, `crm_id`, `cluster_id`, profiles `country`, tombstone
 *        columns) may be absent from the files and then read as null; a missing required column throws.
 *        Directories are read recursively with union_by_name; Hive `key=value` directories are ignored
 *        unless a required column is missing from the files and present as a partition key.
 *  - I14 Orphan profiles (account missing) and kids/inactive profiles are pool viewers; the AVOD pool
 *        counts profiles whose account exists with plan 'avod' (treatment does not matter there).
 *
 * Tuning (this is also a benchmark baseline; see the comments at each step):
 *  - plays are scanned once, filtered (window, min_play_seconds, catalog, profiles) and aggregated once
 *    per (profile, show); the "unplayed available/new episode" tests use play counts and recount
 *    distinct episodes only for the few pairs where counts cannot decide;
 *  - pool scenarios never join a profile with its whole pool: a profile with exclusions in its pool
 *    keeps the first 5 of range(1, 6 + |exclusions|) minus them (a list operation), then joins exactly
 *    those ≤ 5 pool ranks; no sort or window per profile;
 *  - semi/anti joins are explicit (no correlated EXISTS), region names become integer keys.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBDateValue, DuckDBInstance } from '@duckdb/node-api';
import type { DuckDBConnection } from '@duckdb/node-api';
import { SCENARIOS } from '../../engine/config/config-types.js';
import type { CampaignConfig, CategoryFilter, PoolScenarioConfig, ScenarioName } from '../../engine/config/config-types.js';
import { formatDay, parseDay } from '../../engine/dates.js';

export interface ReferenceSend {
  send_date: string;
  account_id: number;
  profile_id: number;
  show_id: number;
  scenario: string;
}

export interface ScenarioRow {
  profile_id: number;
  rank: number;
  show_id: number;
  score: number;
}

export interface SelectionRow {
  account_id: number;
  profile_id: number;
  crm_id: string;
  rfm_segment: string;
  treatment: string;
  scenario: string | null;
  show_id: number | null;
  status: string;
}

export interface ReferenceResult {
  scenarios: Record<ScenarioName, ScenarioRow[]>;
  selection: SelectionRow[];
}

export interface ReferenceOptions {
  dataDir: string;
  /** Campaign date D, `YYYY-MM-DD`. */
  date: string;
  /** Already effective for `date` (overrides applied). */
  config: CampaignConfig;
  /** Extra sends (the engine's delivery ledger), merged with the dataset's optional `sends` table. */
  extraSends?: ReferenceSend[];
  /** DuckDB threads; default all cores. */
  threads?: number;
  /** Spill directory; default a fresh directory under the OS temp dir, removed afterwards. */
  tempDirectory?: string;
  /** DuckDB memory_limit, e.g. '6GB'; default DuckDB's own (80% of RAM). */
  memoryLimit?: string;
}

export interface ReferenceTimings {
  /** Milliseconds per SQL step, in execution order. */
  steps: { step: string; ms: number }[];
  totalMs: number;
}

/** Computes SPEC phases 1–4 and returns the rows sorted as SPEC §10. */
export async function runReference(options: ReferenceOptions): Promise<ReferenceResult> {
  return withReference(options, readResult);
}

/** Counts the manifest would report for phases 1–3 (a subset; for tests and diagnostics). */
export interface ReferenceCounts {
  /** Ineligible remaining profiles by first failing reason (`inactive`, `kids`, `orphan`, `no_crm_id`, `no_consent`). */
  ineligible: Record<string, number>;
  removedProfiles: number;
  removedAccounts: number;
  /** Accounts that reached rollup. */
  rollupAccounts: number;
  /** Accounts (after deletions) with no recommendation for any eligible profile: they do not reach rollup. */
  accountsWithoutRecommendation: number;
}

/** `runReference` plus the counts of {@link ReferenceCounts}. */
export async function runReferenceWithCounts(options: ReferenceOptions): Promise<{ result: ReferenceResult; counts: ReferenceCounts }> {
  return withReference({ ...options, counts: true }, async (conn) => {
    const result = await readResult(conn);
    const reader = await conn.runAndReadAll(`SELECT kind, key, CAST(n AS DOUBLE) FROM counts ORDER BY kind, key`);
    const counts: ReferenceCounts = { ineligible: {}, removedProfiles: 0, removedAccounts: 0, rollupAccounts: 0, accountsWithoutRecommendation: 0 };
    for (const [kind, key, n] of reader.getRowsJS() as [string, string, number][]) {
      if (kind === 'ineligible') counts.ineligible[key] = n;
      else if (key === 'profiles') counts.removedProfiles = n;
      else if (key === 'accounts' && kind === 'removed') counts.removedAccounts = n;
      else if (key === 'accounts') counts.rollupAccounts = n;
      else counts.accountsWithoutRecommendation = n;
    }
    return { result, counts };
  });
}

/**
 * Same computation, written as SPEC §10 Parquet files (`<outDir>/scenarios/<scenario>.parquet`,
 * `<outDir>/selection.parquet`) instead of JS rows: the benchmark entry point.
 */
export async function runReferenceToParquet(options: ReferenceOptions & { outDir: string }): Promise<ReferenceTimings> {
  const started = performance.now();
  const steps: { step: string; ms: number }[] = [];
  await withReference(options, async (conn) => {
    mkdirSync(join(options.outDir, 'scenarios'), { recursive: true });
    for (const name of SCENARIOS) {
      const t = performance.now();
      await conn.run(`COPY (SELECT profile_id, CAST(rank AS INTEGER) AS rank, show_id, score FROM sc_${name} ORDER BY profile_id, rank)
        TO ${lit(join(options.outDir, 'scenarios', `${name}.parquet`))} (FORMAT parquet)`);
      steps.push({ step: `write ${name}`, ms: performance.now() - t });
    }
    const t = performance.now();
    await conn.run(`COPY (SELECT * FROM selection ORDER BY account_id) TO ${lit(join(options.outDir, 'selection.parquet'))} (FORMAT parquet)`);
    steps.push({ step: 'write selection', ms: performance.now() - t });
  }, steps);
  return { steps, totalMs: performance.now() - started };
}

/** FNV-1a 32-bit over the UTF-8 bytes of `text` (SPEC §7); `state` continues a previous hash. */
export function fnv1a32(text: string, state = 2166136261): number {
  let h = state >>> 0;
  for (const byte of Buffer.from(text, 'utf8')) h = Math.imul(h ^ byte, 16777619) >>> 0;
  return h;
}

/**
 * SQL expression continuing FNV-1a from `state` over the characters of `asciiExpr` (a VARCHAR of
 * ASCII characters, e.g. a decimal id): each character is one UTF-8 byte. The product of a 32-bit
 * state and the 24-bit prime fits UBIGINT, so `% 2^32` is the exact 32-bit wrap.
 */
export function fnv1a32Sql(asciiExpr: string, state = 2166136261): string {
  return `list_reduce(list_transform(string_split(${asciiExpr}, ''), lambda ch: CAST(ascii(ch) AS UBIGINT)),
    lambda h, b: (xor(h, b) * CAST(16777619 AS UBIGINT)) % CAST(4294967296 AS UBIGINT), CAST(${state >>> 0} AS UBIGINT))`;
}

// ---------------------------------------------------------------------------------------------
// Driver

async function withReference<T>(
  options: ReferenceOptions & { counts?: boolean },
  body: (conn: DuckDBConnection) => Promise<T>,
  steps?: { step: string; ms: number }[],
): Promise<T> {
  const ownTemp = options.tempDirectory === undefined;
  const tempDirectory = options.tempDirectory ?? mkdtempSync(join(tmpdir(), 'reference-duckdb-'));
  const settings: Record<string, string> = {
    threads: String(options.threads ?? availableParallelism()),
    temp_directory: tempDirectory,
    preserve_insertion_order: 'false',
  };
  if (options.memoryLimit !== undefined) settings['memory_limit'] = options.memoryLimit;
  let instance: DuckDBInstance | undefined;
  try {
    instance = await DuckDBInstance.create(':memory:', settings);
    const conn = await instance.connect();
    try {
      // Only epoch arithmetic is used on timestamps; UTC keeps any TIMESTAMPTZ → text/date cast honest too.
      await conn.run(`SET TimeZone = 'UTC'`);
      for (const { step, sql } of await buildSteps(conn, options)) {
        const t = performance.now();
        try {
          if (typeof sql === 'string') await conn.run(sql);
          else await sql(conn);
        } catch (err) {
          throw new Error(`reference step '${step}' failed: ${(err as Error).message}`, { cause: err });
        }
        steps?.push({ step, ms: performance.now() - t });
      }
      return await body(conn);
    } finally {
      conn.closeSync();
    }
  } finally {
    instance?.closeSync();
    if (ownTemp) rmSync(tempDirectory, { recursive: true, force: true });
  }
}

async function readResult(conn: DuckDBConnection): Promise<ReferenceResult> {
  const scenarios = {} as Record<ScenarioName, ScenarioRow[]>;
  for (const name of SCENARIOS) scenarios[name] = await readScenario(conn, name);
  return { scenarios, selection: await readSelection(conn) };
}

async function readScenario(conn: DuckDBConnection, name: ScenarioName): Promise<ScenarioRow[]> {
  const reader = await conn.runAndReadAll(
    `SELECT CAST(profile_id AS DOUBLE), CAST(rank AS INTEGER), CAST(show_id AS DOUBLE), score FROM sc_${name} ORDER BY profile_id, rank`,
  );
  const [p, r, s, sc] = columns(reader.getColumnsJS(), 4) as [number[], number[], number[], number[]];
  const rows: ScenarioRow[] = new Array<ScenarioRow>(p.length);
  for (let i = 0; i < p.length; i++) rows[i] = { profile_id: p[i]!, rank: r[i]!, show_id: s[i]!, score: sc[i]! };
  return rows;
}

/** getColumnsJS() returns no columns at all for an empty result. */
function columns(cols: unknown[][], n: number): unknown[][] {
  return Array.from({ length: n }, (_, i) => cols[i] ?? []);
}

async function readSelection(conn: DuckDBConnection): Promise<SelectionRow[]> {
  const reader = await conn.runAndReadAll(
    `SELECT CAST(account_id AS DOUBLE), CAST(profile_id AS DOUBLE), crm_id, rfm_segment, treatment, scenario, CAST(show_id AS DOUBLE), status
     FROM selection ORDER BY account_id`,
  );
  const cols = columns(reader.getColumnsJS(), 8);
  const [a, p, crm, seg, tr, scen, show, st] = cols as [number[], number[], string[], string[], string[], (string | null)[], (number | null)[], string[]];
  const rows: SelectionRow[] = new Array<SelectionRow>(a.length);
  for (let i = 0; i < a.length; i++) {
    rows[i] = { account_id: a[i]!, profile_id: p[i]!, crm_id: crm[i]!, rfm_segment: seg[i]!, treatment: tr[i]!, scenario: scen[i]!, show_id: show[i]!, status: st[i]! };
  }
  return rows;
}

// ---------------------------------------------------------------------------------------------
// Inputs (SPEC §2)

type ColumnSpec = readonly [name: string, nullable: boolean];

const TABLE_COLUMNS = {
  catalog: [['content_id', false], ['season_id', false], ['show_id', false], ['show_title', false], ['category', false], ['release_date', false], ['expiry_date', true], ['avod', false]],
  accounts: [['account_id', false], ['crm_id', true], ['plan', false], ['country', false], ['push_opt_in', false]],
  profiles: [['profile_id', false], ['account_id', false], ['is_kids', false], ['status', false], ['cluster_id', true], ['country', true]],
  plays: [['profile_id', false], ['content_id', false], ['ts', false], ['watch_seconds', false]],
  regions: [['country', false], ['region', false]],
  sends: [['send_date', false], ['account_id', false], ['profile_id', false], ['show_id', false], ['scenario', false]],
  tombstones: [['account_id', true], ['profile_id', true]],
} as const satisfies Record<string, readonly ColumnSpec[]>;

type TableName = keyof typeof TABLE_COLUMNS;

interface Source {
  /** A table expression reading the Parquet data. */
  from: string;
  /** Column name → DuckDB type, for the columns present. */
  types: Map<string, string>;
}

function hasParquet(dir: string): boolean {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.isFile() && entry.name.endsWith('.parquet')) return true;
    if (entry.isDirectory() && hasParquet(join(dir, entry.name))) return true;
  }
  return false;
}

async function describe(conn: DuckDBConnection, from: string): Promise<Map<string, string>> {
  const reader = await conn.runAndReadAll(`DESCRIBE SELECT * FROM ${from}`);
  const types = new Map<string, string>();
  for (const row of reader.getRowObjectsJS()) types.set(String(row['column_name']), String(row['column_type']));
  return types;
}

async function openSource(conn: DuckDBConnection, dataDir: string, table: TableName, optional: boolean): Promise<Source | null> {
  const file = join(dataDir, `${table}.parquet`);
  const dir = join(dataDir, table);
  let from: string;
  let hiveFrom: string | null = null;
  const isDir = (path: string): boolean => existsSync(path) && statSync(path).isDirectory() && hasParquet(path);
  if (existsSync(file) && statSync(file).isFile()) {
    from = `read_parquet(${lit(file)})`;
  } else if (isDir(dir) || isDir(file)) {
    // `<table>/` or a writer's `<table>.parquet/` directory of part files.
    const glob = lit(join(isDir(dir) ? dir : file, '**', '*.parquet'));
    from = `read_parquet(${glob}, hive_partitioning = false, union_by_name = true)`;
    hiveFrom = `read_parquet(${glob}, hive_partitioning = true, union_by_name = true)`;
  } else {
    if (optional) return null;
    throw new Error(`reference: input table '${table}' not found in ${dataDir}`);
  }
  let types = await describe(conn, from);
  const missing = TABLE_COLUMNS[table].filter(([name, nullable]) => !nullable && !types.has(name)).map(([name]) => name);
  if (missing.length > 0 && hiveFrom !== null) {
    // SPEC §2: partition columns count only when they are listed columns missing from the files.
    const hiveTypes = await describe(conn, hiveFrom).catch(() => null);
    if (hiveTypes !== null && missing.every((name) => hiveTypes.has(name))) {
      from = hiveFrom;
      types = hiveTypes;
    }
  }
  for (const [name, nullable] of TABLE_COLUMNS[table]) {
    if (!nullable && !types.has(name)) throw new Error(`reference: ${table}: required column '${name}' is missing`);
  }
  return { from, types };
}

/** The column, or NULL of `type` when a nullable column is absent. */
function col(source: Source, name: string, type: string): string {
  return source.types.has(name) ? `CAST(${ident(name)} AS ${type})` : `CAST(NULL AS ${type})`;
}

// ---------------------------------------------------------------------------------------------
// SQL generation

interface Step {
  step: string;
  /** SQL text, or a function for the one step that appends rows from JS. */
  sql: string | ((conn: DuckDBConnection) => Promise<void>);
}

const DAY_MS = 86_400_000;

async function buildSteps(conn: DuckDBConnection, options: ReferenceOptions & { counts?: boolean }): Promise<Step[]> {
  const { config } = options;
  const d = parseDay(options.date, 'reference date');
  const D = `DATE ${lit(formatDay(d))}`;
  const dateOf = (n: number): string => `DATE ${lit(formatDay(n))}`;
  const H = config.history_days;

  const catalog = (await openSource(conn, options.dataDir, 'catalog', false))!;
  const accounts = (await openSource(conn, options.dataDir, 'accounts', false))!;
  const profiles = (await openSource(conn, options.dataDir, 'profiles', false))!;
  const plays = (await openSource(conn, options.dataDir, 'plays', false))!;
  const regions = (await openSource(conn, options.dataDir, 'regions', false))!;
  const sends = await openSource(conn, options.dataDir, 'sends', true);
  const tombstones = await openSource(conn, options.dataDir, 'tombstones', true);

  const steps: Step[] = [];
  const add = (step: string, sql: string): void => {
    steps.push({ step, sql });
  };

  // --- Deletions (§4.3) ------------------------------------------------------------------------
  add('tombstones', tombstones === null
    ? `CREATE TABLE tomb_acc (account_id BIGINT); CREATE TABLE tomb_prof (profile_id BIGINT);`
    : `CREATE TABLE tomb_acc AS SELECT DISTINCT account_id FROM (SELECT ${col(tombstones, 'account_id', 'BIGINT')} AS account_id FROM ${tombstones.from}) WHERE account_id IS NOT NULL;
       CREATE TABLE tomb_prof AS SELECT DISTINCT profile_id FROM (SELECT ${col(tombstones, 'profile_id', 'BIGINT')} AS profile_id FROM ${tombstones.from}) WHERE profile_id IS NOT NULL;`);

  add('profiles_raw', `CREATE TABLE prof_raw AS SELECT
      CAST(profile_id AS BIGINT) AS profile_id, CAST(account_id AS BIGINT) AS account_id, CAST(is_kids AS BOOLEAN) AS is_kids,
      CAST(status AS VARCHAR) AS status, ${col(profiles, 'cluster_id', 'BIGINT')} AS cluster_id, ${col(profiles, 'country', 'VARCHAR')} AS country
    FROM ${profiles.from}`);
  // Removed profiles: tombstoned themselves or belonging to a tombstoned account (I3).
  add('removed_profiles', `CREATE TABLE removed_prof AS
      SELECT profile_id FROM tomb_prof
      UNION SELECT p.profile_id FROM prof_raw p JOIN tomb_acc t ON t.account_id = p.account_id`);

  add('accounts', `CREATE TABLE acc_raw AS SELECT
      CAST(account_id AS BIGINT) AS account_id, ${col(accounts, 'crm_id', 'VARCHAR')} AS crm_id, CAST(plan AS VARCHAR) AS plan,
      CAST(country AS VARCHAR) AS country, CAST(push_opt_in AS BOOLEAN) AS push_opt_in
    FROM ${accounts.from};
    CREATE TABLE acc AS SELECT * FROM acc_raw a ANTI JOIN tomb_acc t ON t.account_id = a.account_id`);

  add('regions', `CREATE TABLE reg AS SELECT CAST(country AS VARCHAR) AS country, min(CAST(region AS VARCHAR)) AS region
    FROM ${regions.from} GROUP BY 1;
    CREATE TABLE reg_ids AS SELECT region, CAST(row_number() OVER (ORDER BY region) AS INTEGER) AS region_id
    FROM (SELECT region FROM reg UNION SELECT ${lit(config.default_region)})`);

  // --- Profiles: region (§4.2) and eligibility (§4.4) -------------------------------------------
  add('profiles', `CREATE TABLE prof AS SELECT
      p.profile_id, p.account_id, p.cluster_id, ri.region_id,
      coalesce(a.plan = 'avod', false) AS avod_plan,
      CASE WHEN p.status <> 'active' THEN 'inactive'
           WHEN p.is_kids THEN 'kids'
           WHEN a.account_id IS NULL THEN 'orphan'
           WHEN a.crm_id IS NULL OR a.crm_id = '' THEN 'no_crm_id'
           WHEN NOT a.push_opt_in THEN 'no_consent' END AS ineligible
    FROM prof_raw p
    LEFT JOIN acc a ON a.account_id = p.account_id
    LEFT JOIN reg r ON r.country = coalesce(p.country, a.country)
    JOIN reg_ids ri ON ri.region = coalesce(r.region, ${lit(config.default_region)})
    ANTI JOIN removed_prof x ON x.profile_id = p.profile_id`);

  // --- Catalog (§4.1) ------------------------------------------------------------------------------
  add('episodes', `CREATE TABLE ep AS SELECT *,
      release_date <= ${D} AND (expiry_date IS NULL OR expiry_date > ${D}) AS avail,
      release_date <= ${D} AND (expiry_date IS NULL OR expiry_date > ${D}) AND release_date >= ${dateOf(d - 7)} AND release_date < ${D} AS is_new
    FROM (SELECT CAST(content_id AS BIGINT) AS content_id, CAST(show_id AS BIGINT) AS show_id, CAST(category AS VARCHAR) AS category,
            CAST(release_date AS DATE) AS release_date, ${col(catalog, 'expiry_date', 'DATE')} AS expiry_date, CAST(avod AS BOOLEAN) AS avod
          FROM ${catalog.from})`);
  add('shows', `CREATE TABLE shows AS SELECT show_id,
      arg_min(category, content_id) AS category,
      count(DISTINCT content_id) FILTER (WHERE avail) AS n_avail,
      count(DISTINCT content_id) FILTER (WHERE is_new) AS n_new,
      coalesce(bool_or(avail AND avod), false) AS avod_avail
    FROM ep GROUP BY show_id`);
  const boostRows = Object.entries(config.boosts).map(([cat, b]) => `(${lit(cat)}, ${dbl(b)})`);
  add('boosts', `CREATE TABLE boosts (category VARCHAR, boost DOUBLE);${boostRows.length > 0 ? ` INSERT INTO boosts VALUES ${boostRows.join(', ')};` : ''}`);
  add('show_boost', `CREATE TABLE show_attr AS SELECT s.*, coalesce(b.boost, CAST(1 AS DOUBLE)) AS boost FROM shows s LEFT JOIN boosts b ON b.category = s.category`);

  // --- Plays (§3): counted plays in the history window --------------------------------------------
  const tsType = plays.types.get('ts')!.toUpperCase();
  const isTimestamp = tsType.startsWith('TIMESTAMP');
  const loDay = d - H;
  let tsFilter: string;
  let msExpr: string;
  if (isTimestamp) {
    const tz = tsType.includes('TIME ZONE') || tsType === 'TIMESTAMPTZ';
    const bound = (day: number): string => `CAST(${lit(`${formatDay(day)} 00:00:00${tz ? '+00' : ''}`)} AS ${tsType})`;
    tsFilter = `ts >= ${bound(loDay)} AND ts < ${bound(d)}`;
    msExpr = 'epoch_ms(ts)';
  } else {
    tsFilter = `ts >= ${loDay * DAY_MS} AND ts < ${d * DAY_MS}`;
    msExpr = 'CAST(ts AS BIGINT)';
  }
  // The window filter makes every kept ms non-negative for any D after 1970-04, so // is floor.
  add('plays', `CREATE TABLE pl AS SELECT x.profile_id, x.content_id, e.show_id, x.day, x.ws, e.avail, e.is_new
    FROM (SELECT CAST(profile_id AS BIGINT) AS profile_id, CAST(content_id AS BIGINT) AS content_id,
                 CAST(${msExpr} // ${DAY_MS} AS INTEGER) AS day, CAST(watch_seconds AS BIGINT) AS ws
          FROM ${plays.from}
          WHERE ${tsFilter} AND watch_seconds >= ${num(config.min_play_seconds)}) x
    JOIN ep e ON e.content_id = x.content_id
    SEMI JOIN prof p ON p.profile_id = x.profile_id`);
  // One aggregation per (profile, show). n_played_* count plays, not distinct episodes: that decides
  // "an available (new) episode is left unplayed" exactly unless the show has ≥ 2 such episodes and the
  // profile has at least as many plays of them; only those pairs are recounted by distinct content_id.
  add('profile_show', `CREATE TABLE ps AS SELECT profile_id, show_id, sum(ws) AS ws, max(day) AS last_day,
      count(*) FILTER (WHERE avail) AS n_played_avail, count(*) FILTER (WHERE is_new) AS n_played_new
    FROM pl GROUP BY profile_id, show_id`);
  add('profile_show_exact', `CREATE TABLE ps_exact AS SELECT pl.profile_id, pl.show_id,
      count(DISTINCT pl.content_id) FILTER (WHERE pl.avail) AS n_played_avail,
      count(DISTINCT pl.content_id) FILTER (WHERE pl.is_new) AS n_played_new
    FROM pl SEMI JOIN (
      SELECT ps.profile_id, ps.show_id FROM ps JOIN shows s ON s.show_id = ps.show_id
      WHERE (s.n_avail >= 2 AND ps.n_played_avail >= s.n_avail) OR (s.n_new >= 2 AND ps.n_played_new >= s.n_new)
    ) a ON a.profile_id = pl.profile_id AND a.show_id = pl.show_id
    GROUP BY pl.profile_id, pl.show_id`);
  add('profile_days', `CREATE TABLE pd AS SELECT DISTINCT profile_id, day FROM pl WHERE day >= ${d - 30}`);
  add('drop_plays', `DROP TABLE pl`);
  add('profile_stats', `CREATE TABLE pstat AS SELECT p.profile_id, p.account_id,
      coalesce(w.ws_total, 0) AS ws_total, w.last_day, coalesce(dd.days28, 0) AS days28
    FROM prof p
    LEFT JOIN (SELECT profile_id, sum(ws) AS ws_total, max(last_day) AS last_day FROM ps GROUP BY profile_id) w ON w.profile_id = p.profile_id
    LEFT JOIN (SELECT profile_id, count(*) AS days28 FROM pd WHERE day >= ${d - 28} GROUP BY profile_id) dd ON dd.profile_id = p.profile_id`);

  // --- Segmentation (§4.5) -------------------------------------------------------------------------
  const rfm = config.rfm;
  const scoreCase = (expr: string, thresholds: number[], op: '<=' | '>='): string =>
    `CASE ${thresholds.map((t, i) => `WHEN ${expr} ${op} ${dbl(t)} THEN ${5 - i}`).join(' ')} ELSE 1 END`;
  const ruleCond = (rule: CampaignConfig['rfm']['segments'][number]): string => {
    const parts: string[] = [];
    const bound = (v: number | undefined, c: string, op: string): void => {
      if (v !== undefined && v !== null) parts.push(`${c} ${op} ${dbl(v)}`);
    };
    bound(rule.r_min, 'r', '>=');
    bound(rule.r_max, 'r', '<=');
    bound(rule.f_min, 'f', '>=');
    bound(rule.f_max, 'f', '<=');
    bound(rule.m_min, 'm', '>=');
    bound(rule.m_max, 'm', '<=');
    return parts.length === 0 ? 'true' : parts.join(' AND ');
  };
  const segmentCase = `CASE ${rfm.segments.map((s) => `WHEN ${ruleCond(s)} THEN ${lit(s.name)}`).join(' ')} ELSE 'needs_attention' END`;
  const avodSegments = config.selection.avod_segments.length > 0 ? `segment IN (${config.selection.avod_segments.map(lit).join(', ')})` : 'false';
  add('account_rfm', `CREATE TABLE acc_rfm AS
    WITH pa AS (SELECT account_id, min(${d} - last_day) AS r_days, sum(ws_total) AS ws FROM pstat GROUP BY account_id),
    fa AS (SELECT account_id, count(*) AS f_days FROM (SELECT DISTINCT p.account_id, pd.day FROM pd JOIN prof p ON p.profile_id = pd.profile_id) GROUP BY account_id),
    raw AS (
      SELECT a.account_id, a.plan, pa.r_days, coalesce(fa.f_days, 0) AS f_days, coalesce(pa.ws, 0) AS ws
      FROM acc a LEFT JOIN pa ON pa.account_id = a.account_id LEFT JOIN fa ON fa.account_id = a.account_id),
    scored AS (
      SELECT account_id, plan,
        CASE WHEN r_days IS NULL THEN 1 ELSE ${scoreCase('r_days', rfm.r_days, '<=')} END AS r,
        ${scoreCase('f_days', rfm.f_days, '>=')} AS f,
        ${scoreCase('CAST(ws AS DOUBLE) / CAST(3600 AS DOUBLE)', rfm.m_hours, '>=')} AS m
      FROM raw),
    seg AS (SELECT account_id, plan, ${segmentCase} AS segment FROM scored)
    SELECT account_id, segment, CASE WHEN plan = 'avod' OR ${avodSegments} THEN 'avod' ELSE 'svod' END AS treatment FROM seg`);

  add('eligible', `CREATE TABLE elig AS SELECT p.profile_id, p.account_id, p.cluster_id, p.region_id, r.treatment = 'avod' AS avod_t
    FROM prof p JOIN acc_rfm r ON r.account_id = p.account_id WHERE p.ineligible IS NULL`);
  // The (profile, show) rows of eligible profiles, with their pool keys: the "watched" side of every scenario.
  add('eligible_profile_show', `CREATE TABLE pse AS SELECT ps.profile_id, ps.show_id, ps.ws, ps.n_played_avail, ps.n_played_new,
      e.cluster_id, e.region_id, e.avod_t
    FROM ps JOIN elig e ON e.profile_id = ps.profile_id`);

  // --- Sends: dataset ∪ extra, purged of deletions (§4.3), windows per I2 ----------------------------
  const extra = options.extraSends ?? [];
  steps.push({ step: 'sends_extra', sql: (c) => createExtraSends(c, extra) });
  const sendLo = d - Math.max(config.dedup_window_days, 7);
  const sendsSql = [`SELECT send_date, account_id, profile_id, show_id, scenario FROM sends_extra`];
  if (sends !== null) {
    sendsSql.push(`SELECT CAST(send_date AS DATE), CAST(account_id AS BIGINT), CAST(profile_id AS BIGINT), CAST(show_id AS BIGINT), CAST(scenario AS VARCHAR) FROM ${sends.from}`);
  }
  steps.push(
    {
      step: 'sends',
      sql: `CREATE TABLE snd AS SELECT DISTINCT s.* FROM (${sendsSql.join(' UNION ALL ')}) s
        ANTI JOIN tomb_acc t ON t.account_id = s.account_id
        ANTI JOIN removed_prof x ON x.profile_id = s.profile_id
        WHERE s.send_date >= ${dateOf(sendLo)} AND s.send_date < ${D}`,
    },
    { step: 'recent_sent', sql: `CREATE TABLE rs AS SELECT DISTINCT profile_id, show_id FROM snd WHERE send_date >= ${dateOf(d - config.dedup_window_days)}` },
    { step: 'sends_7d', sql: `CREATE TABLE sends7 AS SELECT account_id, count(*) AS n FROM snd WHERE send_date >= ${dateOf(d - 7)} GROUP BY account_id` },
  );

  // --- Scenarios (§5) --------------------------------------------------------------------------------
  const sc = config.scenarios;
  const empty = (name: ScenarioName): Step => ({
    step: `scenario ${name}`,
    sql: `CREATE TABLE sc_${name} (profile_id BIGINT, rank BIGINT, show_id BIGINT, score DOUBLE)`,
  });
  const pool = (name: ScenarioName, cfg: PoolScenarioConfig, key: 'cluster_id' | 'region_id', countWhere: string, targetWhere: string, avodOnly: boolean): void => {
    if (!cfg.enabled) {
      steps.push(empty(name));
      return;
    }
    steps.push({
      step: `pool ${name}`,
      sql: `CREATE TABLE pool_${name} AS SELECT k, show_id, score, row_number() OVER (PARTITION BY k ORDER BY score DESC, show_id) AS prank
        FROM (SELECT c.k, c.show_id, CAST(c.n AS DOUBLE) * s.boost AS score
              FROM (SELECT p.${key} AS k, ps.show_id, count(*) AS n
                    FROM ps JOIN prof p ON p.profile_id = ps.profile_id
                    WHERE ps.last_day >= ${d - cfg.window_days} AND p.${key} IS NOT NULL AND ${countWhere}
                    GROUP BY ALL) c
              JOIN show_attr s ON s.show_id = c.show_id
              WHERE c.n >= ${num(cfg.min_viewers)} AND s.n_avail > 0 ${avodOnly ? 'AND s.avod_avail' : ''} ${categoryFilter(cfg, 's.category')})
        QUALIFY prank <= ${num(cfg.pool_size)}`,
    });
    // A profile's top 5 are the first 5 pool ranks not in its excluded set (pool ranks of shows it watched
    // or was recently sent). Only profiles with exclusions in their pool aggregate a list of them; a profile
    // then keeps range(1, 6 + |list|) minus the list, cut to 5, which is enough: at most |list| of those
    // ranks are excluded. No row of the pool beyond those is ever joined, and nothing is sorted.
    steps.push({
      step: `scenario ${name}`,
      sql: `CREATE TABLE sc_${name} AS
        WITH tgt AS (SELECT profile_id, ${key} AS k FROM elig WHERE ${key} IS NOT NULL AND ${targetWhere}),
        ex AS (
          SELECT profile_id, list(prank) AS l FROM (
            SELECT e.profile_id, q.prank FROM pse e JOIN pool_${name} q ON q.k = e.${key} AND q.show_id = e.show_id WHERE ${targetWhere}
            UNION ALL
            SELECT t.profile_id, q.prank FROM rs JOIN tgt t ON t.profile_id = rs.profile_id JOIN pool_${name} q ON q.k = t.k AND q.show_id = rs.show_id)
          GROUP BY profile_id),
        picks AS (
          SELECT t.profile_id, t.k,
            CASE WHEN ex.l IS NULL THEN range(1, 6) ELSE list_filter(range(1, 6 + len(ex.l)), lambda r: NOT list_contains(ex.l, r))[1:5] END AS ranks
          FROM tgt t LEFT JOIN ex ON ex.profile_id = t.profile_id),
        flat AS (SELECT profile_id, k, unnest(ranks) AS prank, generate_subscripts(ranks, 1) AS rank FROM picks)
        SELECT f.profile_id, f.rank, q.show_id, q.score FROM flat f JOIN pool_${name} q ON q.k = f.k AND q.prank = f.prank`,
    });
  };
  pool('cluster_discovery', sc.cluster_discovery, 'cluster_id', 'true', 'true', false);
  if (sc.re_engagement.enabled) {
    steps.push({
      step: 'scenario re_engagement',
      sql: `CREATE TABLE sc_re_engagement AS
        SELECT profile_id, row_number() OVER (PARTITION BY profile_id ORDER BY score DESC, show_id) AS rank, show_id, score
        FROM (SELECT e.profile_id, e.show_id,
                CAST(e.ws * CASE WHEN s.n_new > coalesce(x.n_played_new, e.n_played_new) THEN 2 ELSE 1 END AS DOUBLE) * s.boost AS score
              FROM pse e JOIN show_attr s ON s.show_id = e.show_id
              ANTI JOIN rs ON rs.profile_id = e.profile_id AND rs.show_id = e.show_id
              LEFT JOIN ps_exact x ON x.profile_id = e.profile_id AND x.show_id = e.show_id
              WHERE s.n_avail > coalesce(x.n_played_avail, e.n_played_avail) ${categoryFilter(sc.re_engagement, 's.category')})
        QUALIFY rank <= 5`,
    });
  } else {
    steps.push(empty('re_engagement'));
  }
  pool('trending', sc.trending, 'region_id', 'true', 'true', false);
  pool('avod', sc.avod, 'region_id', 'p.avod_plan', 'avod_t', true);

  // --- Rollup (§6) -------------------------------------------------------------------------------------
  const order = {
    primary: 's.ws_total DESC',
    dominant: 's.days28 DESC',
    last_active: 's.last_day DESC NULLS LAST',
  }[config.rollup.method];
  steps.push(
    {
      step: 'rank1',
      sql: `CREATE TABLE r1 AS SELECT profile_id,
          max(show_id) FILTER (WHERE scenario = 'cluster_discovery') AS cluster_discovery,
          max(show_id) FILTER (WHERE scenario = 're_engagement') AS re_engagement,
          max(show_id) FILTER (WHERE scenario = 'trending') AS trending,
          max(show_id) FILTER (WHERE scenario = 'avod') AS avod
        FROM (${SCENARIOS.map((n) => `SELECT profile_id, show_id, '${n}' AS scenario FROM sc_${n} WHERE rank = 1`).join(' UNION ALL ')})
        GROUP BY profile_id`,
    },
    {
      step: 'rollup',
      sql: `CREATE TABLE chosen AS SELECT s.account_id, s.profile_id, s.last_day
        FROM r1 JOIN pstat s ON s.profile_id = r1.profile_id
        QUALIFY row_number() OVER (PARTITION BY s.account_id ORDER BY ${order}, s.profile_id) = 1`,
    },
  );

  // --- Selection (§7) -----------------------------------------------------------------------------------
  const sel = config.selection;
  const has = (name: string): string => `r1.${ident(name)} IS NOT NULL`;
  const showOf = (expr: string): string => `CASE ${expr} ${SCENARIOS.map((n) => `WHEN '${n}' THEN r1.${n}`).join(' ')} END`;
  const preferred = sel.mode === 'behavior'
    ? `CASE WHEN c.last_day IS NULL THEN 'cluster_discovery' WHEN ${d} - c.last_day <= 7 THEN 're_engagement' WHEN ${d} - c.last_day <= 30 THEN 'trending' ELSE 'cluster_discovery' END`
    : lit(sel.rotation[((d % sel.rotation.length) + sel.rotation.length) % sel.rotation.length]!);
  const svodChoice = `CASE WHEN ${showOf('pref')} IS NOT NULL THEN pref ${sel.fallback.map((n) => `WHEN ${has(n)} THEN ${lit(n)}`).join(' ')} END`;
  const holdoutState = fnv1a32(`${config.holdout.salt}:`);
  const cap = sel.max_sends_7d;
  steps.push({
    step: 'selection',
    sql: `CREATE TABLE selection AS
      WITH base AS (
        SELECT c.account_id, c.profile_id, a.crm_id, r.segment, r.treatment, r1.* EXCLUDE (profile_id), ${preferred} AS pref,
               coalesce(s7.n, 0) AS sends_7d
        FROM chosen c JOIN r1 ON r1.profile_id = c.profile_id
        JOIN acc a ON a.account_id = c.account_id JOIN acc_rfm r ON r.account_id = c.account_id
        LEFT JOIN sends7 s7 ON s7.account_id = c.account_id),
      choice AS (
        SELECT *, CASE WHEN treatment = 'avod' THEN CASE WHEN ${has('avod')} THEN 'avod' END ELSE ${svodChoice} END AS scenario FROM base r1)
      SELECT account_id, profile_id, crm_id, segment AS rfm_segment, treatment,
        CASE WHEN status = 'no_candidates' THEN NULL ELSE scenario END AS scenario,
        CASE WHEN status = 'no_candidates' THEN NULL ELSE ${showOf('scenario')} END AS show_id,
        status
      FROM (SELECT *, CASE
          WHEN ${cap === null ? 'false' : `sends_7d >= ${num(cap)}`} THEN 'frequency_capped'
          WHEN scenario IS NULL THEN 'no_candidates'
          WHEN ${fnv1a32Sql('CAST(account_id AS VARCHAR)', holdoutState)} % 10000 < ${num(config.holdout.bps)} THEN 'holdout'
          ELSE 'send' END AS status
        FROM choice) r1`,
  });

  if (options.counts === true) {
    add('counts', `CREATE TABLE counts AS
      SELECT 'ineligible' AS kind, ineligible AS key, count(*) AS n FROM prof WHERE ineligible IS NOT NULL GROUP BY ineligible
      UNION ALL SELECT 'removed', 'profiles', count(*) FROM prof_raw WHERE profile_id IN (SELECT profile_id FROM removed_prof)
      UNION ALL SELECT 'removed', 'accounts', count(*) FROM acc_raw WHERE account_id IN (SELECT account_id FROM tomb_acc)
      UNION ALL SELECT 'rollup', 'accounts', count(*) FROM chosen
      UNION ALL SELECT 'rollup', 'accounts_without_recommendation', count(*) FROM acc
        WHERE account_id NOT IN (SELECT account_id FROM chosen)`);
  }
  return steps;
}

/** The extra sends table, filled through the appender (no per-row SQL). */
async function createExtraSends(conn: DuckDBConnection, extra: ReferenceSend[]): Promise<void> {
  await conn.run(`CREATE TABLE sends_extra (send_date DATE, account_id BIGINT, profile_id BIGINT, show_id BIGINT, scenario VARCHAR)`);
  if (extra.length === 0) return;
  const appender = await conn.createAppender('sends_extra');
  for (const s of extra) {
    appender.appendDate(new DuckDBDateValue(parseDay(s.send_date, 'extra send_date')));
    appender.appendBigInt(BigInt(s.account_id));
    appender.appendBigInt(BigInt(s.profile_id));
    appender.appendBigInt(BigInt(s.show_id));
    appender.appendVarchar(s.scenario);
    appender.endRow();
  }
  appender.closeSync();
}

function categoryFilter(cfg: CategoryFilter, column: string): string {
  let out = '';
  if (cfg.include_categories.length > 0) out += ` AND ${column} IN (${cfg.include_categories.map(lit).join(', ')})`;
  if (cfg.exclude_categories.length > 0) out += ` AND ${column} NOT IN (${cfg.exclude_categories.map(lit).join(', ')})`;
  return out;
}

/** SQL string literal. */
function lit(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

function ident(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** An exact float64 literal (parsing JS's shortest round-trip text gives back the same double). */
function dbl(value: number): string {
  return `CAST('${String(value)}' AS DOUBLE)`;
}

/** An integer literal (config counts and days). */
function num(value: number): string {
  if (!Number.isSafeInteger(value)) return dbl(value);
  return String(value);
}
