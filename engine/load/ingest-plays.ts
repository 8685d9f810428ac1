import { DuckDBSession } from '../../io/input/duckdb-session.js';
import { currentTaskSignal } from '../pool/task-abort.js';
import { lookupIds } from '../../kernels/id-index.js';
import type { IdIndex } from '../../kernels/id-index.js';
import { containsSorted } from '../../kernels/sorted-search.js';
import { bucketCursors } from '../../kernels/bucket-offsets.js';
import { PlaysCacheSink } from './plays-cache-sink.js';
import type { PlaysCacheSinkReport, PlaysCacheSinkTask } from './plays-cache-sink.js';
import { DELTA_SLICE_KEYS } from './plays-ranges.js';
import { BucketWriter } from './profile-buckets.js';
import type { BucketGroup, ProfileBuckets } from './profile-buckets.js';

/**
 * Worker side of the plays ingest (SPEC §3). The plays are cut into ranges of whole files or row
 * groups; each range is decoded by its own DuckDB on a worker thread, so every core decodes while
 * the main thread loads the accounts. A range's counted plays land in blocks of shared staging
 * columns by profile bucket (profile-buckets.ts); a second task per bucket groups them into the
 * model's columns by profile (a parallel counting sort).
 */
export interface PlaysRangeTask {
  /** The SELECT of profile_id, content_id, ts (as a day), watch_seconds (and, with `cache`, file_index) for this range. */
  sql: string;
  duckdbThreads: number;
  profileIndex: IdIndex;
  contentIndex: IdIndex;
  /** Ids of tombstoned profiles, ascending: an unknown profile found here is counted as `tombstoned`. */
  removedProfileIds: Float64Array;
  day: number;
  minSeconds: number;
  /** The slice's rows in the footers: what it adds to the load's progress once done. */
  rows: number;
  staging: PlaysStaging;
  buckets: ProfileBuckets;
  /** A Delta slice's deleted rows (the table DELTA_SLICE_KEYS its SQL reads), or null. */
  deletionKeys: BigInt64Array<ArrayBuffer> | null;
  /** Columns the SQL yields as INTEGER instead of DOUBLE (stored in at most 32 bits): fewer bytes per chunk to copy. */
  narrow: { content: boolean; seconds: boolean };
  /** Keep every row read for the plays cache too (plays-cache-sink.ts). */
  cache?: PlaysCacheSinkTask;
}

/** Counted plays before grouping (shared; segments written by different workers). */
export interface PlaysStaging {
  profile: Int32Array;
  content: Int32Array;
  daysAgo: Uint16Array;
  seconds: Int32Array;
}

export interface PlaysRangeReport {
  counted: number;
  read: number;
  /** The latest day (day number) of a play before D in this range, counted or not; -Infinity when none. */
  latest: number;
  future: number;
  unknownProfile: number;
  tombstoned: number;
  unknownContent: number;
  short: number;
  /** A watch_seconds above 2^31 − 1, or -1. */
  badSeconds: number;
  /** Index of a non-nullable column found null in this range, or -1. */
  nullColumn: number;
  /** Per profile bucket: the (start, rows) runs of staging rows this range wrote. */
  written: Int32Array[];
  /** What the range's plays cache sink wrote, or null without one. */
  cache: PlaysCacheSinkReport | null;
}

const CHUNK = 2048;

/** Decodes one range with its own DuckDB, closed when done so no decoder memory outlives the ingest. */
export function ingestPlaysRange(task: PlaysRangeTask, progress?: BigInt64Array): Promise<PlaysRangeReport> {
  return DuckDBSession.scoped(
    task.duckdbThreads,
    async (db) => {
      if (task.deletionKeys !== null) await db.createInt64Table(DELTA_SLICE_KEYS, 'k', task.deletionKeys);
      return ingestWith(db, task, progress);
    },
    currentTaskSignal(),
  );
}

async function ingestWith(db: DuckDBSession, task: PlaysRangeTask, progress?: BigInt64Array): Promise<PlaysRangeReport> {
  const { day: D, minSeconds, staging, removedProfileIds } = task;
  const { profile, content, daysAgo, seconds } = staging;
  const writer = new BucketWriter(task.buckets);
  const pBuf = new Int32Array(CHUNK);
  const cBuf = new Int32Array(CHUNK);
  const r: PlaysRangeReport = { counted: 0, read: 0, latest: Number.NEGATIVE_INFINITY, future: 0, unknownProfile: 0, tombstoned: 0, unknownContent: 0, short: 0, badSeconds: -1, nullColumn: -1, written: [], cache: null };
  const sink = task.cache === undefined ? null : new PlaysCacheSink(task.cache);
  let n = 0;
  const rows = await db.stream(task.sql, (chunk) => {
    if (progress !== undefined) Atomics.add(progress, 0, BigInt(chunk.size));
    if (r.nullColumn >= 0) return;
    for (let c = 0; c < 4; c++) {
      if (chunk.firstNull(c) >= 0) {
        r.nullColumn = c;
        return;
      }
    }
    const size = chunk.size;
    const pid = chunk.f64(0);
    const cid = task.narrow.content ? chunk.i32(1) : chunk.f64(1);
    const day = chunk.i32(2);
    const ws = task.narrow.seconds ? chunk.i32(3) : chunk.f64(3);
    lookupIds(task.profileIndex, pid, pBuf, size);
    lookupIds(task.contentIndex, cid, cBuf, size);
    sink?.append(size, pid, cid, day, ws, chunk.i32(4), pBuf, cBuf);
    for (let i = 0; i < size; i++) {
      const d = day[i]!;
      if (d >= D) {
        r.future++;
        continue;
      }
      if (d > r.latest) r.latest = d;
      const p = pBuf[i]!;
      if (p < 0) {
        if (containsSorted(removedProfileIds, pid[i]!)) r.tombstoned++;
        else r.unknownProfile++;
        continue;
      }
      const c = cBuf[i]!;
      if (c < 0) {
        r.unknownContent++;
        continue;
      }
      const w = ws[i]!;
      if (w < minSeconds) {
        r.short++;
        continue;
      }
      if (w > 2147483647 && r.badSeconds < 0) r.badSeconds = w;
      const k = writer.slot(p);
      profile[k] = p;
      content[k] = c;
      daysAgo[k] = D - d;
      seconds[k] = w;
      n++;
    }
  });
  r.counted = n;
  r.read = rows;
  r.written = writer.written();
  if (sink !== null && r.nullColumn < 0) r.cache = await sink.finish();
  // The row groups DuckDB skipped (outside the window) count as read too: the range is done.
  if (progress !== undefined) Atomics.add(progress, 0, BigInt(Math.max(0, task.rows - rows)));
  return r;
}

export interface GroupPlaysTask {
  staging: PlaysStaging;
  bucket: BucketGroup;
  /** The model's play offsets (shared): this task fills those of the bucket's profiles. */
  offsets: Int32Array;
  out: { content: Int32Array; daysAgo: Uint16Array; seconds: Int32Array };
}

/** Groups one bucket's staged plays by profile into the model's columns (buckets own disjoint positions). */
export function groupPlays(task: GroupPlaysTask): void {
  const { staging, bucket, offsets, out } = task;
  const { profile, content, daysAgo, seconds } = staging;
  const { lo, segments } = bucket;
  const cursor = bucketCursors(profile, segments, lo, bucket.hi, bucket.base, offsets);
  for (let s = 0; s < segments.length; s += 2) {
    const end = segments[s]! + segments[s + 1]!;
    for (let i = segments[s]!; i < end; i++) {
      const k = cursor[profile[i]! - lo]!++;
      out.content[k] = content[i]!;
      out.daysAgo[k] = daysAgo[i]!;
      out.seconds[k] = seconds[i]!;
    }
  }
}
