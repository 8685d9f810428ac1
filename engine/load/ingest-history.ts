import { DuckDBSession } from '../../io/input/duckdb-session.js';
import { currentTaskSignal } from '../pool/task-abort.js';
import type { Chunk } from '../../io/input/duckdb-session.js';
import { lookupIds } from '../../kernels/id-index.js';
import type { IdIndex } from '../../kernels/id-index.js';
import { containsSorted } from '../../kernels/sorted-search.js';
import { bucketCursors } from '../../kernels/bucket-offsets.js';
import { DELTA_SLICE_KEYS } from './plays-ranges.js';
import { BucketWriter } from './profile-buckets.js';
import type { BucketGroup, ProfileBuckets } from './profile-buckets.js';

/**
 * Worker side of the send history (SPEC §5 "recently sent", §7 frequency cap). The history — the
 * dataset's `sends` table and the ledger's columnar copies — is cut into slices; each slice is
 * decoded by its own DuckDB on a worker thread, like the plays. A slice's rows land in its own
 * segments of shared staging columns: (profile, show) pairs of the dedup window in blocks by
 * profile bucket (grouped later by profile, as the plays are), and the raw rows of the last 7 days
 * for the cap (their accounts are mapped on the main thread, which loads the accounts meanwhile).
 */
export interface HistorySliceTask {
  parts: HistoryPart[];
  duckdbThreads: number;
  keys: HistoryKeys;
  staging: HistoryStaging;
  /** How the pairs are staged for grouping by profile. */
  buckets: ProfileBuckets;
  /** This slice's segment of the cap columns: [capStart, capStart + capCapacity). */
  capStart: number;
  capCapacity: number;
}

/**
 * One query of a slice. Its columns: send day (INTEGER), account_id, profile_id, show_id (DOUBLE),
 * scenario code (INTEGER, a position in the run's scenario dictionary), accepted (BOOLEAN).
 */
export interface HistoryPart {
  sql: string;
  /** A Delta slice's deleted rows (the table DELTA_SLICE_KEYS its SQL reads), or null. */
  deletionKeys: BigInt64Array<ArrayBuffer> | null;
  /**
   * A ledger date read with its rows of every status, checked against the tombstones: a hit marks
   * the date for the purge (SPEC §4.3), which then rewrites only the dates that hold one.
   */
  purgeCheck: boolean;
}

/** What a history row is checked and mapped against (all shared, read by every slice). */
export interface HistoryKeys {
  profileIndex: IdIndex;
  showIndex: IdIndex;
  /** Ids of removed profiles (their own tombstone or their account's), ascending. */
  removedProfileIds: Float64Array;
  /** The tombstones table's account and profile ids; null when it has none. */
  tombstonedAccounts: IdIndex | null;
  tombstonedProfiles: IdIndex | null;
  profileCount: number;
  /** Campaign date D, and the first days of the dedup window and of the frequency cap. */
  day: number;
  dedupFrom: number;
  capFrom: number;
}

/** History rows before grouping (shared; segments written by different slices). */
export interface HistoryStaging {
  pairProfile: Int32Array;
  pairShow: Int32Array;
  capAccountId: Float64Array;
  capDay: Int32Array;
  capProfileId: Float64Array;
  capShowId: Float64Array;
  capScenario: Int32Array;
}

export interface HistorySliceReport {
  /** Pairs written (see `written`), cap rows written at [capStart, capStart + capRows). */
  pairs: number;
  capRows: number;
  /** Rows read (every status), accepted rows removed by a tombstone. */
  read: number;
  tombstoned: number;
  /** Per part: 1 when a row (any status) names a tombstoned account or profile. */
  purgeHits: Uint8Array;
  /** Part and column of a null found in a non-nullable column, or -1. */
  nullPart: number;
  nullColumn: number;
  /** Per profile bucket: the (start, rows) runs of pair staging rows this slice wrote. */
  written: Int32Array[];
}

export const HISTORY_CHUNK = 2048;

/** The columns of a run of history rows, whatever their source. */
export interface HistoryColumns {
  day: Int32Array;
  accountId: Float64Array;
  profileId: Float64Array;
  showId: Float64Array;
  scenario: Int32Array;
  /** 1 for an accepted send; null when every row is one. */
  accepted: Uint8Array | null;
}

/**
 * Keeps what the passes need of history rows, chunk by chunk, into a slice's staging segments:
 * tombstoned rows are dropped (and counted), then cap rows and dedup pairs are written once.
 */
export class HistorySink {
  readonly report: HistorySliceReport;
  private readonly pBuf = new Int32Array(HISTORY_CHUNK);
  private readonly sBuf = new Int32Array(HISTORY_CHUNK);
  private readonly taBuf = new Int32Array(HISTORY_CHUNK);
  private readonly tpBuf = new Int32Array(HISTORY_CHUNK);
  private readonly writer: BucketWriter;
  private capEnd: number;

  constructor(
    private readonly keys: HistoryKeys,
    private readonly staging: HistoryStaging,
    buckets: ProfileBuckets,
    private readonly capStart: number,
    capCapacity: number,
    parts: number,
  ) {
    this.writer = new BucketWriter(buckets);
    this.capEnd = capStart + capCapacity;
    this.report = {
      pairs: 0,
      capRows: 0,
      read: 0,
      tombstoned: 0,
      purgeHits: new Uint8Array(Math.max(1, parts)),
      nullPart: -1,
      nullColumn: -1,
      written: [],
    };
  }

  /** Adds `size` rows (at most HISTORY_CHUNK) of part `part`. */
  add(c: HistoryColumns, size: number, part: number, purgeCheck: boolean): void {
    const { keys, staging, pBuf, sBuf, taBuf, tpBuf, report, writer } = this;
    const { day, accountId, profileId, showId, scenario, accepted } = c;
    const { day: D, dedupFrom, capFrom, removedProfileIds, tombstonedAccounts, tombstonedProfiles } = keys;
    const { pairProfile, pairShow, capAccountId, capDay, capProfileId, capShowId, capScenario } = staging;
    lookupIds(keys.profileIndex, profileId, pBuf, size);
    lookupIds(keys.showIndex, showId, sBuf, size);
    const tombA = tombstonedAccounts !== null;
    if (tombA) lookupIds(tombstonedAccounts, accountId, taBuf, size);
    const checkProfiles = purgeCheck && tombstonedProfiles !== null;
    if (checkProfiles) lookupIds(tombstonedProfiles, profileId, tpBuf, size);
    let pairs = report.pairs;
    let cap = this.capStart + report.capRows;
    let tombstoned = 0;
    let hit = 0;
    for (let i = 0; i < size; i++) {
      const tombstonedAccount = tombA && taBuf[i]! >= 0;
      // The purge looks at rows of every status; the history only at accepted sends.
      if (purgeCheck && (tombstonedAccount || (checkProfiles && tpBuf[i]! >= 0))) hit = 1;
      if (accepted !== null && accepted[i] === 0) continue;
      const p = pBuf[i]!;
      // A kept profile is never a removed one: only unknown profiles need the removed-id test.
      if (tombstonedAccount || (p < 0 && containsSorted(removedProfileIds, profileId[i]!))) {
        tombstoned++;
        continue;
      }
      const d = day[i]!;
      if (d >= D) continue;
      if (d >= capFrom) {
        if (cap >= this.capEnd) throw new Error('history slice holds more cap rows than planned');
        capAccountId[cap] = accountId[i]!;
        capDay[cap] = d;
        capProfileId[cap] = profileId[i]!;
        capShowId[cap] = showId[i]!;
        capScenario[cap] = scenario[i]!;
        cap++;
      }
      const s = sBuf[i]!;
      if (d < dedupFrom || p < 0 || s < 0) continue;
      const k = writer.slot(p);
      pairProfile[k] = p;
      pairShow[k] = s;
      pairs++;
    }
    report.read += size;
    report.tombstoned += tombstoned;
    if (hit === 1) report.purgeHits[part] = 1;
    report.pairs = pairs;
    report.capRows = cap - this.capStart;
  }

  /** The report, once every row is added. */
  finish(): HistorySliceReport {
    this.report.written = this.writer.written();
    return this.report;
  }

  /** Adds a streamed chunk of part `part` (columns as in HistoryPart); false when a value is null. */
  addChunk(chunk: Chunk, part: number, purgeCheck: boolean): boolean {
    for (let c = 0; c < 6; c++) {
      if (chunk.firstNull(c) >= 0) {
        this.report.nullPart = part;
        this.report.nullColumn = c;
        return false;
      }
    }
    this.add({ day: chunk.i32(0), accountId: chunk.f64(1), profileId: chunk.f64(2), showId: chunk.f64(3), scenario: chunk.i32(4), accepted: chunk.bool(5) }, chunk.size, part, purgeCheck);
    return true;
  }
}

/** Decodes one slice with its own DuckDB, closed when done so no decoder memory outlives the ingest. */
export function ingestHistorySlice(task: HistorySliceTask): Promise<HistorySliceReport> {
  return DuckDBSession.scoped(task.duckdbThreads, (db) => ingestHistoryWith(db, task), currentTaskSignal());
}

async function ingestHistoryWith(db: DuckDBSession, task: HistorySliceTask): Promise<HistorySliceReport> {
  const sink = new HistorySink(task.keys, task.staging, task.buckets, task.capStart, task.capCapacity, task.parts.length);
  for (const [k, part] of task.parts.entries()) {
    if (part.deletionKeys !== null) await db.createInt64Table(DELTA_SLICE_KEYS, 'k', part.deletionKeys);
    let ok = true;
    await db.stream(part.sql, (chunk) => {
      if (ok) ok = sink.addChunk(chunk, k, part.purgeCheck);
    });
    if (!ok) break;
  }
  return sink.finish();
}

export interface GroupHistoryTask {
  pairProfile: Int32Array;
  pairShow: Int32Array;
  bucket: BucketGroup;
  /** The model's sent offsets (shared): this task fills those of the bucket's profiles. */
  offsets: Int32Array;
  sentShows: Int32Array;
}

/** Groups one bucket's staged pairs by profile (buckets own disjoint positions). */
export function groupHistory(task: GroupHistoryTask): void {
  const { pairProfile, pairShow, bucket, offsets, sentShows } = task;
  const { lo, segments } = bucket;
  const cursor = bucketCursors(pairProfile, segments, lo, bucket.hi, bucket.base, offsets);
  for (let s = 0; s < segments.length; s += 2) {
    const end = segments[s]! + segments[s + 1]!;
    for (let i = segments[s]!; i < end; i++) sentShows[cursor[pairProfile[i]! - lo]!++] = pairShow[i]!;
  }
}
