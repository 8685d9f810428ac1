import { availableParallelism } from 'node:os';
import { nullError, probeNulls } from '../../io/input/read-table.js';
import { rawTimestampLiteral } from '../../io/input/raw-timestamp.js';
import { InputError } from '../errors.js';
import { sharedInt32, sharedUint16 } from '../model/shared-arrays.js';
import type { ShardRunner } from '../pool/shard-runner.js';
import type { PlaysRangeReport, PlaysRangeTask, PlaysStaging } from './ingest-plays.js';
import { count, table } from './load-context.js';
import type { LoadContext } from './load-context.js';
import type { LoadedCatalog } from './load-catalog.js';
import type { ProfileKeys } from './load-people.js';
import { planRanges } from './plays-ranges.js';
import { bucketGroups, planBuckets } from './profile-buckets.js';

export interface LoadedPlays {
  playOffsets: Int32Array;
  playContent: Int32Array;
  playDaysAgo: Uint16Array;
  playSeconds: Int32Array;
}

/** Integer types whose every value fits an INTEGER. */
const NARROW_TYPES = new Set(['TINYINT', 'SMALLINT', 'INTEGER', 'UTINYINT', 'USMALLINT']);

/** Slices per reader thread: enough for the threads to finish together. */
const RANGES_PER_THREAD = 3;

/** The plays' ranges, planned; `finish` groups their counted plays by profile once every range is read. */
export interface PlaysPlan {
  /** Ranges for the workers, in file order. */
  ranges: PlaysRangeTask[];
  /** `reports` holds the report of every range in `ranges` order. */
  finish(reports: PlaysRangeReport[], runner: ShardRunner): Promise<LoadedPlays>;
}

/**
 * SPEC §3: reads plays of the history window, keeps the counted ones (known profile, known
 * content, watch_seconds ≥ min_play_seconds, before D) and groups them by profile.
 *
 * The plays are cut into slices of whole files or row groups decoded on the worker threads, each
 * with its own DuckDB (ingest-plays.ts): ids become dense indexes there, chunk by chunk, so the
 * raw id columns are never held whole. Each slice writes its plays into staging blocks by
 * profile bucket; `finish` then groups each bucket by profile on the workers (profile-buckets.ts).
 */
export async function planPlays(ctx: LoadContext, people: ProfileKeys, catalog: LoadedCatalog, removedProfileIds: Float64Array, readers: number): Promise<PlaysPlan> {
  const { source, columns: bound } = table(ctx, 'plays');
  const D = ctx.day;
  const from = D - ctx.config.history_days;
  const ts = bound[2]!;
  // Compare the raw column so DuckDB can skip row groups by their min/max statistics.
  const window = `"ts" >= ${rawTimestampLiteral(ts.sourceType, from)}`;
  await probeNulls(ctx.session, source, bound);
  const plan = await planRanges(ctx.session, source, readers * RANGES_PER_THREAD);
  const P = people.profileIds.length;
  // Row counts from the footers size the staging once: no growing, no copying.
  const buckets = planBuckets(P, readers, plan.reduce((n, r) => n + r.rows, 0), plan.length);
  const capacity = buckets.blocks * buckets.blockRows;
  const staging: PlaysStaging = { profile: sharedInt32(capacity), content: sharedInt32(capacity), daysAgo: sharedUint16(capacity), seconds: sharedInt32(capacity) };
  // Ids and seconds stored in at most 32 bits cross as INTEGER: 20 bytes a row instead of 28.
  const narrow = { content: NARROW_TYPES.has(bound[1]!.sourceType), seconds: NARROW_TYPES.has(bound[3]!.sourceType) };
  const select = bound.map((b, i) => ((i === 1 && narrow.content) || (i === 3 && narrow.seconds) ? `CAST("${b.column.name}" AS INTEGER)` : b.sql)).join(', ');
  const duckdbThreads = Math.max(1, Math.floor(availableParallelism() / readers));
  const ranges = plan.map(
    (range): PlaysRangeTask => ({
      sql: `SELECT ${select} FROM ${range.from} WHERE ${window}${range.where === '' ? '' : ` AND ${range.where}`}`,
      duckdbThreads,
      profileIndex: people.profileIndex,
      contentIndex: catalog.contentIndex,
      removedProfileIds,
      day: D,
      minSeconds: ctx.config.min_play_seconds,
      staging,
      buckets,
      deletionKeys: range.keys,
      narrow,
    }),
  );

  return {
    ranges,
    async finish(reports: PlaysRangeReport[], runner: ShardRunner): Promise<LoadedPlays> {
      const nullColumn = reports.find((r) => r.nullColumn >= 0)?.nullColumn;
      if (nullColumn !== undefined) throw await nullError(ctx.session, source, bound[nullColumn]!.column.name);
      const bad = reports.find((r) => r.badSeconds >= 0)?.badSeconds;
      if (bad !== undefined) throw new InputError(source.label, `column 'watch_seconds' has value ${bad}, larger than any real play (2^31 − 1 seconds)`);
      const sum = (key: 'read' | 'counted' | 'future' | 'unknownProfile' | 'tombstoned' | 'unknownContent' | 'short'): number => reports.reduce((n, r) => n + r[key], 0);
      const n = sum('counted');
      count(ctx, 'plays', 'read_in_history_window', sum('read'));
      count(ctx, 'plays', 'counted', n);
      const dropped = { future: sum('future'), unknown_profile: sum('unknownProfile'), tombstoned: sum('tombstoned'), unknown_content: sum('unknownContent'), short: sum('short') };
      for (const [reason, k] of Object.entries(dropped)) count(ctx, 'plays_dropped', reason, k);

      // Buckets list the slices' blocks in slice order, so a profile's plays keep their file order.
      const offsets = sharedInt32(P + 1);
      const { groups } = bucketGroups(
        buckets,
        P,
        reports.map((r) => r.written),
        offsets,
      );
      const out = { content: sharedInt32(n), daysAgo: sharedUint16(n), seconds: sharedInt32(n) };
      await Promise.all(groups.map((bucket) => (bucket.segments.length === 0 ? offsets.fill(bucket.base, bucket.lo, bucket.hi) : runner.run({ kind: 'group-plays', staging, bucket, offsets, out }))));
      return { playOffsets: offsets, playContent: out.content, playDaysAgo: out.daysAgo, playSeconds: out.seconds };
    },
  };
}
