import { readPiece } from '../../io/plays-cache/piece-file.js';
import type { PieceRecord } from '../../io/plays-cache/piece-file.js';
import { classifyCachedPlays, COUNT_SLOTS, LATEST_DAY, TOMBSTONED_ID, UNKNOWN_ID } from '../../kernels/cached-plays.js';
import type { PlaysOut } from '../../kernels/cached-plays.js';
import { lookupIds } from '../../kernels/id-index.js';
import type { IdIndex } from '../../kernels/id-index.js';
import { containsSorted } from '../../kernels/sorted-search.js';
import type { PlaysStaging } from './ingest-plays.js';
import { BucketWriter } from './profile-buckets.js';
import type { ProfileBuckets } from './profile-buckets.js';

/**
 * Worker side of the plays cache's reuse: one piece, read back and checked, its live rows
 * classified for tonight (kernels/cached-plays.ts) and written into the staging blocks exactly as
 * a decode of its files from the lake would write them.
 */
export interface CachedPiecesTask {
  dir: string;
  pieces: PieceRecord[];
  /** Per piece, the (first row, rows) pairs of the files reused from it. */
  segments: Int32Array[];
  /** Cache code → dense index tonight, UNKNOWN_ID or TOMBSTONED_ID (shared). */
  profileMap: Int32Array;
  contentMap: Int32Array;
  /** For the pieces' own unknown ids. */
  profileIndex: IdIndex;
  contentIndex: IdIndex;
  removedProfileIds: Float64Array;
  from: number;
  day: number;
  minSeconds: number;
  staging: PlaysStaging;
  buckets: ProfileBuckets;
}

export interface CachedPiecesReport {
  /** Rows by the COUNT_* slots of kernels/cached-plays.ts (and its LATEST_DAY), and the counted rows. */
  counts: number[];
  counted: number;
  /** Per piece, the damage found (nothing of it was used: its files are decoded from the lake), or null. */
  damage: (string | null)[];
  written: Int32Array[];
}

/** Rows classified per kernel call: bounds the buffer of counted rows. */
const BLOCK = 65536;

export function ingestCachedPieces(task: CachedPiecesTask): CachedPiecesReport {
  const { staging, profileMap, contentMap } = task;
  const writer = new BucketWriter(task.buckets);
  const counts = new Float64Array(COUNT_SLOTS);
  counts[LATEST_DAY] = Number.NEGATIVE_INFINITY;
  const out: PlaysOut = { profile: new Int32Array(BLOCK), content: new Int32Array(BLOCK), daysAgo: new Uint16Array(BLOCK), seconds: new Int32Array(BLOCK) };
  const damage: (string | null)[] = [];
  let counted = 0;
  for (const [k, record] of task.pieces.entries()) {
    const piece = readPiece(task.dir, record);
    if (typeof piece === 'string') {
      damage.push(piece);
      continue;
    }
    if (piece.profileCodes > profileMap.length || piece.contentCodes > contentMap.length) {
      damage.push(`uses ${piece.profileCodes} profile and ${piece.contentCodes} content codes, more than the cache's id lists hold`);
      continue;
    }
    damage.push(null);
    const localProfiles = localMap(task.profileIndex, piece.unknownProfiles, task.removedProfileIds);
    const localContent = localMap(task.contentIndex, piece.unknownContent, null);
    const segments = task.segments[k]!;
    for (let s = 0; s < segments.length; s += 2) {
      const end = segments[s]! + segments[s + 1]!;
      for (let start = segments[s]!; start < end; start += BLOCK) {
        const n = classifyCachedPlays(piece, start, Math.min(end, start + BLOCK), piece.baseDay, profileMap, localProfiles, contentMap, localContent, task.from, task.day, task.minSeconds, counts, out);
        for (let i = 0; i < n; i++) {
          const slot = writer.slot(out.profile[i]!);
          staging.profile[slot] = out.profile[i]!;
          staging.content[slot] = out.content[i]!;
          staging.daysAgo[slot] = out.daysAgo[i]!;
          staging.seconds[slot] = out.seconds[i]!;
        }
        counted += n;
      }
    }
  }
  return { counts: [...counts], counted, damage, written: writer.written() };
}

/** Dense index tonight of each of a piece's unknown ids (UNKNOWN_ID, or TOMBSTONED_ID for a tombstoned profile). */
function localMap(index: IdIndex, ids: Float64Array, removed: Float64Array | null): Int32Array {
  const map = lookupIds(index, ids, new Int32Array(ids.length));
  for (let k = 0; k < ids.length; k++) if (map[k]! < 0) map[k] = removed !== null && containsSorted(removed, ids[k]!) ? TOMBSTONED_ID : UNKNOWN_ID;
  return map;
}
