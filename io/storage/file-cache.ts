import { createHash, randomBytes } from 'node:crypto';
import { linkSync, mkdirSync, readdirSync, renameSync, rmSync, statSync, symlinkSync, utimesSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname, join } from 'node:path';

/**
 * The local cache of remote files that cannot change under their key (SPEC §2 on object storage):
 *
 * - Delta data files, deletion vectors and commits are immutable by the protocol (a writer never
 *   overwrites one): keyed by URL + size.
 * - Plain Parquet files and checkpoints could be rewritten in place: keyed by URL + ETag + size,
 *   and not cached at all when the service gives no ETag.
 *
 * Entries are whole files, written to `tmp/` and renamed into `objects/` (a reader never sees a
 * partial one), used through hard links in a run's view (so evicting an entry never pulls a file
 * from under a running reader), and evicted least recently used (by mtime, set on every use) once
 * the cache is over its size cap. Several processes may share one cache.
 */
export class FileCache {
  constructor(
    readonly dir: string,
    readonly maxBytes: number,
  ) {
    mkdirSync(join(dir, 'objects'), { recursive: true });
    mkdirSync(join(dir, 'tmp'), { recursive: true });
    mkdirSync(join(dir, 'views'), { recursive: true });
  }

  /** The key of a file, or null when it must not be cached (mutable and without an ETag). */
  static keyOf(url: string, size: number, etag: string | null, immutable: boolean): string | null {
    if (immutable) return sha256(`${url}\n${size}`);
    if (etag === null) return null;
    return sha256(`${url}\n${etag}\n${size}`);
  }

  entryPath(key: string): string {
    return join(this.dir, 'objects', key.slice(0, 2), key);
  }

  /** The entry of `key` when it holds `size` bytes (its use recorded for eviction), else null. */
  lookup(key: string, size: number): string | null {
    const path = this.entryPath(key);
    try {
      if (statSync(path).size !== size) {
        rmSync(path, { force: true });
        return null;
      }
      const now = new Date();
      utimesSync(path, now, now);
      return path;
    } catch {
      return null;
    }
  }

  /** Moves a finished download into the cache under `key` (atomically) and returns the entry. */
  put(tempFile: string, key: string): string {
    const path = this.entryPath(key);
    mkdirSync(dirname(path), { recursive: true });
    renameSync(tempFile, path);
    return path;
  }

  /** A fresh temp file name for a download; a killed process's leftovers are removed by cleanStale. */
  tempPath(): string {
    return join(this.dir, 'tmp', ownedName());
  }

  /** A fresh directory for one run's view of a dataset (see RemoteDataset). */
  newView(): string {
    const dir = join(this.dir, 'views', ownedName());
    mkdirSync(dir, { recursive: true });
    return dir;
  }

  /** Removes temp files and views left by processes of this host that no longer run. */
  cleanStale(): void {
    for (const sub of ['tmp', 'views']) {
      for (const name of safeReaddir(join(this.dir, sub))) if (isStale(name)) rmSync(join(this.dir, sub, name), { recursive: true, force: true });
    }
  }

  /**
   * Evicts least recently used entries until the cache is within its cap; entries in `keep` (this
   * run's) stay. Returns what was removed.
   */
  evict(keep: ReadonlySet<string>): { files: number; bytes: number } {
    const entries: { path: string; size: number; used: number }[] = [];
    let total = 0;
    for (const shard of safeReaddir(join(this.dir, 'objects'))) {
      for (const name of safeReaddir(join(this.dir, 'objects', shard))) {
        const path = join(this.dir, 'objects', shard, name);
        try {
          const st = statSync(path);
          entries.push({ path, size: st.size, used: st.mtimeMs });
          total += st.size;
        } catch {
          // Evicted by another process meanwhile.
        }
      }
    }
    entries.sort((a, b) => a.used - b.used);
    let files = 0;
    let bytes = 0;
    for (const e of entries) {
      if (total <= this.maxBytes) break;
      if (keep.has(e.path)) continue;
      rmSync(e.path, { force: true });
      total -= e.size;
      files++;
      bytes += e.size;
    }
    return { files, bytes };
  }
}

/** Places `source` (a cache entry or a finished download) at `target` in a view: a hard link, or a symlink across filesystems. */
export function linkInto(source: string, target: string): void {
  mkdirSync(dirname(target), { recursive: true });
  try {
    linkSync(source, target);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EXDEV' && (err as NodeJS.ErrnoException).code !== 'EPERM') throw err;
    symlinkSync(source, target);
  }
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** `<pid>-<random>@<host>`: whose a temp file or view is, so only a dead owner's are removed. */
function ownedName(): string {
  return `${process.pid}-${randomBytes(6).toString('hex')}@${hostname()}`;
}

function isStale(name: string): boolean {
  const at = name.lastIndexOf('@');
  if (at < 0 || name.slice(at + 1) !== hostname()) return false;
  const pid = Number(name.slice(0, name.indexOf('-')));
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return false;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

function safeReaddir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}
