import { existsSync } from 'node:fs';
import { LocalDataset } from '../../../io/input/dataset.js';
import { join, resolve } from 'node:path';
import { formatDay, parseDay } from '../../../engine/dates.js';
import { CampaignError } from '../../../engine/errors.js';
import { findPublishedRuns, readRun } from '../../../engine/run-dir/published-runs.js';
import type { PublishedRun } from '../../../engine/run-dir/published-runs.js';
import { runDirOf } from '../../../engine/run-dir/run-layout.js';
import { ReportSession } from '../../../engine/report/report-session.js';
import { sqlString } from '../../../io/input/duckdb-session.js';
import type { ParquetField } from '../../../io/parquet/parquet-column.js';
import { writeParquet } from '../../../io/parquet/encode/write-parquet.js';
import { Rng } from '../generate/prng.js';
import { STREAM } from '../generate/streams.js';

const MS_PER_DAY = 86_400_000;
const TWO_32 = 4_294_967_296;
/** Per arm account, chance of a hard negative: a short play, or a play just after the window, of the recommended show. */
const SHORT_PLAY_CHANCE = 0.03;
const LATE_PLAY_CHANCE = 0.03;

export interface SimulateOutcomesOptions {
  /** Dataset directory; its plays must be a flat directory `plays/` (e.g. `generate --plays-files 2`). */
  dataDir: string;
  /** Output root holding the published run `<outDir>/<date>/`. */
  outDir: string;
  /** Campaign date D of the run whose outcomes are simulated. */
  date: string;
  /** True relative uplift: send accounts convert with probability baseRate × (1 + uplift). */
  uplift: number;
  /** Conversion probability of holdout accounts. Default 0.1. */
  baseRate?: number;
  /** Conversion plays fall in [D, D + windowDays). Default 7. */
  windowDays?: number;
  /** Default 1; the same seed, run and dataset give a byte-identical file. */
  seed?: number;
  /** Share of arm accounts that also play other shows after D (noise the report must ignore). Default 0.5. */
  noiseRate?: number;
}

/** One arm of the simulation. `expected_rate` = max(target, what the data already gives). */
export interface SimulatedArm {
  accounts: number;
  target_rate: number;
  /** Accounts that already convert in the data (earlier plays after D, earlier simulations). */
  already_converted: number;
  /** Accounts none of whose profiles remain in the dataset: they cannot convert. */
  unreachable: number;
  /** Probability with which every other account was made to convert. */
  top_up_probability: number;
  simulated_conversions: number;
  expected_rate: number;
}

export interface SimulateOutcomesSummary {
  file: string;
  date: string;
  run_id: string;
  window: { from: string; to: string };
  rows: number;
  conversion_plays: number;
  noise_plays: number;
  send: SimulatedArm;
  holdout: SimulatedArm;
  /** Set when an arm's data already converts above its target, so the true uplift is not the configured one. */
  warning: string | null;
}

interface ArmRow {
  accountId: number;
  treated: boolean;
  converted: boolean;
  showId: number;
  /** Day from which its conversion plays may fall: after the window of an earlier run that recommended it the same show. */
  notBefore: number;
  /** Range of the account's remaining profiles in `profileIds`. */
  profileStart: number;
  profileEnd: number;
  /** Range in `earlierShows` of the shows overlapping earlier runs recommended the account. */
  earlierStart: number;
  earlierEnd: number;
}

/**
 * Simulates what happened after the campaign of date D, as plays written to
 * `plays/outcomes-<D>.parquet` (atomically, deterministic for the seed): each `holdout` account of
 * the run converts with probability `baseRate`, each `send` account with `baseRate × (1 + uplift)`,
 * a conversion being 1–3 plays by one of the account's profiles of episodes of the recommended
 * show, well above the run's `min_play_seconds`, at times uniform in [D, D + windowDays).
 *
 * Conversions the data already holds count towards those rates: accounts that already convert
 * (the generator's plays on D, or an earlier simulated date's plays) get nothing more, and the rest
 * of their arm is topped up with the probability that makes the arm's expected rate the target.
 * The true relative lift is then exactly `uplift` unless an arm already converts above its target
 * (`warning` says so). When an earlier run D' (simulate dates in order) recommended the same show
 * to the account, as consecutive runs without delivery's dedup mostly do, its conversion plays
 * fall in [D' + windowDays, D + windowDays) instead, so they do not convert D' a second time and
 * every date keeps its own uplift. Also written: noise the report must filter out — plays of other
 * shows (none an overlapping earlier run recommended the account) in [D, D + windowDays + 1), short
 * plays of the recommended show, plays of it just after the window, one exactly at
 * D + windowDays 00:00 — so the data reaches past the window. Simulating D thus never changes what
 * the report counts for an earlier date.
 */
export async function simulateOutcomes(options: SimulateOutcomesOptions): Promise<SimulateOutcomesSummary> {
  const baseRate = options.baseRate ?? 0.1;
  const windowDays = options.windowDays ?? 7;
  const seed = options.seed ?? 1;
  const noiseRate = options.noiseRate ?? 0.5;
  const { uplift, date } = options;
  const day = parseDay(date, 'date');
  check(Number.isFinite(uplift) && uplift >= -1, `uplift must be a number ≥ −1, got ${uplift}`);
  check(Number.isFinite(baseRate) && baseRate > 0 && baseRate <= 1, `base rate must be in (0, 1], got ${baseRate}`);
  check(baseRate * (1 + uplift) <= 1, `base rate × (1 + uplift) = ${baseRate * (1 + uplift)} is not a probability; lower one of them`);
  check(Number.isInteger(windowDays) && windowDays >= 1 && windowDays <= 365, `window days must be a whole number from 1 to 365, got ${windowDays}`);
  check(Number.isSafeInteger(seed) && seed >= 0, `seed must be a non-negative integer, got ${seed}`);
  check(Number.isFinite(noiseRate) && noiseRate >= 0 && noiseRate <= 1, `noise rate must be in [0, 1], got ${noiseRate}`);

  const runDir = runDirOf(resolve(options.outDir), date);
  if (!existsSync(runDir)) throw new CampaignError('OUTCOMES', `no published run for ${date} under ${resolve(options.outDir)}; run 'campaign run --date ${date}' first`);
  const run = readRun(resolve(options.outDir), date);
  const minPlay = run.minPlaySeconds;

  const session = await ReportSession.open(new LocalDataset(options.dataDir));
  let arms: ArmRow[];
  let profileIds: Float64Array;
  let earlierShows: Float64Array;
  let episodes: Episodes;
  let file: string;
  let tsAsEpochMs: boolean;
  try {
    const { source, tsType } = session.plays;
    if (source.label !== 'plays/') {
      throw new CampaignError('OUTCOMES', `${resolve(options.dataDir)}: plays is the single file plays.parquet; outcomes are added as another file of a plays/ directory (generate with --plays-files 2 or more, or move plays.parquet to plays/part-00000.parquet)`);
    }
    if (source.hive) throw new CampaignError('OUTCOMES', `${resolve(options.dataDir, 'plays')}: Hive-partitioned plays are not supported; outcomes are added as a file of a flat plays/ directory`);
    file = join(resolve(options.dataDir), 'plays', `outcomes-${date}.parquet`);
    if (existsSync(file)) throw new CampaignError('OUTPUT_EXISTS', `${file} already exists: outcomes of ${date} were simulated already (delete it to simulate again)`);
    tsAsEpochMs = tsType === 'BIGINT';
    await session.loadSelections([run]);
    await session.markConversions(windowDays);
    // Earlier runs whose conversion windows reach into this one's.
    const earlier = findPublishedRuns(resolve(options.outDir), Array.from({ length: windowDays - 1 }, (_, k) => formatDay(day - windowDays + 1 + k))).runs;
    ({ arms, profileIds, earlierShows } = await readArms(session, day, windowDays, earlier));
    episodes = await readEpisodes(session, day);
  } finally {
    await session.close();
  }

  const summaryOf = (treated: boolean): SimulatedArm => {
    const mine = arms.filter((a) => a.treated === treated);
    const converted = mine.filter((a) => a.converted).length;
    const unreachable = mine.filter((a) => !a.converted && a.profileEnd === a.profileStart).length;
    const target = treated ? baseRate * (1 + uplift) : baseRate;
    const open = mine.length - converted - unreachable;
    const q = open === 0 ? 0 : Math.min(1, Math.max(0, (target * mine.length - converted) / open));
    return { accounts: mine.length, target_rate: target, already_converted: converted, unreachable, top_up_probability: q, simulated_conversions: 0, expected_rate: mine.length === 0 ? 0 : (converted + q * open) / mine.length };
  };
  const send = summaryOf(true);
  const holdout = summaryOf(false);

  const out = new PlayColumns();
  const start = day * MS_PER_DAY;
  const windowMs = windowDays * MS_PER_DAY;
  let conversionPlays = 0;
  for (const [i, a] of arms.entries()) {
    const profiles = a.profileEnd - a.profileStart;
    if (profiles === 0) continue;
    const rng = new Rng(seed, STREAM.outcomes, day, a.accountId % TWO_32, Math.floor(a.accountId / TWO_32));
    const profile = (): number => profileIds[a.profileStart + rng.int(profiles)]!;
    const arm = a.treated ? send : holdout;
    if (!a.converted && rng.chance(arm.top_up_probability)) {
      arm.simulated_conversions++;
      const profileId = profile();
      for (let k = 1 + rng.int(3); k > 0; k--) {
        const from = a.notBefore * MS_PER_DAY;
        out.push(profileId, episodes.pick(rng, a.showId), from + rng.int(start + windowMs - from), minPlay + 300 + rng.int(2400));
        conversionPlays++;
      }
    }
    if (rng.chance(noiseRate)) {
      const avoid = [a.showId, ...earlierShows.subarray(a.earlierStart, a.earlierEnd)];
      for (let k = 1 + rng.int(3); k > 0; k--) out.push(profile(), episodes.other(rng, avoid), start + rng.int(windowMs + MS_PER_DAY), 1 + rng.int(3000));
    }
    if (rng.chance(SHORT_PLAY_CHANCE)) out.push(profile(), episodes.pick(rng, a.showId), start + rng.int(windowMs), rng.int(minPlay));
    if (rng.chance(LATE_PLAY_CHANCE)) out.push(profile(), episodes.pick(rng, a.showId), start + windowMs + rng.int(MS_PER_DAY), minPlay + 300 + rng.int(2400));
    // The first account also plays its show exactly when the window closes: not a conversion, and
    // the data now visibly reaches past the window.
    if (i === 0) out.push(profile(), episodes.pick(rng, a.showId), start + windowMs, minPlay + 600);
  }

  const fields: ParquetField[] = [
    { name: 'profile_id', type: 'int64', nullable: false },
    { name: 'content_id', type: 'int64', nullable: false },
    // Matches the other plays files: DuckDB cannot unify INT64 epoch milliseconds with TIMESTAMP.
    { name: 'ts', type: tsAsEpochMs ? 'int64' : 'timestamp_ms', nullable: false },
    { name: 'watch_seconds', type: 'int32', nullable: false },
  ];
  const cols = out.finish();
  // writeParquet writes `<file>.tmp-…` (not a .parquet name, so no reader takes it) and renames.
  await writeParquet(file, fields, [{ values: cols.profileId }, { values: cols.contentId }, { values: cols.ts }, { values: cols.watchSeconds }], cols.rows);

  const warnings = [send, holdout]
    .map((arm, k) => (arm.expected_rate > arm.target_rate + 1e-12 ? `${k === 0 ? 'send' : 'holdout'} accounts already convert at ${(arm.expected_rate * 100).toFixed(2)}%, above the target ${(arm.target_rate * 100).toFixed(2)}%` : null))
    .filter((w) => w !== null);
  return {
    file,
    date,
    run_id: run.runId,
    window: { from: date, to: formatDay(day + windowDays) },
    rows: cols.rows,
    conversion_plays: conversionPlays,
    noise_plays: cols.rows - conversionPlays,
    send,
    holdout,
    warning: warnings.length === 0 ? null : `${warnings.join('; ')}: the true uplift is not the configured one`,
  };
}

function check(ok: boolean, message: string): void {
  if (!ok) throw new CampaignError('BAD_ARGUMENT', message);
}

/**
 * The run's arm rows (sorted by account) with their accounts' remaining profiles, and for each the
 * first day its conversion plays may fall on: D, or the end of the latest overlapping earlier
 * window (an `earlier` run's, with the same window length) that recommended the account the same show.
 */
async function readArms(
  session: ReportSession,
  day: number,
  windowDays: number,
  earlier: readonly PublishedRun[],
): Promise<{ arms: ArmRow[]; profileIds: Float64Array; earlierShows: Float64Array }> {
  const earlierSql =
    earlier.length === 0
      ? 'SELECT CAST(NULL AS DOUBLE) AS account_id, CAST(NULL AS DOUBLE) AS show_id, CAST(NULL AS INTEGER) AS day WHERE false'
      : earlier
          .map((r) => `SELECT CAST(account_id AS DOUBLE) AS account_id, CAST(show_id AS DOUBLE) AS show_id, ${r.day} AS day FROM read_parquet(${sqlString(r.selectionFile)}) WHERE status IN ('send', 'holdout')`)
          .join(' UNION ALL ');
  const arms: ArmRow[] = [];
  await session.session.stream(
    `WITH earlier AS (${earlierSql})
     SELECT s.account_id, (s.status = 'send')::INTEGER, (c.account_id IS NOT NULL)::INTEGER, s.show_id, greatest(${day}, coalesce(max(e.day) + ${windowDays}, ${day}))::INTEGER
     FROM r_rows s LEFT JOIN r_converted c ON c.day = s.day AND c.account_id = s.account_id
     LEFT JOIN earlier e ON e.account_id = s.account_id AND e.show_id = s.show_id
     WHERE s.status IN ('send', 'holdout')
     GROUP BY ALL ORDER BY s.account_id`,
    (chunk) => {
      const account = chunk.f64(0);
      const treated = chunk.i32(1);
      const converted = chunk.i32(2);
      const show = chunk.f64(3);
      const notBefore = chunk.i32(4);
      for (let i = 0; i < chunk.size; i++) {
        arms.push({ accountId: account[i]!, treated: treated[i] === 1, converted: converted[i] === 1, showId: show[i]!, notBefore: notBefore[i]!, profileStart: 0, profileEnd: 0, earlierStart: 0, earlierEnd: 0 });
      }
    },
  );
  const accounts: number[] = [];
  const profiles: number[] = [];
  await session.session.stream(
    `SELECT p.account_id, p.profile_id FROM r_profiles p
     WHERE p.account_id IN (SELECT account_id FROM r_rows WHERE status IN ('send', 'holdout')) ORDER BY p.account_id, p.profile_id`,
    (chunk) => {
      const a = chunk.f64(0);
      const p = chunk.f64(1);
      for (let i = 0; i < chunk.size; i++) {
        accounts.push(a[i]!);
        profiles.push(p[i]!);
      }
    },
  );
  const earlierAccounts: number[] = [];
  const earlierShows: number[] = [];
  await session.session.stream(
    `WITH earlier AS (${earlierSql})
     SELECT DISTINCT account_id, show_id FROM earlier
     WHERE account_id IN (SELECT account_id FROM r_rows WHERE status IN ('send', 'holdout')) ORDER BY account_id, show_id`,
    (chunk) => {
      const a = chunk.f64(0);
      const s = chunk.f64(1);
      for (let i = 0; i < chunk.size; i++) {
        earlierAccounts.push(a[i]!);
        earlierShows.push(s[i]!);
      }
    },
  );
  // Every list is sorted by account: merge walks give each arm row its ranges.
  let j = 0;
  let e = 0;
  for (const arm of arms) {
    while (j < accounts.length && accounts[j]! < arm.accountId) j++;
    arm.profileStart = j;
    while (j < accounts.length && accounts[j] === arm.accountId) j++;
    arm.profileEnd = j;
    while (e < earlierAccounts.length && earlierAccounts[e]! < arm.accountId) e++;
    arm.earlierStart = e;
    while (e < earlierAccounts.length && earlierAccounts[e] === arm.accountId) e++;
    arm.earlierEnd = e;
  }
  return { arms, profileIds: Float64Array.from(profiles), earlierShows: Float64Array.from(earlierShows) };
}

/** The catalog's episodes grouped by show, for drawing a show's episode or another show's. */
class Episodes {
  constructor(
    private readonly contentIds: Float64Array,
    private readonly contentShow: Map<number, number>,
    /** show_id → [first, end) in `contentIds` of its episodes released by D (all of them when none is). */
    private readonly ranges: Map<number, [number, number]>,
  ) {}

  pick(rng: Rng, showId: number): number {
    const range = this.ranges.get(showId);
    if (range === undefined) throw new CampaignError('OUTCOMES', `show ${showId} of the selection is not in the catalog`);
    return this.contentIds[range[0] + rng.int(range[1] - range[0])]!;
  }

  /** An episode of a show not in `avoid` (of one in it only when the catalog has hardly any other show). */
  other(rng: Rng, avoid: readonly number[]): number {
    let content = 0;
    for (let attempt = 0; attempt < 8; attempt++) {
      content = this.contentIds[rng.int(this.contentIds.length)]!;
      if (!avoid.includes(this.contentShow.get(content)!)) return content;
    }
    return content;
  }
}

async function readEpisodes(session: ReportSession, day: number): Promise<Episodes> {
  const content: number[] = [];
  const contentShow = new Map<number, number>();
  const ranges = new Map<number, [number, number]>();
  let range: [number, number] = [0, 0];
  let firstReleased = false;
  // Released episodes first within each show: when a show has any, they are a prefix of its rows.
  await session.session.stream(
    `SELECT show_id, content_id, (release_date <= ${day})::INTEGER AS released FROM r_content ORDER BY show_id, released DESC, content_id`,
    (chunk) => {
      const show = chunk.f64(0);
      const id = chunk.f64(1);
      const released = chunk.i32(2);
      for (let i = 0; i < chunk.size; i++) {
        const s = show[i]!;
        const k = content.length;
        content.push(id[i]!);
        contentShow.set(id[i]!, s);
        if (!ranges.has(s)) {
          range = [k, k + 1];
          ranges.set(s, range);
          firstReleased = released[i] === 1;
        } else if (released[i] === 1 || !firstReleased) range[1] = k + 1;
      }
    },
  );
  return new Episodes(Float64Array.from(content), contentShow, ranges);
}

/** Growable play columns. */
class PlayColumns {
  private profileId: number[] = [];
  private contentId: number[] = [];
  private ts: number[] = [];
  private watch: number[] = [];

  push(profileId: number, contentId: number, ts: number, watchSeconds: number): void {
    this.profileId.push(profileId);
    this.contentId.push(contentId);
    this.ts.push(ts);
    this.watch.push(watchSeconds);
  }

  finish(): { rows: number; profileId: Float64Array; contentId: Float64Array; ts: Float64Array; watchSeconds: Int32Array } {
    return {
      rows: this.profileId.length,
      profileId: Float64Array.from(this.profileId),
      contentId: Float64Array.from(this.contentId),
      ts: Float64Array.from(this.ts),
      watchSeconds: Int32Array.from(this.watch),
    };
  }
}
