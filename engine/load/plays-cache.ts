import { existsSync, mkdirSync, rmSync } from 'node:fs';
import type { BoundColumn } from '../../io/input/read-table.js';
import type { InputFile, TableSource } from '../../io/input/table-files.js';
import { cacheBytes, lockCache, PLAYS_CACHE_FORMAT, pruneCache, readCacheIndex, writeCacheIndex } from '../../io/plays-cache/cache-index.js';
import type { CachedFile, PlaysCacheIndex, RefusedFile } from '../../io/plays-cache/cache-index.js';
import { readIdList, writeIdList } from '../../io/plays-cache/id-list-file.js';
import type { IdListRecord } from '../../io/plays-cache/id-list-file.js';
import type { PieceRecord } from '../../io/plays-cache/piece-file.js';
import { TOMBSTONED_ID } from '../../kernels/cached-plays.js';
import { lookupIds } from '../../kernels/id-index.js';
import type { IdIndex } from '../../kernels/id-index.js';
import { containsSorted } from '../../kernels/sorted-search.js';
import { sharedInt32 } from '../model/shared-arrays.js';
import { pauseForTest } from '../output/test-pause.js';
import { ENGINE_VERSION } from '../version.js';
import type { PlaysCacheSinkReport, PlaysCacheSinkTask } from './plays-cache-sink.js';

/**
 * The plays cache (issue 22): which source files of the plays a run takes from the cache and
 * which it decodes from the lake, and, once the plays are read, the cache's next state.
 *
 * What the cache holds makes reuse exact whatever changed besides the files: for each source file,
 * every row it yields from the window start on — counted or not — with its raw profile and
 * content ids (as codes in two id lists that only grow), its day and its watch seconds. Nothing
 * that depends on another table, on the date or on a counting key is applied before caching, so
 * tonight's profiles, catalog, tombstones, date and `min_play_seconds` are applied to cached rows
 * exactly as to decoded ones (kernels/cached-plays.ts), and the counts match a decode row for row.
 *
 * A file is reused only when the cache holds it with the same path, size and SHA-256 (and, in a
 * Delta table, the same table id and deletion vector), read the same way (engine version, cache
 * format, the plays columns' types), from a window start no later than tonight's; and its piece
 * passes its checksum when read. Anything else is decoded from the lake, with the reason recorded.
 */
export interface PlaysCacheOptions {
  /** `<state>/plays-cache`. */
  dir: string;
  /** `warm`: reuse and update; `cold`: decode everything and write the cache anew; `read`: reuse, write nothing (preview). */
  mode: 'warm' | 'cold' | 'read';
  /** The cache's size limit in bytes: pieces with the oldest plays are left out beyond it. */
  maxBytes: number;
}

/** What the manifest (`plays_cache`) and the progress say about the cache in a run. */
export interface PlaysCacheReport {
  mode: PlaysCacheOptions['mode'];
  /** Why no cached file could be considered (no cache yet, `--cold`, another engine version, …), or null. */
  note: string | null;
  /** Source files taken from the cache (relative to the dataset). */
  reused: string[];
  /** Plays of the window read from the cache. */
  reused_rows: number;
  /** Source files decoded from the lake, by reason. */
  decoded: Record<string, string[]>;
  /** Files the cache held that it no longer holds, by reason. */
  dropped: Record<string, string[]>;
  /** Whether this run wrote the cache, and why not when it did not. */
  written: boolean;
  not_written: string | null;
  /** The cache's size on disk after this run, and the source files it holds. */
  bytes: number;
  files: number;
}

/** A piece to read, with the (first row, rows) pairs of the files reused from it. */
export interface CachedPiece {
  record: PieceRecord;
  segments: Int32Array;
}

/** What one reader decoded from the lake: its files (absolute, in its `file_index` order) and what its sink wrote. */
export interface DecodedPiece {
  files: readonly string[];
  report: PlaysCacheSinkReport | null;
}

export interface PlaysCachePlan {
  /** Whether this run writes the cache (the decoding readers then keep their rows for it). */
  writing: boolean;
  /** Source files to decode from the lake (absolute, in source order). */
  readonly decode: string[];
  readonly pieces: CachedPiece[];
  /** Rows the pieces' segments hold (the most they add to the staging). */
  readonly pieceRows: number;
  /** Cache code → dense index tonight (or UNKNOWN_ID / TOMBSTONED_ID), shared. */
  profileMap: Int32Array;
  contentMap: Int32Array;
  /** The sink for a reader of `files` streaming at most `rows` rows; undefined when this run writes no cache. */
  sink(files: readonly string[], rows: number): PlaysCacheSinkTask | undefined;
  /**
   * Takes the damage found reading `pieces` (null: none, per piece): every file with rows in a
   * damaged piece is decoded from the lake instead (`decode` and `pieces` change). Whether any was.
   */
  damaged(damage: readonly (string | null)[]): boolean;
  /** Writes the cache's next state (never throws: a cache that cannot be written is reported, not fatal). */
  commit(decoded: readonly DecodedPiece[], reusedRows: number): Promise<PlaysCacheReport>;
}

export interface PlaysCacheInput {
  options: PlaysCacheOptions;
  /** Why this run may read the cache but not write it, or null. */
  readOnly: string | null;
  source: TableSource;
  bound: readonly BoundColumn[];
  /** Tonight's window start (D − history_days). */
  from: number;
  /** The source's data files described as the manifest records them, in `source.files` order. */
  files: readonly InputFile[];
  profileIds: Float64Array;
  profileIndex: IdIndex;
  removedProfileIds: Float64Array;
  contentIds: Float64Array;
  contentIndex: IdIndex;
}

/** The profile id list is started again when fewer than half its ids are still profiles. */
const LIST_SLACK = 2;

export async function planPlaysCache(input: PlaysCacheInput): Promise<PlaysCachePlan> {
  const { options, source, from } = input;
  const { dir } = options;
  const table = source.delta === null ? 'parquet' : `delta ${source.delta.tableId ?? '(no table id)'}`;
  const read = JSON.stringify(input.bound.map((b) => [b.column.name, b.sourceType, b.sql]));
  const current = existsSync(dir) ? readCacheIndex(dir) : null;
  // What this run read: it commits only if no other run committed meanwhile.
  const seen = JSON.stringify(current);
  const loaded = options.mode === 'cold' ? { index: null, note: 'run with --cold: the cache was not read' } : loadIndex(dir, current, table, read, input.profileIds.length);
  const index = loaded.index;
  const lists = index === null ? { profiles: new Float64Array(0), content: new Float64Array(0) } : loaded.lists!;

  // Codes: every id of tonight's tables gets one, appended to the lists; cache codes lead to dense indexes.
  const profiles = codes(lists.profiles, input.profileIds, input.profileIndex, input.removedProfileIds);
  const content = codes(lists.content, input.contentIds, input.contentIndex, null);

  const cached = new Map((index?.files ?? []).map((f) => [f.path, f]));
  const refused = new Map((index?.refused ?? []).map((f) => [f.path, f]));
  const pieceRecords = new Map((index?.pieces ?? []).map((p) => [p.file, p]));
  const dvOf = (i: number): string | null => source.delta?.liveFiles[i]?.deletionVector ?? null;
  const decode: string[] = [];
  const decodeReasons: Record<string, string[]> = {};
  const dropped: Record<string, string[]> = {};
  const add = (to: Record<string, string[]>, reason: string, path: string): void => void (to[reason] ??= []).push(path);
  const reusedFiles: { at: number; entry: CachedFile }[] = [];
  const live = new Set<string>();
  for (const [i, file] of source.files.entries()) {
    const described = input.files[i]!;
    live.add(described.path);
    const entry = cached.get(described.path);
    const why = reuseProblem(entry, described, dvOf(i), from, index === null ? loaded.note : null, refused.get(described.path));
    if (why === null) {
      reusedFiles.push({ at: i, entry: entry! });
      continue;
    }
    decode.push(file);
    add(decodeReasons, why, described.path);
    if (entry !== undefined) add(dropped, why, described.path);
  }
  for (const path of cached.keys()) if (!live.has(path)) add(dropped, 'no longer in the plays table', path);

  // Pieces to read: the segments of reused files that hold a row of tonight's window, piece by piece in file order.
  const readPieces = (): { list: { record: PieceRecord; segments: number[]; files: number[] }[]; rows: number } => {
    const byPiece = new Map<string, { record: PieceRecord; segments: number[]; files: number[] }>();
    let rows = 0;
    for (const { at, entry } of reusedFiles) {
      if (entry.max_day === null || entry.max_day < from) continue;
      for (const [file, start, count] of entry.segments) {
        const piece = byPiece.get(file) ?? { record: pieceRecords.get(file)!, segments: [], files: [] };
        piece.segments.push(start, count);
        piece.files.push(at);
        byPiece.set(file, piece);
        rows += count;
      }
    }
    return { list: [...byPiece.values()], rows };
  };
  let toRead = readPieces();
  const writing = options.mode !== 'read' && input.readOnly === null;
  // The readers write their pieces into the directory as they decode.
  if (writing) mkdirSync(dir, { recursive: true });

  return {
    writing,
    get decode() {
      return decode;
    },
    get pieces() {
      return toRead.list.map((p) => ({ record: p.record, segments: Int32Array.from(p.segments) }));
    },
    get pieceRows() {
      return toRead.rows;
    },
    profileMap: profiles.map,
    contentMap: content.map,
    sink(files, rows) {
      if (!writing) return undefined;
      return { dir, baseDay: from, fileCount: files.length, profileCode: profiles.denseCode, contentCode: content.denseCode, profileCodes: profiles.ids.length, contentCodes: content.ids.length, rows };
    },
    damaged(damage) {
      const files = new Set<number>();
      for (const [k, problem] of damage.entries()) if (problem !== null) for (const at of toRead.list[k]!.files) files.add(at);
      if (files.size === 0) return false;
      for (const at of files) {
        const path = input.files[at]!.path;
        reusedFiles.splice(
          reusedFiles.findIndex((r) => r.at === at),
          1,
        );
        decode.push(source.files[at]!);
        add(decodeReasons, 'its cached piece is damaged', path);
        add(dropped, 'its cached piece is damaged', path);
      }
      const position = new Map(source.files.map((f, i) => [f, i]));
      decode.sort((a, b) => position.get(a)! - position.get(b)!);
      toRead = readPieces();
      return true;
    },
    async commit(decoded, reusedRows) {
      const report: PlaysCacheReport = {
        mode: options.mode,
        note: loaded.note,
        reused: reusedFiles.map((r) => input.files[r.at]!.path),
        reused_rows: reusedRows,
        decoded: decodeReasons,
        dropped,
        written: false,
        not_written: null,
        bytes: index === null ? 0 : cacheBytes(index),
        files: index?.files.length ?? 0,
      };
      if (!writing) {
        report.not_written = input.readOnly ?? 'a preview writes no cache';
        return report;
      }
      try {
        const next = nextIndex();
        const lock = await lockCache(dir);
        if (lock === null) {
          report.not_written = 'another run is writing the cache';
          return report;
        }
        try {
          // Another run committed since this one read the cache: its codes may differ; keep its cache.
          if (JSON.stringify(readCacheIndex(dir)) !== seen) {
            report.not_written = 'another run wrote the cache meanwhile';
            return report;
          }
          const written = await finishIndex(next);
          await pauseForTest('plays-cache-before-index');
          await writeCacheIndex(dir, written.index);
          await pauseForTest('plays-cache-before-prune');
          pruneCache(dir, written.index);
          Object.assign(report, { written: true, bytes: cacheBytes(written.index), files: written.index.files.length });
          for (const [reason, paths] of Object.entries(written.dropped)) for (const p of paths) add(dropped, reason, p);
        } finally {
          await lock.release();
        }
      } catch (err) {
        report.not_written = `the cache could not be written (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`;
      }
      return report;

      /** The next index's files: the reused ones, then what the readers decoded and wrote. */
      function nextIndex(): { files: CachedFile[]; refused: RefusedFile[]; pieces: Map<string, PieceRecord> } {
        const files: CachedFile[] = [];
        const pieces = new Map<string, PieceRecord>();
        for (const { entry } of reusedFiles) {
          // A file whose rows all left the window holds nothing from tonight's window start on.
          if (entry.max_day === null || entry.max_day < from) {
            files.push({ ...entry, base_day: Math.max(entry.base_day, from), max_day: null, segments: [] });
            continue;
          }
          files.push(entry);
          for (const [file] of entry.segments) pieces.set(file, pieceRecords.get(file)!);
        }
        const position = new Map(source.files.map((f, i) => [f, i]));
        const built = new Map<number, CachedFile | null>();
        const refusedNext: RefusedFile[] = [];
        for (const { files: readerFiles, report: sink } of decoded) {
          for (const [k, file] of readerFiles.entries()) {
            const at = position.get(file)!;
            const described = input.files[at]!;
            const result = sink?.files[k];
            const problem = sink === null ? 'the cache was not written' : sink.failure !== null ? `its piece could not be written (${sink.failure})` : (result?.refused ?? null);
            if (problem !== null || built.get(at) === null) {
              if (built.get(at) !== null && result?.refused != null) refusedNext.push({ path: described.path, bytes: described.bytes, sha256: described.sha256, reason: result.refused });
              built.set(at, null);
              continue;
            }
            const entry = built.get(at) ?? { path: described.path, bytes: described.bytes, sha256: described.sha256, deletion_vector: dvOf(at), base_day: from, max_day: null, segments: [] };
            if (result!.rows > 0) {
              entry.segments.push([sink!.piece!.file, result!.start, result!.rows]);
              pieces.set(sink!.piece!.file, sink!.piece!);
            }
            if (result!.maxDay !== null && (entry.max_day === null || result!.maxDay > entry.max_day)) entry.max_day = result!.maxDay;
            built.set(at, entry);
          }
        }
        for (const entry of built.values()) if (entry !== null) files.push(entry);
        files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
        return { files, refused: refusedNext, pieces };
      }

      /** Keeps the cache under its size limit (dropping the pieces with the oldest plays first), writes grown id lists. */
      async function finishIndex(next: { files: CachedFile[]; refused: RefusedFile[]; pieces: Map<string, PieceRecord> }): Promise<{ index: PlaysCacheIndex; dropped: Record<string, string[]> }> {
        const droppedNow: Record<string, string[]> = {};
        const newestDay = new Map<string, number>();
        for (const f of next.files) for (const [file] of f.segments) newestDay.set(file, Math.max(newestDay.get(file) ?? -Infinity, f.max_day ?? -Infinity));
        const listBytes = 16 * (profiles.ids.length + content.ids.length);
        let total = listBytes + [...next.pieces.values()].reduce((n, p) => n + p.bytes, 0);
        const over = new Set<string>();
        for (const [file, record] of [...next.pieces].sort((a, b) => newestDay.get(a[0])! - newestDay.get(b[0])!)) {
          if (total <= options.maxBytes) break;
          over.add(file);
          next.pieces.delete(file);
          total -= record.bytes;
        }
        const files = next.files.filter((f) => {
          if (!f.segments.some(([file]) => over.has(file))) return true;
          (droppedNow['over the size limit'] ??= []).push(f.path);
          return false;
        });
        // Pieces shared with a dropped file stay only while a kept file uses them.
        const used = new Set(files.flatMap((f) => f.segments.map(([file]) => file)));
        const list = async (kind: 'profiles' | 'content', ids: Float64Array, old: IdListRecord | undefined): Promise<IdListRecord> => (old !== undefined && old.count === ids.length ? old : writeIdList(dir, kind, ids));
        return {
          index: {
            format: PLAYS_CACHE_FORMAT,
            engine: ENGINE_VERSION,
            read,
            table,
            version: source.delta?.version ?? null,
            profiles: await list('profiles', profiles.ids, index?.profiles),
            content: await list('content', content.ids, index?.content),
            pieces: [...next.pieces.values()].filter((p) => used.has(p.file)).sort((a, b) => (a.file < b.file ? -1 : 1)),
            files,
            refused: next.refused,
          },
          dropped: droppedNow,
        };
      }
    },
  };
}

/** The committed cache if this run may use it, with its id lists; otherwise why not. */
function loadIndex(
  dir: string,
  index: PlaysCacheIndex | string | null,
  table: string,
  read: string,
  profileCount: number,
): { index: PlaysCacheIndex | null; note: string | null; lists?: { profiles: Float64Array; content: Float64Array } } {
  if (index === null) return { index: null, note: 'no cache yet' };
  if (typeof index === 'string') return { index: null, note: `the cache is damaged: ${index}` };
  if (index.format !== PLAYS_CACHE_FORMAT) return { index: null, note: `the cache has format ${String(index.format)}, this engine reads ${PLAYS_CACHE_FORMAT}` };
  if (index.engine !== ENGINE_VERSION) return { index: null, note: `the cache was written by engine ${String(index.engine)}, this is ${ENGINE_VERSION}` };
  if (index.table !== table) return { index: null, note: `the cache holds another plays table (${String(index.table)}, now ${table})` };
  if (index.read !== read) return { index: null, note: "the plays columns' types changed since the cache was written" };
  const profiles = readIdList(dir, index.profiles);
  if (typeof profiles === 'string') return { index: null, note: `the cache is damaged: its profile id list ${profiles}` };
  const content = readIdList(dir, index.content);
  if (typeof content === 'string') return { index: null, note: `the cache is damaged: its content id list ${content}` };
  if (profiles.length > LIST_SLACK * profileCount + 65536) return { index: null, note: 'the cache is started again: most ids of its profile id list are no longer profiles' };
  return { index, note: null, lists: { profiles, content } };
}

/** Why a source file cannot be taken from the cache tonight, or null when it can. */
function reuseProblem(entry: CachedFile | undefined, file: InputFile, deletionVector: string | null, from: number, note: string | null, refused: RefusedFile | undefined): string | null {
  if (note !== null) return note;
  if (entry === undefined) {
    if (refused !== undefined && refused.sha256 === file.sha256 && refused.bytes === file.bytes) return `not cacheable: ${refused.reason}`;
    return 'new file';
  }
  if (entry.bytes !== file.bytes || entry.sha256 !== file.sha256) return 'file rewritten (size or SHA-256 changed)';
  if (entry.deletion_vector !== deletionVector) return 'deletion vector changed';
  if (entry.base_day > from) return "tonight's history window starts before the cached rows";
  return null;
}

/**
 * The cache codes of one id list for tonight's table of `ids` (dense order) and `index`:
 * `map` (code → dense index, UNKNOWN_ID, or TOMBSTONED_ID for a tombstoned profile),
 * `denseCode` (dense index → code) and the list grown by tonight's new ids.
 */
function codes(list: Float64Array, ids: Float64Array, index: IdIndex, removed: Float64Array | null): { map: Int32Array; denseCode: Int32Array; ids: Float64Array } {
  const n = ids.length;
  const found = lookupIds(index, list, new Int32Array(list.length));
  const denseCode = sharedInt32(n).fill(-1);
  for (let c = 0; c < list.length; c++) if (found[c]! >= 0) denseCode[found[c]!] = c;
  let added = 0;
  for (let p = 0; p < n; p++) if (denseCode[p]! < 0) added++;
  const grown = new Float64Array(list.length + added);
  grown.set(list);
  const map = sharedInt32(grown.length);
  map.set(found);
  for (let p = 0, c = list.length; p < n; p++) {
    if (denseCode[p]! >= 0) continue;
    denseCode[p] = c;
    grown[c] = ids[p]!;
    map[c++] = p;
  }
  if (removed !== null) for (let c = 0; c < list.length; c++) if (found[c]! < 0 && containsSorted(removed, list[c]!)) map[c] = TOMBSTONED_ID;
  return { map, denseCode, ids: grown };
}

/** Removes the cache directory (a limit of 0 turns the cache off). */
export function removePlaysCache(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}
