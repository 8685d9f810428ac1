import { sqlString } from '../../io/input/duckdb-session.js';
import type { DuckDBSession } from '../../io/input/duckdb-session.js';
import { sourceSql } from '../../io/input/table-files.js';
import { rawTimestampLiteral } from '../../io/input/raw-timestamp.js';
import type { BoundTable } from '../../io/input/bind-tables.js';
import type { BoundColumn } from '../../io/input/read-table.js';

/** The pool groups explain needs: the clusters and regions of the account's eligible profiles. */
export interface PoolGroups {
  clusters: number[];
  regions: string[];
}

/** SPEC §3 activity of one profile over the history window. */
export interface ProfileActivity {
  watchSeconds: number;
  /** Day number of the latest counted play; null when none. */
  lastDay: number | null;
  activeDays28: number;
}

/** One show a profile played in the history window. */
export interface PlayedShow {
  watchSeconds: number;
  lastDay: number;
  /** Distinct available episodes, and available new episodes, the profile played. */
  playedAvailable: number;
  playedNew: number;
}

export interface PlayFacts {
  profiles: Map<number, ProfileActivity>;
  /** profile_id → show_id → what the profile played of it. */
  played: Map<number, Map<number, PlayedShow>>;
  /** Distinct play dates of the account's profiles in the last 30 days (RFM F). */
  accountActiveDays30: number;
}

export interface PlayScan {
  day: number;
  historyDays: number;
  minPlaySeconds: number;
  accountId: number;
  groups: PoolGroups;
  /** The widest pool window in use: group members' plays older than that are never needed. */
  poolWindowDays: number;
}

/**
 * Scans plays once, keeping the counted plays (SPEC §3: history window, min_play_seconds, known
 * content, a profile that survived deletions) of the account's profiles and of every profile in
 * the pool groups, into `counted_plays` (with `own` marking the account's). Then aggregates the
 * account's activity. `kept_profiles`, `episodes` must exist.
 */
export async function scanPlays(session: DuckDBSession, plays: BoundTable, scan: PlayScan): Promise<PlayFacts> {
  const { day, groups } = scan;
  const [profileId, contentId, ts, watchSeconds] = plays.columns as [BoundColumn, BoundColumn, BoundColumn, BoundColumn];
  const members = [`account_id = ${scan.accountId}`];
  if (groups.clusters.length > 0) members.push(`cluster_id IN (${groups.clusters.join(', ')})`);
  if (groups.regions.length > 0) members.push(`region IN (${groups.regions.map(sqlString).join(', ')})`);
  await session.run(`CREATE TEMP TABLE people AS
    SELECT profile_id, TRY_CAST(profile_id AS ${profileId.sourceType}) AS raw_profile_id, account_id = ${scan.accountId} AS own, cluster_id, region, avod_plan
    FROM kept_profiles WHERE ${members.join(' OR ')}`);
  // The scan joins and filters on raw columns so DuckDB can push them into the Parquet reader; the
  // engine's conversions (bound expressions over the same column names) then run on the rows kept,
  // and the exact filters again on their results.
  const history = rawTimestampLiteral(ts.sourceType, day - scan.historyDays);
  const pools = rawTimestampLiteral(ts.sourceType, day - scan.poolWindowDays);
  await session.run(`CREATE TEMP TABLE counted_plays AS
    WITH raw AS MATERIALIZED (
      SELECT p."profile_id", p."content_id", p."ts", p."watch_seconds", pe.own
      FROM ${sourceSql(plays.source)} p JOIN people pe ON pe.raw_profile_id = p."profile_id"
      WHERE p."ts" >= ${history} AND (pe.own OR p."ts" >= ${pools}) AND p."watch_seconds" >= ${scan.minPlaySeconds}),
    bound AS (SELECT ${profileId.sql} AS profile_id, ${contentId.sql} AS content_id, ${ts.sql} AS day, ${watchSeconds.sql} AS watch_seconds, own FROM raw)
    SELECT b.profile_id, e.show_id, b.content_id, b.day, b.watch_seconds, e.available, e.is_new, b.own
    FROM bound b JOIN episodes e ON e.content_id = b.content_id
    WHERE b.day >= ${day - scan.historyDays} AND b.day < ${day} AND b.watch_seconds >= ${scan.minPlaySeconds}
      AND (b.own OR b.day >= ${day - scan.poolWindowDays})`);

  const profiles = new Map<number, ProfileActivity>();
  const perProfile = await session.rows(`SELECT profile_id, sum(watch_seconds), max(day), CAST(count(DISTINCT day) FILTER (WHERE day >= ${day - 28}) AS INTEGER)
    FROM counted_plays WHERE own GROUP BY profile_id`);
  for (const [profileId, seconds, lastDay, active] of perProfile as [number, number, number, number][]) profiles.set(profileId, { watchSeconds: seconds, lastDay, activeDays28: active });

  const played = new Map<number, Map<number, PlayedShow>>();
  const perShow = await session.rows(`SELECT profile_id, show_id, sum(watch_seconds), max(day),
      CAST(count(DISTINCT content_id) FILTER (WHERE available) AS INTEGER), CAST(count(DISTINCT content_id) FILTER (WHERE is_new) AS INTEGER)
    FROM counted_plays WHERE own GROUP BY profile_id, show_id`);
  for (const [profileId, showId, seconds, lastDay, playedAvailable, playedNew] of perShow as [number, number, number, number, number, number][]) {
    let shows = played.get(profileId);
    if (shows === undefined) played.set(profileId, (shows = new Map()));
    shows.set(showId, { watchSeconds: seconds, lastDay, playedAvailable, playedNew });
  }
  const [[days30]] = (await session.rows(`SELECT CAST(count(DISTINCT day) AS INTEGER) FROM counted_plays WHERE own AND day >= ${day - 30}`)) as [[number]];
  return { profiles, played, accountActiveDays30: days30 };
}
