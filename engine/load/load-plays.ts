import { availableParallelism } from 'node:os';
import { sourceFooters, sourceRows } from '../../io/input/footer-stats.js';
import { DuckDBSession } from '../../io/input/duckdb-session.js';
import type { TableSource } from '../../io/input/table-files.js';
import { COUNT_FUTURE, COUNT_READ, COUNT_SHORT, COUNT_TOMBSTONED, COUNT_UNKNOWN_CONTENT, COUNT_UNKNOWN_PROFILE, LATEST_DAY } from '../../kernels/cached-plays.js';
import { firstLine, nullError, probeNulls } from '../../io/input/read-table.js';
import { rawTimestampLiteral } from '../../io/input/raw-timestamp.js';
import { InputError } from '../errors.js';
import { sharedInt32, sharedUint16 } from '../model/shared-arrays.js';
import type { ShardRunner } from '../pool/shard-runner.js';
import type { CachedPiecesReport, CachedPiecesTask } from './cached-plays.js';
import type { PlaysRangeReport, PlaysRangeTask, PlaysStaging } from './ingest-plays.js';
import { count, table } from './load-context.js';
import type { LoadContext } from './load-context.js';
import type { LoadedCatalog } from './load-catalog.js';
import type { ProfileKeys } from './load-people.js';
import { planPlaysCache } from './plays-cache.js';
import type { PlaysCachePlan } from './plays-cache.js';
import { planRanges } from './plays-ranges.js';
import type { TableRange } from './plays-ranges.js';
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

/** The plays' work for the workers, planned; `finish` groups their counted plays by profile once every item is read. */
export interface PlaysPlan {
  /**
   * Ranges for the workers, in file order, and pieces of the plays cache to read instead of
   * decoding their files. With the cache, the plan waits for the plays' hashes and settles later.
   */
  tasks: Promise<{ ranges: PlaysRangeTask[]; cached: CachedPiecesTask[] }>;
  /** `reports` holds the report of every range in `ranges` order, `cachedReports` of every piece in `cached` order. */
  finish(reports: PlaysRangeReport[], cachedReports: CachedPiecesReport[], runner: ShardRunner): Promise<LoadedPlays>;
}

/**
 * SPEC §3: reads plays of the history window, keeps the counted ones (known profile, known
 * content, watch_seconds ≥ min_play_seconds, before D) and groups them by profile.
 *
 * The plays are cut into slices of whole files or row groups decoded on the worker threads, each
 * with its own DuckDB (ingest-plays.ts): ids become dense indexes there, chunk by chunk, so the
 * raw id columns are never held whole. Each slice writes its plays into staging blocks by
 * profile bucket; `finish` then groups each bucket by profile on the workers (profile-buckets.ts).
 * With the plays cache (plays-cache.ts), the files it holds unchanged are read from it instead
 * (cached-plays.ts) into the same staging, and the decoded slices keep their rows for it.
 */
export async function planPlays(ctx: LoadContext, people: ProfileKeys, catalog: LoadedCatalog, removedProfileIds: Float64Array, readers: number, progress?: BigInt64Array): Promise<PlaysPlan> {
  const { source, columns: bound } = table(ctx, 'plays');
  const D = ctx.day;
  const from = D - ctx.config.history_days;
  const ts = bound[2]!;
  // Compare the raw column so DuckDB can skip row groups by their min/max statistics.
  const window = `"ts" >= ${rawTimestampLiteral(ts.sourceType, from)}`;
  await probeNulls(ctx.session, source, bound);
  const tableRows = await sourceRows(ctx.session, source);
  count(ctx, 'plays', 'rows', tableRows);
  const P = people.profileIds.length;
  const duckdbThreads = Math.max(1, Math.floor(availableParallelism() / readers));
  // Ids and seconds stored in at most 32 bits cross as INTEGER: 20 bytes a row instead of 28.
  const narrow = { content: NARROW_TYPES.has(bound[1]!.sourceType), seconds: NARROW_TYPES.has(bound[3]!.sourceType) };
  const select = bound.map((b, i) => ((i === 1 && narrow.content) || (i === 3 && narrow.seconds) ? `CAST("${b.column.name}" AS INTEGER)` : b.sql));

  /** The slices and the staging, once it is known which files the cache holds. */
  const planSlices = async (cache: PlaysCachePlan | null, session: DuckDBSession) => {
    // Slices whose rows go into the cache say which file each row comes from.
    const fileIndex = cache?.writing === true;
    const decoded = cache === null ? source : decodeSource(source, cache.decode);
    const plan = decoded === null ? [] : await planRanges(session, decoded, readers * RANGES_PER_THREAD, fileIndex);
    // Row counts from the footers (and the cache's) size the staging once: no growing, no copying.
    const pieces = cache?.pieces ?? [];
    const rows = plan.reduce((n, r) => n + r.rows, 0) + (cache?.pieceRows ?? 0);
    const buckets = planBuckets(P, readers, rows, plan.length + pieces.length);
    const capacity = buckets.blocks * buckets.blockRows;
    const staging: PlaysStaging = { profile: sharedInt32(capacity), content: sharedInt32(capacity), daysAgo: sharedUint16(capacity), seconds: sharedInt32(capacity) };
    const toTasks = (ranges: TableRange[]): PlaysRangeTask[] =>
      ranges.map((range): PlaysRangeTask => {
        const sink = cache?.sink(range.files, range.rows);
        // The sink needs each row's file: its position in the slice's file list.
        const columns = [...select, ...(sink === undefined ? [] : ['CAST(file_index AS INTEGER)'])].join(', ');
        return {
          sql: `SELECT ${columns} FROM ${range.from} WHERE ${window}${range.where === '' ? '' : ` AND ${range.where}`}`,
          duckdbThreads,
          profileIndex: people.profileIndex,
          contentIndex: catalog.contentIndex,
          removedProfileIds,
          day: D,
          minSeconds: ctx.config.min_play_seconds,
          rows: range.rows,
          staging,
          buckets,
          deletionKeys: range.keys,
          narrow,
          ...(sink === undefined ? {} : { cache: sink }),
        };
      });
    const cached = pieces.map(
      (piece): CachedPiecesTask => ({
        dir: ctx.playsCache!.options.dir,
        pieces: [piece.record],
        segments: [piece.segments],
        profileMap: cache!.profileMap,
        contentMap: cache!.contentMap,
        profileIndex: people.profileIndex,
        contentIndex: catalog.contentIndex,
        removedProfileIds,
        from,
        day: D,
        minSeconds: ctx.config.min_play_seconds,
        staging,
        buckets,
      }),
    );
    return { cache, plan, staging, buckets, ranges: toTasks(plan), cached };
  };
  // With the plays cache the plan waits for the plays' hashes, while this thread goes on loading
  // the accounts on its session: the slices are then planned on a session of their own.
  const made =
    ctx.playsCache === undefined
      ? Promise.resolve(await planSlices(null, ctx.session))
      : planCache(ctx, source, from, people, catalog, removedProfileIds, await cacheReadOnly(ctx, source))
          .then((cache) => DuckDBSession.scoped(1, (session) => planSlices(cache, session)))
          .then((pass) => {
            // The rows of the files the cache holds are not decoded: they count as read at once.
            if (progress !== undefined) Atomics.add(progress, 0, BigInt(Math.max(0, tableRows - pass.plan.reduce((n, r) => n + r.rows, 0))));
            return pass;
          });
  made.catch(() => undefined);

  return {
    tasks: made.then(({ ranges, cached }) => ({ ranges, cached })),
    async finish(workerReports: PlaysRangeReport[], firstCachedReports: CachedPiecesReport[], runner: ShardRunner): Promise<LoadedPlays> {
      let pass = await made;
      let reports = workerReports;
      let cachedReports = firstCachedReports;
      // A file's rows may lie in several pieces, some already in the staging: on damage the plays
      // are read again, the damaged pieces' files from the lake.
      while (pass.cache?.damaged(cachedReports.map((r) => r.damage[0]!)) === true) {
        pass = await planSlices(pass.cache, ctx.session);
        ({ plays: reports, cached: cachedReports } = await readOnWorkers(runner, pass.ranges, pass.cached, (message) => new InputError(source.label, `cannot read: ${firstLine(message)}`)));
      }
      const { cache, plan, staging, buckets } = pass;
      const readerFiles = plan.map((r) => r.files);
      const nullColumn = reports.find((r) => r.nullColumn >= 0)?.nullColumn;
      if (nullColumn !== undefined) throw await nullError(ctx.session, source, bound[nullColumn]!.column.name);
      const bad = reports.find((r) => r.badSeconds >= 0)?.badSeconds;
      if (bad !== undefined) throw new InputError(source.label, `column 'watch_seconds' has value ${bad}, larger than any real play (2^31 − 1 seconds)`);
      const sum = (key: 'read' | 'counted' | 'future' | 'unknownProfile' | 'tombstoned' | 'unknownContent' | 'short'): number => reports.reduce((n, r) => n + r[key], 0);
      const fromCache = (slot: number): number => cachedReports.reduce((n, r) => n + r.counts[slot]!, 0);
      const n = sum('counted') + cachedReports.reduce((k, r) => k + r.counted, 0);
      count(ctx, 'plays', 'read_in_history_window', sum('read') + fromCache(COUNT_READ));
      count(ctx, 'plays', 'counted', n);
      const latest = Math.max(
        reports.reduce((m, r) => Math.max(m, r.latest), Number.NEGATIVE_INFINITY),
        cachedReports.reduce((m, r) => Math.max(m, r.counts[LATEST_DAY]!), Number.NEGATIVE_INFINITY),
      );
      ctx.latestPlayDay = Number.isFinite(latest) ? latest : null;
      const dropped = {
        future: sum('future') + fromCache(COUNT_FUTURE),
        unknown_profile: sum('unknownProfile') + fromCache(COUNT_UNKNOWN_PROFILE),
        tombstoned: sum('tombstoned') + fromCache(COUNT_TOMBSTONED),
        unknown_content: sum('unknownContent') + fromCache(COUNT_UNKNOWN_CONTENT),
        short: sum('short') + fromCache(COUNT_SHORT),
      };
      for (const [reason, k] of Object.entries(dropped)) count(ctx, 'plays_dropped', reason, k);
      if (cache !== null) {
        ctx.playsCache!.report = await cache.commit(
          reports.map((r, i) => ({ files: readerFiles[i]!, report: r.cache })),
          fromCache(COUNT_READ),
        );
      }

      // Buckets list the slices' blocks in slice order, so a profile's plays keep their file order.
      const offsets = sharedInt32(P + 1);
      const { groups } = bucketGroups(
        buckets,
        P,
        [...reports.map((r) => r.written), ...cachedReports.map((r) => r.written)],
        offsets,
      );
      const out = { content: sharedInt32(n), daysAgo: sharedUint16(n), seconds: sharedInt32(n) };
      await Promise.all(groups.map((bucket) => (bucket.segments.length === 0 ? offsets.fill(bucket.base, bucket.lo, bucket.hi) : runner.run({ kind: 'group-plays', staging, bucket, offsets, out }))));
      return { playOffsets: offsets, playContent: out.content, playDaysAgo: out.daysAgo, playSeconds: out.seconds };
    },
  };
}

/** Why the plays cache may be read but not written tonight, or null: a slice numbers its rows' files in a column `file_index`, which a plays column of that name would hide. */
async function cacheReadOnly(ctx: LoadContext, source: TableSource): Promise<string | null> {
  const footers = await sourceFooters(ctx.session, source);
  return [...footers.columns.keys()].some((name) => name.toLowerCase() === 'file_index') ? "the plays have a column named 'file_index'" : null;
}

async function planCache(ctx: LoadContext, source: TableSource, from: number, people: ProfileKeys, catalog: LoadedCatalog, removedProfileIds: Float64Array, readOnly: string | null): Promise<PlaysCachePlan> {
  const { options, step } = ctx.playsCache!;
  // The cache is keyed by each file's SHA-256 (what the manifest records): wait for the hashes.
  const files = await ctx.playsCache!.files;
  const { columns: bound } = table(ctx, 'plays');
  const cache = await planPlaysCache({
    options,
    readOnly,
    source,
    bound,
    from,
    files,
    profileIds: people.profileIds,
    profileIndex: people.profileIndex,
    removedProfileIds,
    contentIds: catalog.contentIds,
    contentIndex: catalog.contentIndex,
  });
  step(describePlan(source.files.length, cache.decode.length, cache.pieceRows));
  return cache;
}

/** The source restricted to `files` (a subset of its files, in source order); null for none. A Delta scan keeps the prepared scan of those files. */
function decodeSource(source: TableSource, files: readonly string[]): TableSource | null {
  if (files.length === 0) return null;
  if (files.length === source.files.length) return source;
  const { delta } = source;
  if (delta === null) return { ...source, files: [...files] };
  const position = new Map(delta.files.map((f, i) => [f, i]));
  const kept = files.map((f) => position.get(f)!);
  return { ...source, files: [...files], delta: { ...delta, files: [...files], liveFiles: kept.map((i) => delta.liveFiles[i]!), fileScans: kept.map((i) => delta.fileScans[i]!) } };
}

/** Reads `ranges` and `pieces` on the workers (a queue of the plays alone). */
async function readOnWorkers(runner: ShardRunner, ranges: PlaysRangeTask[], pieces: CachedPiecesTask[], errorOf: (message: string) => Error): Promise<{ plays: PlaysRangeReport[]; cached: CachedPiecesReport[] }> {
  const queue = { kind: 'ingest' as const, next: sharedInt32(1), plays: ranges, cached: pieces, history: [] };
  const replies = await Promise.all(Array.from({ length: Math.max(1, runner.threads) }, () => runner.run(queue)));
  const plays = new Array<PlaysRangeReport>(ranges.length);
  const cached = new Array<CachedPiecesReport>(pieces.length);
  for (const reply of replies) {
    if (reply.failure !== null) throw errorOf(reply.failure.message);
    for (const { at, report } of reply.plays) plays[at] = report;
    for (const { at, report } of reply.cached) cached[at] = report;
  }
  return { plays, cached };
}

function describePlan(files: number, decode: number, rows: number): string {
  const reused = files - decode;
  return `plays cache: ${reused.toLocaleString('en-US')} of ${files.toLocaleString('en-US')} files reused (${rows.toLocaleString('en-US')} cached rows), ${decode.toLocaleString('en-US')} decoded`;
}
