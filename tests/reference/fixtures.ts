/** Tiny literal datasets for the reference tests, written to Parquet with DuckDB `COPY ... TO`. */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { defaultConfig } from '../../engine/config/default-config.js';
import type { CampaignConfig } from '../../engine/config/config-types.js';
import { deepMerge } from '../../engine/config/resolve-config.js';
import { formatDay, parseDay } from '../../engine/dates.js';
import { expectEqual } from '../support/expect-equal.js';
import type { ScenarioRow } from './reference-campaign.js';

export const D = '2026-11-22';

/** `YYYY-MM-DD` of D − n days. */
export function day(n: number): string {
  return formatDay(parseDay(D) - n);
}

/** A timestamp text n days before D 00:00 at the given time of day (UTC). */
export function ago(n: number, time = '12:00:00'): string {
  return `${day(n)} ${time}`;
}

type Value = string | number | boolean | null;

export interface Episode { content_id: number; show_id: number; category?: string; release_date?: string; expiry_date?: string | null; avod?: boolean; season_id?: number; show_title?: string }
export interface Account { account_id: number; crm_id?: string | null; plan?: string; country?: string; push_opt_in?: boolean }
export interface Profile { profile_id: number; account_id: number; is_kids?: boolean; status?: string; cluster_id?: number | null; country?: string | null }
export interface Play { profile_id: number; content_id: number; ts: string; watch_seconds?: number }
export interface Send { send_date: string; account_id: number; profile_id: number; show_id: number; scenario?: string }
export interface Tombstone { account_id?: number | null; profile_id?: number | null }

export interface Dataset {
  catalog: Episode[];
  accounts: Account[];
  profiles: Profile[];
  plays: Play[];
  regions: [country: string, region: string][];
  sends?: Send[];
  tombstones?: Tombstone[];
}

export type TsEncoding = 'timestamp' | 'timestamp_ns' | 'timestamptz' | 'epoch_ms';

export interface WriteOptions {
  ts?: TsEncoding;
  /**
   * Write plays as a Hive-partitioned directory `plays/day=<date>/part.parquet` instead of one file
   * (`'plays.parquet'`: the directory is named like the file, as Spark-style writers do).
   */
  playsAsDirectory?: boolean | 'plays.parquet';
}

type Columns = [name: string, type: string][];

function literal(v: Value): string {
  if (v === null) return 'NULL';
  if (typeof v === 'string') return `'${v.replace(/'/g, "''")}'`;
  return String(v);
}

function selectSql(columns: Columns, rows: Value[][]): string {
  const casts = columns.map(([n, t]) => `CAST(${n} AS ${t}) AS ${n}`).join(', ');
  if (rows.length === 0) return `SELECT ${columns.map(([n, t]) => `CAST(NULL AS ${t}) AS ${n}`).join(', ')} WHERE false`;
  const values = rows.map((r) => `(${r.map(literal).join(', ')})`).join(', ');
  return `SELECT ${casts} FROM (VALUES ${values}) t(${columns.map(([n]) => n).join(', ')})`;
}

/** Writes `dataset` under `dir` (one Parquet file per table unless told otherwise). */
export async function writeDataset(dir: string, dataset: Dataset, options: WriteOptions = {}): Promise<void> {
  mkdirSync(dir, { recursive: true });
  const instance = await DuckDBInstance.create(':memory:', { threads: '1' });
  const conn = await instance.connect();
  const copy = async (sql: string, file: string): Promise<void> => {
    await conn.run(`COPY (${sql}) TO '${file}' (FORMAT parquet)`);
  };
  try {
    await copy(selectSql(
      [['content_id', 'BIGINT'], ['season_id', 'INTEGER'], ['show_id', 'BIGINT'], ['show_title', 'VARCHAR'], ['category', 'VARCHAR'], ['release_date', 'DATE'], ['expiry_date', 'DATE'], ['avod', 'BOOLEAN']],
      dataset.catalog.map((e) => [e.content_id, e.season_id ?? e.show_id * 10, e.show_id, e.show_title ?? `Show ${e.show_id}`, e.category ?? 'drama', e.release_date ?? '2026-01-01', e.expiry_date ?? null, e.avod ?? false]),
    ), join(dir, 'catalog.parquet'));
    await copy(selectSql(
      [['account_id', 'BIGINT'], ['crm_id', 'VARCHAR'], ['plan', 'VARCHAR'], ['country', 'VARCHAR'], ['push_opt_in', 'BOOLEAN'], ['extra_column', 'VARCHAR']],
      dataset.accounts.map((a) => [a.account_id, a.crm_id === undefined ? `crm-${a.account_id}` : a.crm_id, a.plan ?? 'svod', a.country ?? 'US', a.push_opt_in ?? true, 'ignored']),
    ), join(dir, 'accounts.parquet'));
    await copy(selectSql(
      [['profile_id', 'BIGINT'], ['account_id', 'BIGINT'], ['is_kids', 'BOOLEAN'], ['status', 'VARCHAR'], ['cluster_id', 'SMALLINT'], ['country', 'VARCHAR']],
      dataset.profiles.map((p) => [p.profile_id, p.account_id, p.is_kids ?? false, p.status ?? 'active', p.cluster_id ?? null, p.country ?? null]),
    ), join(dir, 'profiles.parquet'));
    await copy(selectSql([['country', 'VARCHAR'], ['region', 'VARCHAR']], dataset.regions), join(dir, 'regions.parquet'));
    if (dataset.sends !== undefined) {
      await copy(selectSql(
        [['send_date', 'DATE'], ['account_id', 'BIGINT'], ['profile_id', 'BIGINT'], ['show_id', 'INTEGER'], ['scenario', 'VARCHAR']],
        dataset.sends.map((s) => [s.send_date, s.account_id, s.profile_id, s.show_id, s.scenario ?? 'trending']),
      ), join(dir, 'sends.parquet'));
    }
    if (dataset.tombstones !== undefined) {
      await copy(selectSql([['account_id', 'BIGINT'], ['profile_id', 'BIGINT']], dataset.tombstones.map((t) => [t.account_id ?? null, t.profile_id ?? null])), join(dir, 'tombstones.parquet'));
    }

    const tsType = { timestamp: 'TIMESTAMP', timestamp_ns: 'TIMESTAMP_NS', timestamptz: 'TIMESTAMPTZ', epoch_ms: 'TIMESTAMP' }[options.ts ?? 'timestamp'];
    const rawPlays = selectSql(
      [['profile_id', 'BIGINT'], ['content_id', 'INTEGER'], ['ts_text', 'VARCHAR'], ['watch_seconds', 'INTEGER']],
      dataset.plays.map((p) => [p.profile_id, p.content_id, p.ts, p.watch_seconds ?? 600]),
    );
    const tsExpr = options.ts === 'epoch_ms'
      ? `epoch_ms(CAST(ts_text AS TIMESTAMP))`
      : options.ts === 'timestamptz' ? `CAST(ts_text || '+00' AS TIMESTAMPTZ)` : `CAST(ts_text AS ${tsType})`;
    const playsSql = `SELECT profile_id, content_id, ${tsExpr} AS ts, watch_seconds, substr(ts_text, 1, 10) AS day FROM (${rawPlays})`;
    if (options.playsAsDirectory !== undefined && options.playsAsDirectory !== false) {
      const days = [...new Set(dataset.plays.map((p) => p.ts.slice(0, 10)))];
      const root = options.playsAsDirectory === true ? 'plays' : options.playsAsDirectory;
      for (const [i, dayText] of days.entries()) {
        const sub = join(dir, root, `day=${dayText}`, i % 2 === 0 ? '' : 'nested');
        mkdirSync(sub, { recursive: true });
        await copy(`SELECT * EXCLUDE (day) FROM (${playsSql}) WHERE day = '${dayText}'`, join(sub, 'part.parquet'));
      }
    } else {
      await copy(`SELECT * EXCLUDE (day) FROM (${playsSql})`, join(dir, 'plays.parquet'));
    }
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}

/** The default config with a deep-merged patch (objects merge, arrays and scalars replace). */
export function config(patch: Record<string, unknown> = {}): CampaignConfig {
  return deepMerge(defaultConfig(), patch);
}

/** Rows of one profile as [show_id, score] pairs (ranks are checked to be 1..n). */
export function top(rows: ScenarioRow[], profile: number): [number, number][] {
  const mine = rows.filter((r) => r.profile_id === profile);
  expectEqual(mine.map((r) => r.rank), mine.map((_, i) => i + 1), `ranks of ${profile}`);
  return mine.map((r) => [r.show_id, r.score]);
}

/** `n` kids profiles (ineligible, still viewers) of `account`, each playing `content` at `ts`. */
export function viewers(firstId: number, n: number, account: number, content: number, ts: string, extra: Partial<Profile> = {}): { profiles: Profile[]; plays: Play[] } {
  const profiles: Profile[] = [];
  const plays: Play[] = [];
  for (let i = 0; i < n; i++) {
    profiles.push({ profile_id: firstId + i, account_id: account, is_kids: true, ...extra });
    plays.push({ profile_id: firstId + i, content_id: content, ts });
  }
  return { profiles, plays };
}

export function merge(base: Dataset, ...parts: { profiles: Profile[]; plays: Play[] }[]): Dataset {
  return { ...base, profiles: [...base.profiles, ...parts.flatMap((p) => p.profiles)], plays: [...base.plays, ...parts.flatMap((p) => p.plays)] };
}

