import { DuckDBSession } from '../../io/input/duckdb-session.js';
import { currentTaskSignal } from '../pool/task-abort.js';
import { lookupIds } from '../../kernels/id-index.js';
import type { IdIndex } from '../../kernels/id-index.js';
import { containsSorted } from '../../kernels/sorted-search.js';

/**
 * Worker side of the plays ingest (SPEC §3). The plays are cut into ranges of whole row groups;
 * each range is decoded by its own DuckDB on a worker thread, so every core decodes while the
 * main thread loads the send history. A range's counted plays land in its own segment of shared
 * staging columns, with a per-profile count; a second task per segment scatters them into the
 * model's columns grouped by profile (a parallel counting sort).
 */
export interface PlaysRangeTask {
  /** The SELECT of profile_id, content_id, ts (as a day), watch_seconds for this range. */
  sql: string;
  duckdbThreads: number;
  profileIndex: IdIndex;
  contentIndex: IdIndex;
  /** Ids of tombstoned profiles, ascending: an unknown profile found here is counted as `tombstoned`. */
  removedProfileIds: Float64Array;
  profileCount: number;
  day: number;
  minSeconds: number;
  staging: PlaysStaging;
  /** This range's segment of the staging columns: [start, start + capacity). */
  start: number;
  capacity: number;
}

/** Counted plays before grouping (shared; segments written by different workers). */
export interface PlaysStaging {
  profile: Int32Array;
  content: Int32Array;
  daysAgo: Uint16Array;
  seconds: Int32Array;
}

export interface PlaysRangeReport {
  /** Counted plays written at [start, start + counted). */
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
  /** Counted plays per profile in this range (shared, becomes the scatter cursor). */
  perProfile: Int32Array;
}

const CHUNK = 2048;

/** Decodes one range with its own DuckDB, closed when done so no decoder memory outlives the ingest. */
export function ingestPlaysRange(task: PlaysRangeTask, progress?: BigInt64Array): Promise<PlaysRangeReport> {
  return DuckDBSession.scoped(task.duckdbThreads, (db) => ingestWith(db, task, progress), currentTaskSignal());
}

/** The ingest of one range through a given session (a Delta table's, which holds its deletion vectors). */
export async function ingestWith(db: DuckDBSession, task: PlaysRangeTask, progress?: BigInt64Array): Promise<PlaysRangeReport> {
  const { day: D, minSeconds, staging, start, removedProfileIds } = task;
  const { profile, content, daysAgo, seconds } = staging;
  const perProfile = new Int32Array(new SharedArrayBuffer(Math.max(1, task.profileCount) * 4));
  const pBuf = new Int32Array(CHUNK);
  const cBuf = new Int32Array(CHUNK);
  const end = start + task.capacity;
  const r: PlaysRangeReport = { counted: 0, read: 0, latest: Number.NEGATIVE_INFINITY, future: 0, unknownProfile: 0, tombstoned: 0, unknownContent: 0, short: 0, badSeconds: -1, nullColumn: -1, perProfile };
  let n = start;
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
    const cid = chunk.f64(1);
    const day = chunk.i32(2);
    const ws = chunk.f64(3);
    lookupIds(task.profileIndex, pid, pBuf, size);
    lookupIds(task.contentIndex, cid, cBuf, size);
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
      if (n >= end) throw new Error(`plays range holds more rows than its row groups promise (${task.capacity})`);
      profile[n] = p;
      content[n] = c;
      daysAgo[n] = D - d;
      seconds[n] = w;
      perProfile[p]!++;
      n++;
    }
  });
  r.counted = n - start;
  r.read = rows;
  // The row groups DuckDB skipped (outside the window) count as read too: the range is done.
  if (progress !== undefined) Atomics.add(progress, 0, BigInt(Math.max(0, task.capacity - rows)));
  return r;
}

export interface ScatterPlaysTask {
  staging: PlaysStaging;
  start: number;
  counted: number;
  /** Where this segment's next play of profile p goes; advanced as rows are placed. */
  cursor: Int32Array;
  out: { content: Int32Array; daysAgo: Uint16Array; seconds: Int32Array };
}

/** Places a segment's counted plays at their grouped positions (segments own disjoint positions). */
export function scatterPlays(task: ScatterPlaysTask): void {
  const { staging, cursor, out } = task;
  const { profile, content, daysAgo, seconds } = staging;
  const end = task.start + task.counted;
  for (let i = task.start; i < end; i++) {
    const k = cursor[profile[i]!]!++;
    out.content[k] = content[i]!;
    out.daysAgo[k] = daysAgo[i]!;
    out.seconds[k] = seconds[i]!;
  }
}
