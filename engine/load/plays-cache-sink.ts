import { writePiece } from '../../io/plays-cache/piece-file.js';
import type { PieceRecord } from '../../io/plays-cache/piece-file.js';
import { CODE_PENDING, encodeCachedPlays, gatherCacheRows, sortedGroupOffsets } from '../../kernels/cached-plays.js';
import type { CacheRows } from '../../kernels/cached-plays.js';
import { groupOffsets } from '../../kernels/group-offsets.js';

/** What a reader decoding plays from the lake needs to also keep them for the plays cache. */
export interface PlaysCacheSinkTask {
  dir: string;
  /** The window start tonight: the piece holds every row of its files from this day on. */
  baseDay: number;
  /** Source files the reader's `file_index` column numbers. */
  fileCount: number;
  /** Dense profile / content index → code in the cache's id lists (shared; every known id has one). */
  profileCode: Int32Array;
  contentCode: Int32Array;
  /** Lengths of the id lists those codes index (recorded in the piece, checked when it is read). */
  profileCodes: number;
  contentCodes: number;
  /** Rows the reader can stream (sizes the buffers once). */
  rows: number;
}

/** One source file's rows in the piece a reader wrote, or why they could not be kept. */
export interface SinkFile {
  start: number;
  rows: number;
  /** Largest day held, or null (no row). */
  maxDay: number | null;
  /** Why the file cannot be cached (a value a cache row cannot hold), or null. */
  refused: string | null;
}

export interface PlaysCacheSinkReport {
  piece: PieceRecord | null;
  files: SinkFile[];
  /** The piece could not be written (e.g. the disk is full): nothing of this reader is cached. */
  failure: string | null;
}

/**
 * Keeps, beside the decode, every row a reader reads (counted or not: tomorrow's profiles,
 * catalog and config may count them differently) as cache rows, then writes them as one piece
 * with rows grouped by source file. Ids no table knows tonight get piece-local codes with their
 * raw ids kept.
 */
export class PlaysCacheSink {
  private readonly rows: CacheRows;
  private file: Int32Array;
  private n = 0;
  private readonly badFile: Uint8Array;
  private readonly maxOffset: Int32Array;
  private readonly unknownProfiles = new Map<number, number>();
  private readonly unknownContent = new Map<number, number>();

  constructor(private readonly task: PlaysCacheSinkTask) {
    const capacity = Math.max(1, task.rows);
    this.rows = { profile: new Int32Array(capacity), content: new Int32Array(capacity), day: new Uint16Array(capacity), seconds: new Int32Array(capacity) };
    this.file = new Int32Array(capacity);
    this.badFile = new Uint8Array(task.fileCount);
    this.maxOffset = new Int32Array(task.fileCount).fill(-1);
  }

  /** One chunk as decoded: raw ids, day, watch seconds, file ordinal, and the ids' dense indexes. */
  append(size: number, profileIds: Float64Array, contentIds: Float64Array | Int32Array, day: Int32Array, seconds: Float64Array | Int32Array, file: Int32Array, profileDense: Int32Array, contentDense: Int32Array): void {
    this.ensure(this.n + size);
    const { profileCode, contentCode, baseDay } = this.task;
    const pending = encodeCachedPlays(size, profileDense, contentDense, day, seconds, file, profileCode, contentCode, baseDay, this.rows, this.file, this.n, this.badFile, this.maxOffset);
    if (pending > 0) {
      const { profile, content } = this.rows;
      for (let i = 0; i < size; i++) {
        const k = this.n + i;
        if (profile[k] === CODE_PENDING) profile[k] = localCode(this.unknownProfiles, profileIds[i]!);
        if (content[k] === CODE_PENDING) content[k] = localCode(this.unknownContent, contentIds[i]!);
      }
    }
    this.n += size;
  }

  /** Writes the piece (rows grouped by file, in read order within a file); never throws: a failed write caches nothing. */
  async finish(): Promise<PlaysCacheSinkReport> {
    const { fileCount, baseDay } = this.task;
    const n = this.n;
    // Rows usually arrive file after file: then they are grouped already.
    const sorted = sortedGroupOffsets(this.file, fileCount, n);
    const grouped = sorted === null ? groupOffsets(this.file, fileCount, n) : null;
    const offsets = sorted ?? grouped!.offsets;
    const rows = grouped === null ? this.rows : gatherCacheRows(this.rows, grouped.order, n);
    const files: SinkFile[] = [];
    for (let f = 0; f < fileCount; f++) {
      const max = this.maxOffset[f]!;
      const refused = this.badFile[f] === 1 ? 'holds a watch_seconds outside 32 bits or a day more than 65,535 days after the window start' : null;
      files.push({ start: offsets[f]!, rows: offsets[f + 1]! - offsets[f]!, maxDay: max < 0 ? null : baseDay + max, refused });
    }
    try {
      const piece = await writePiece(this.task.dir, {
        ...rows,
        rows: n,
        baseDay,
        unknownProfiles: Float64Array.from(this.unknownProfiles.keys()),
        unknownContent: Float64Array.from(this.unknownContent.keys()),
        profileCodes: this.task.profileCodes,
        contentCodes: this.task.contentCodes,
      });
      return { piece, files, failure: null };
    } catch (err) {
      return { piece: null, files, failure: (err as NodeJS.ErrnoException).code ?? (err as Error).message };
    }
  }

  private ensure(capacity: number): void {
    if (capacity <= this.file.length) return;
    const size = Math.max(capacity, Math.ceil(this.file.length * 1.5));
    const grow = <T extends Int32Array | Uint16Array>(old: T, next: T): T => {
      next.set(old.subarray(0, this.n) as never);
      return next;
    };
    this.rows.profile = grow(this.rows.profile, new Int32Array(size));
    this.rows.content = grow(this.rows.content, new Int32Array(size));
    this.rows.day = grow(this.rows.day, new Uint16Array(size));
    this.rows.seconds = grow(this.rows.seconds, new Int32Array(size));
    this.file = grow(this.file, new Int32Array(size));
  }
}

/** The piece-local code −(k+1) of an id no table knows, k in order of first sight. */
function localCode(codes: Map<number, number>, id: number): number {
  let k = codes.get(id);
  if (k === undefined) {
    k = codes.size;
    codes.set(id, k);
  }
  return -k - 1;
}
