import { sqlFilePath } from '../../io/input/duckdb-session.js';
import { sourceSql } from '../../io/input/table-files.js';
import type { LedgerHistoryDate } from '../../io/ledger/index.js';
import type { LoadContext } from './load-context.js';

/**
 * The ledger dates that hold a row of a tombstoned account or profile (SPEC §4.3), so the purge
 * rewrites those and opens nothing else. One DuckDB scan of the ids of every date's columnar
 * copy against the tombstones table; dates without a columnar copy are returned unchecked (the
 * purge reads them). Empty when there are no tombstones.
 */
export async function ledgerPurgeDates(ctx: LoadContext, ledger: readonly LedgerHistoryDate[]): Promise<string[]> {
  const t = ctx.tables.tombstones;
  if (t === undefined || ledger.length === 0) return [];
  const unchecked = ledger.filter((d) => d.file === null).map((d) => d.date);
  const files = ledger.filter((d) => d.file !== null);
  if (files.length === 0) return unchecked;
  const src = sourceSql(t.source);
  const scans = files.map((d, k) => `SELECT ${k} AS k, CAST(account_id AS DOUBLE) AS a, CAST(profile_id AS DOUBLE) AS p FROM read_parquet(${sqlFilePath(d.file!)})`);
  const rows = await ctx.session.rows(
    `SELECT DISTINCT k FROM (${scans.join(' UNION ALL ')}) h
     WHERE a IN (SELECT CAST("account_id" AS DOUBLE) FROM ${src} WHERE "account_id" IS NOT NULL)
        OR p IN (SELECT CAST("profile_id" AS DOUBLE) FROM ${src} WHERE "profile_id" IS NOT NULL)`,
  );
  const hit = new Set(rows.map(([k]) => Number(k)));
  return [...unchecked, ...files.filter((_, k) => hit.has(k)).map((d) => d.date)].sort();
}
