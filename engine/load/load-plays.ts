import { availableParallelism } from 'node:os';
import { firstLine, nullError, probeNulls } from '../../io/input/read-table.js';
import { rawTimestampLiteral } from '../../io/input/raw-timestamp.js';
import { InputError } from '../errors.js';
import { sharedInt32, sharedUint16 } from '../model/shared-arrays.js';
import type { ShardRunner } from '../pool/shard-runner.js';
import { segmentOffsets } from '../../kernels/segment-offsets.js';
import { ingestWith } from './ingest-plays.js';
import type { PlaysRangeReport, PlaysRangeTask, PlaysStaging } from './ingest-plays.js';
import { count, table } from './load-context.js';
import type { LoadContext } from './load-context.js';
import type { LoadedCatalog } from './load-catalog.js';
import type { ProfileKeys } from './load-people.js';
import { planRanges } from './plays-ranges.js';

export interface LoadedPlays {
  playOffsets: Int32Array;
  playContent: Int32Array;
  playDaysAgo: Uint16Array;
  playSeconds: Int32Array;
}

/** Slices per reader thread: enough for the threads to finish together. */
const RANGES_PER_THREAD = 3;

/** The plays' ranges, planned; `finish` groups their counted plays by profile once every range is read. */
export interface PlaysPlan {
  /** Ranges for the workers, in file order (none for a Delta table: decoded by this thread's session). */
  ranges: PlaysRangeTask[];
  /** `reports` holds the report of every range in `ranges` order. */
  finish(reports: PlaysRangeReport[], runner: ShardRunner): Promise<LoadedPlays>;
}

/**
 * SPEC §3: reads plays of the history window, keeps the counted ones (known profile, known
 * content, watch_seconds ≥ min_play_seconds, before D) and groups them by profile.
 *
 * The plays are cut into slices of whole row groups decoded on the worker threads, each with its
 * own DuckDB (ingest-plays.ts): ids become dense indexes there, chunk by chunk, so the raw id
 * columns are never held whole. `finish` then scatters each slice's plays into profile order on
 * the workers (a counting sort: per-slice counts → offsets → disjoint cursors).
 */
export async function planPlays(ctx: LoadContext, people: ProfileKeys, catalog: LoadedCatalog, removedProfileIds: Float64Array, readers: number, progress?: BigInt64Array): Promise<PlaysPlan> {
  const { source, columns: bound } = table(ctx, 'plays');
  const D = ctx.day;
  const from = D - ctx.config.history_days;
  const ts = bound[2]!;
  // Compare the raw column so DuckDB can skip row groups by their min/max statistics.
  const window = `"ts" >= ${rawTimestampLiteral(ts.sourceType, from)}`;
  await probeNulls(ctx.session, source, bound);
  const plan = await planRanges(ctx.session, source, readers * RANGES_PER_THREAD);
  // Row counts from the footers size every array once: no growing, no copying.
  const capacity = plan.ranges.reduce((n, r) => n + r.rows, 0);
  count(ctx, 'plays', 'rows', capacity);
  const staging: PlaysStaging = { profile: sharedInt32(capacity), content: sharedInt32(capacity), daysAgo: sharedUint16(capacity), seconds: sharedInt32(capacity) };
  const P = people.profileIds.length;
  const select = bound.map((b) => b.sql).join(', ');
  const duckdbThreads = Math.max(1, Math.floor(availableParallelism() / readers));
  let start = 0;
  const ranges = plan.ranges.map((range): PlaysRangeTask => {
    const task: PlaysRangeTask = {
      sql: `SELECT ${select} FROM ${plan.from} WHERE ${window}${range.where === '' ? '' : ` AND ${range.where}`}`,
      duckdbThreads,
      profileIndex: people.profileIndex,
      contentIndex: catalog.contentIndex,
      removedProfileIds,
      profileCount: P,
      day: D,
      minSeconds: ctx.config.min_play_seconds,
      staging,
      start,
      capacity: range.rows,
    };
    start += range.rows;
    return task;
  });
  let inline: PlaysRangeReport | null = null;
  if (source.delta !== null) {
    // A Delta table's SQL reads the deletion vectors this session holds: decoded here, in one slice.
    try {
      inline = await ingestWith(ctx.session, ranges[0]!, progress);
    } catch (err) {
      throw new InputError(source.label, `cannot read: ${firstLine(err)}`);
    }
  }

  return {
    ranges: inline === null ? ranges : [],
    async finish(workerReports: PlaysRangeReport[], runner: ShardRunner): Promise<LoadedPlays> {
      const reports = inline === null ? workerReports : [inline];
      const nullColumn = reports.find((r) => r.nullColumn >= 0)?.nullColumn;
      if (nullColumn !== undefined) throw await nullError(ctx.session, source, bound[nullColumn]!.column.name);
      const bad = reports.find((r) => r.badSeconds >= 0)?.badSeconds;
      if (bad !== undefined) throw new InputError(source.label, `column 'watch_seconds' has value ${bad}, larger than any real play (2^31 − 1 seconds)`);
      const sum = (key: 'read' | 'counted' | 'future' | 'unknownProfile' | 'tombstoned' | 'unknownContent' | 'short'): number => reports.reduce((n, r) => n + r[key], 0);
      const n = sum('counted');
      count(ctx, 'plays', 'read_in_history_window', sum('read'));
      count(ctx, 'plays', 'counted', n);
      const latest = reports.reduce((m, r) => Math.max(m, r.latest), Number.NEGATIVE_INFINITY);
      ctx.latestPlayDay = Number.isFinite(latest) ? latest : null;
      const dropped = { future: sum('future'), unknown_profile: sum('unknownProfile'), tombstoned: sum('tombstoned'), unknown_content: sum('unknownContent'), short: sum('short') };
      for (const [reason, k] of Object.entries(dropped)) count(ctx, 'plays_dropped', reason, k);

      // Each slice's counts become its cursors, in slice order, so a profile's plays keep their file order.
      const offsets = sharedInt32(P + 1);
      segmentOffsets(
        reports.map((r) => r.perProfile),
        P,
        offsets,
      );
      const out = { content: sharedInt32(n), daysAgo: sharedUint16(n), seconds: sharedInt32(n) };
      await Promise.all(reports.map((r, k) => runner.run({ kind: 'scatter-plays', staging, start: ranges[k]!.start, counted: r.counted, cursor: r.perProfile, out })));
      return { playOffsets: offsets, playContent: out.content, playDaysAgo: out.daysAgo, playSeconds: out.seconds };
    },
  };
}
