import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { LockError } from '../errors.js';
import { fsyncDir, writeFileAtomic } from '../ledger/durable-files.js';
import { acquireLockFile } from '../lock/lock-file.js';
import type { LockFile } from '../lock/lock-file.js';
import type { IdListRecord } from './id-list-file.js';
import type { PieceRecord } from './piece-file.js';

/**
 * The plays cache's directory (`<state>/plays-cache/`): `index.json`, the Arrow IPC pieces and id
 * lists it names, and `cache.lock` while a run writes it. The index is the only commit point: a
 * run writes its new pieces and id lists first (each temp + fsync + rename), then the index
 * (atomically), then removes the files no index names. A crash at any point leaves the old index
 * or the new one, each naming only files that exist; leftovers are removed by the next commit.
 */
export const PLAYS_CACHE_DIR = 'plays-cache';
const INDEX_FILE = 'index.json';
const LOCK_FILE = 'cache.lock';

/**
 * Whether `entry` (a '/'-separated path under a state directory) is part of a committed plays
 * cache — its directory, index, pieces and id lists — and not a temp file or the write lock that
 * a run stopped while writing would leave.
 */
export function isCommittedCacheEntry(entry: string): boolean {
  if (entry === PLAYS_CACHE_DIR) return true;
  const name = entry.startsWith(`${PLAYS_CACHE_DIR}/`) ? entry.slice(PLAYS_CACHE_DIR.length + 1) : null;
  return name === INDEX_FILE || (name !== null && /^[\w-]+\.arrow$/.test(name));
}

/** Bumped whenever what a piece holds or how it is read changes: older caches are then ignored. */
export const PLAYS_CACHE_FORMAT = 1;

/** One source file of the plays whose rows the cache holds. */
export interface CachedFile {
  /** Relative to the dataset directory, as the manifest records it. */
  path: string;
  bytes: number;
  sha256: string;
  /** A Delta data file's deletion vector id (null: none, or a plain Parquet file). */
  deletion_vector: string | null;
  /** Every row of the file with a day ≥ this is held (the window start it was read with). */
  base_day: number;
  /** The largest day held, or null when the file has no row from base_day on. */
  max_day: number | null;
  /** Where its rows are: [piece file, first row, rows]. */
  segments: [string, number, number][];
}

/** A source file the cache could not hold (a value a cache row cannot represent): decoded every night, and said why. */
export interface RefusedFile {
  path: string;
  bytes: number;
  sha256: string;
  reason: string;
}

export interface PlaysCacheIndex {
  format: number;
  engine: string;
  /** How rows are decoded (the bound columns' types and expressions): another reading is another cache. */
  read: string;
  /** `parquet`, or `delta <table id>`. */
  table: string;
  /** The Delta version read, for people reading the index. */
  version: number | null;
  profiles: IdListRecord;
  content: IdListRecord;
  pieces: PieceRecord[];
  files: CachedFile[];
  refused: RefusedFile[];
}

/** The index of the cache in `dir`: null when there is none, a string when it cannot be used (damaged). */
export function readCacheIndex(dir: string): PlaysCacheIndex | string | null {
  let text: string;
  try {
    text = readFileSync(join(dir, INDEX_FILE), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    return `its index cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`;
  }
  let stored: { crc32?: unknown; index?: unknown };
  try {
    stored = JSON.parse(text) as typeof stored;
  } catch {
    return 'its index is not valid JSON';
  }
  if (typeof stored !== 'object' || stored === null || typeof stored.index !== 'object' || stored.index === null) return 'its index is not an index';
  if (crc32(JSON.stringify(stored.index)) !== stored.crc32) return 'its index fails its checksum';
  const index = stored.index as PlaysCacheIndex;
  // Another format is set aside by its number; within this one, every record must be whole.
  if (index.format !== PLAYS_CACHE_FORMAT) return index;
  return wellFormed(index) ? index : 'its index is not well-formed';
}

/** Every field this format writes is there with its type, and every segment names a piece of the index. */
function wellFormed(index: PlaysCacheIndex): boolean {
  const stored = (f: unknown): boolean => isObject(f) && typeof f['file'] === 'string' && isCount(f['bytes']) && isCount(f['crc32']);
  if (!Array.isArray(index.pieces) || !Array.isArray(index.files) || !Array.isArray(index.refused) || !stored(index.profiles) || !stored(index.content)) return false;
  if (!isCount(index.profiles.count) || !isCount(index.content.count)) return false;
  const pieces = new Set<string>();
  for (const p of index.pieces as unknown[]) {
    if (!stored(p) || !isCount((p as PieceRecord).rows) || !Number.isInteger((p as PieceRecord).base_day)) return false;
    pieces.add((p as PieceRecord).file);
  }
  return (index.files as unknown[]).every((f) => {
    if (!isObject(f) || typeof f['path'] !== 'string' || typeof f['sha256'] !== 'string' || !isCount(f['bytes']) || !Number.isInteger(f['base_day'])) return false;
    if (!Array.isArray(f['segments'])) return false;
    return (f['segments'] as unknown[]).every((s) => Array.isArray(s) && s.length === 3 && pieces.has(s[0] as string) && isCount(s[1]) && isCount(s[2]));
  });
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isCount(value: unknown): boolean {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

/** Writes the index (with the CRC-32 of its JSON) atomically: the commit of everything it names. */
export async function writeCacheIndex(dir: string, index: PlaysCacheIndex): Promise<void> {
  const json = JSON.stringify(index);
  // The new pieces and id lists were renamed into `dir`: make those names durable before the index names them.
  await fsyncDir(dir);
  await writeFileAtomic(join(dir, INDEX_FILE), [`{"crc32":${crc32(json)},"index":${json}}\n`]);
}

/** Removes every file of `dir` the index does not name: pieces and id lists no longer used, temp files of a crashed write. */
export function pruneCache(dir: string, index: PlaysCacheIndex | null): void {
  const keep = new Set([INDEX_FILE, LOCK_FILE]);
  if (index !== null) for (const f of [index.profiles, index.content, ...index.pieces]) keep.add(f.file);
  for (const name of readdirSync(dir)) if (!keep.has(name) && !name.startsWith(`${LOCK_FILE}.`)) rmSync(join(dir, name), { force: true, recursive: true });
}

/** Bytes on disk of everything the index names. */
export function cacheBytes(index: PlaysCacheIndex): number {
  return [index.profiles, index.content, ...index.pieces].reduce((n, f) => n + f.bytes, 0);
}

/**
 * Takes the cache's write lock, creating the directory; null when another run holds it (that run
 * writes the cache; this one reads what is committed and writes nothing).
 */
export async function lockCache(dir: string): Promise<LockFile | null> {
  mkdirSync(dir, { recursive: true });
  try {
    return await acquireLockFile(join(dir, LOCK_FILE), 'plays cache', (who) => `plays cache ${dir} is being written by ${who}`);
  } catch (err) {
    if (err instanceof LockError) return null;
    throw err;
  }
}
