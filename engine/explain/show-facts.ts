import { sqlString } from '../../io/input/duckdb-session.js';
import type { DuckDBSession } from '../../io/input/duckdb-session.js';
import { SCENARIOS } from '../config/config-types.js';
import type { CampaignConfig, ScenarioName } from '../config/config-types.js';

/** A show on D (SPEC §4.1) with its config-derived boost and per-scenario category verdicts. */
export interface ShowFacts {
  showId: number;
  title: string;
  category: string;
  availableEpisodes: number;
  /** Available episodes released in [D − 7, D). */
  newEpisodes: number;
  avodAvailable: boolean;
  boost: number;
  allowed: Record<ScenarioName, boolean>;
}

/**
 * Creates `episodes` (content → show with availability and newness on D) and `shows` (show
 * attributes from the smallest content_id, episode counts, boost, and `allowed_<scenario>`).
 */
export async function createShowTables(session: DuckDBSession, day: number, config: CampaignConfig): Promise<void> {
  const available = `release_date <= ${day} AND (expiry_date IS NULL OR expiry_date > ${day})`;
  await session.run(`CREATE TEMP TABLE episodes AS
    SELECT content_id, show_id, show_title, category, avod, ${available} AS available, ${available} AND release_date >= ${day - 7} AND release_date < ${day} AS is_new
    FROM in_catalog`);
  const boosts = Object.entries(config.boosts);
  // A boost travels as the text of its shortest round-trip form, which DuckDB parses back to the same double.
  const boost = boosts.length === 0 ? 'CAST(1 AS DOUBLE)' : `CASE category ${boosts.map(([c, b]) => `WHEN ${sqlString(c)} THEN CAST('${b}' AS DOUBLE)`).join(' ')} ELSE CAST(1 AS DOUBLE) END`;
  const allowed = SCENARIOS.map((name) => {
    const { include_categories: include, exclude_categories: exclude } = config.scenarios[name];
    const parts = ['true'];
    if (include.length > 0) parts.push(`category IN (${include.map(sqlString).join(', ')})`);
    if (exclude.length > 0) parts.push(`category NOT IN (${exclude.map(sqlString).join(', ')})`);
    return `${parts.join(' AND ')} AS allowed_${name}`;
  });
  await session.run(`CREATE TEMP TABLE shows AS
    SELECT *, ${boost} AS boost, ${allowed.join(', ')}
    FROM (SELECT show_id, arg_min(show_title, content_id) AS title, arg_min(category, content_id) AS category,
            CAST(count(*) FILTER (WHERE available) AS INTEGER) AS available_episodes,
            CAST(count(*) FILTER (WHERE is_new) AS INTEGER) AS new_episodes,
            coalesce(bool_or(available AND avod), false) AS avod_available
          FROM episodes GROUP BY show_id)`);
}

/** The facts of the given shows (unknown ids are left out). */
export async function readShows(session: DuckDBSession, showIds: Iterable<number>): Promise<Map<number, ShowFacts>> {
  const ids = [...new Set(showIds)];
  const out = new Map<number, ShowFacts>();
  if (ids.length === 0) return out;
  const rows = await session.rows(
    `SELECT show_id, title, category, available_episodes, new_episodes, avod_available, boost, ${SCENARIOS.map((s) => `allowed_${s}`).join(', ')}
     FROM shows WHERE show_id IN (${ids.join(', ')})`,
  );
  for (const row of rows) {
    const [showId, title, category, availableEpisodes, newEpisodes, avodAvailable, boost] = row as [number, string, string, number, number, boolean, number];
    const allowed = Object.fromEntries(SCENARIOS.map((s, k) => [s, row[7 + k] === true])) as Record<ScenarioName, boolean>;
    out.set(showId, { showId, title, category, availableEpisodes, newEpisodes, avodAvailable, boost, allowed });
  }
  return out;
}
