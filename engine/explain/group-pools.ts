import { sqlString } from '../../io/input/duckdb-session.js';
import type { DuckDBSession } from '../../io/input/duckdb-session.js';
import type { PoolScenarioConfig } from '../config/config-types.js';
import type { PoolMissReason } from './explanation.js';

export type PooledScenario = 'cluster_discovery' | 'trending' | 'avod';

/** A show of a group's pool, in pool order. */
export interface PoolEntry {
  showId: number;
  viewers: number;
  score: number;
  poolRank: number;
}

/** A show the group watched in the window that did not make the pool. */
export interface PoolMissRow {
  showId: number;
  viewers: number;
  reason: PoolMissReason;
  /** outside_pool_size: its rank among the shows that qualified. */
  poolRank: number | null;
}

export interface GroupPool {
  entries: PoolEntry[];
  /** For each reason, the misses with the most viewers (at most `missLimit` each). */
  misses: PoolMissRow[];
  /** How many shows missed the pool, by reason. */
  missCounts: Partial<Record<PoolMissReason, number>>;
}

/**
 * SPEC §5 pools of one scenario for the given groups (clusters or regions), in SQL over
 * `counted_plays` and `people`: distinct viewers per show among the group's profiles with a counted
 * play in the window (AVOD: profiles of AVOD-plan accounts), scored viewers × boost, kept when
 * available (AVOD-available), allowed by the category filters and reaching min_viewers, ordered by
 * score descending then show_id, cut to pool_size. Shows that missed keep their first failing reason.
 */
export async function groupPools(
  session: DuckDBSession,
  scenario: PooledScenario,
  cfg: PoolScenarioConfig,
  day: number,
  groups: readonly (number | string)[],
  missLimit: number,
): Promise<Map<number | string, GroupPool>> {
  const out = new Map<number | string, GroupPool>();
  if (groups.length === 0) return out;
  for (const g of groups) out.set(g, { entries: [], misses: [], missCounts: {} });
  const key = scenario === 'cluster_discovery' ? 'cluster_id' : 'region';
  const avod = scenario === 'avod';
  const list = groups.map((g) => (typeof g === 'number' ? String(g) : sqlString(g))).join(', ');
  const rows = await session.rows(`
    WITH counts AS (
      SELECT pe.${key} AS grp, s.show_id, count(*) AS viewers
      FROM last_seen s JOIN people pe ON pe.profile_id = s.profile_id
      WHERE pe.${key} IN (${list}) AND s.last_day >= ${day - cfg.window_days} ${avod ? 'AND pe.avod_plan' : ''}
      GROUP BY ALL),
    judged AS (
      SELECT c.grp, c.show_id, c.viewers, CAST(c.viewers AS DOUBLE) * sh.boost AS score,
        CASE WHEN sh.available_episodes = 0 THEN 'unavailable'
          ${avod ? `WHEN NOT sh.avod_available THEN 'not_avod_available'` : ''}
          WHEN NOT sh.allowed_${scenario} THEN 'category_filter'
          WHEN c.viewers < ${cfg.min_viewers} THEN 'below_min_viewers' END AS miss
      FROM counts c JOIN shows sh ON sh.show_id = c.show_id),
    ranked AS (
      SELECT *, row_number() OVER (PARTITION BY grp, miss IS NULL ORDER BY score DESC, show_id) AS qualified_rank FROM judged),
    final AS (
      SELECT grp, show_id, CAST(viewers AS INTEGER) AS viewers, score,
        CASE WHEN miss IS NULL AND qualified_rank > ${cfg.pool_size} THEN 'outside_pool_size' ELSE miss END AS reason,
        CASE WHEN miss IS NULL THEN CAST(qualified_rank AS INTEGER) END AS pool_rank
      FROM ranked)
    SELECT grp, show_id, viewers, score, reason, pool_rank,
      row_number() OVER (PARTITION BY grp, reason ORDER BY viewers DESC, show_id) AS miss_rank,
      CAST(count(*) OVER (PARTITION BY grp, reason) AS INTEGER) AS reason_rows
    FROM final
    QUALIFY reason IS NULL OR miss_rank <= ${missLimit}
    ORDER BY grp, reason IS NOT NULL, CASE WHEN reason IS NULL THEN pool_rank END, viewers DESC, show_id`);
  for (const [grp, showId, viewers, score, reason, poolRank, , reasonRows] of rows as [number | string, number, number, number, PoolMissReason | null, number | null, bigint, number][]) {
    const pool = out.get(grp)!;
    if (reason === null) pool.entries.push({ showId, viewers, score, poolRank: poolRank! });
    else {
      pool.misses.push({ showId, viewers, reason, poolRank: reason === 'outside_pool_size' ? poolRank : null });
      pool.missCounts[reason] = reasonRows;
    }
  }
  return out;
}

/** `last_seen`: each profile's latest counted play per show, what every pool window tests. */
export async function createLastSeen(session: DuckDBSession): Promise<void> {
  await session.run(`CREATE TEMP TABLE last_seen AS SELECT profile_id, show_id, max(day) AS last_day FROM counted_plays GROUP BY profile_id, show_id`);
}
