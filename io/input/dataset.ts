import { readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { localTableStore } from '../delta/table-store.js';
import type { DeltaTableStore } from '../delta/table-store.js';

/** Where a file of a remote dataset came from, for the manifest. */
export interface FileOrigin {
  url: string;
  /** The ETag of the version read (plain Parquet, checkpoints); null for Delta files, which the log identifies. */
  etag: string | null;
}

/** What a run transferred from object storage (null for a local dataset). */
export interface TransferSummary {
  list_requests: number;
  head_requests: number;
  get_requests: number;
  bytes_downloaded: number;
  files_downloaded: number;
  files_from_cache: number;
  restarts: number;
}

/**
 * A dataset directory (SPEC §2) as the readers see it: files at local paths under `dir`. A local
 * dataset is read in place; a dataset on object storage (io/storage/remote-dataset.ts) through a
 * view of the local cache, each file fetched when a reader asks for it. Paths are literal: no
 * name is ever a pattern.
 */
export interface Dataset {
  /** The dataset as the user named it (messages name it so): a directory, or a URL (never with credentials). */
  readonly location: string;
  /** The local directory every file is read under. */
  readonly dir: string;
  /** What `<name>` is at the dataset's root. */
  entry(name: string): Promise<'file' | 'directory' | null>;
  /** Whether the directory `<table>/` is a Delta table (holds `_delta_log/`). */
  isDelta(table: string): Promise<boolean>;
  /** The Parquet files of the directory `<table>/` (see isTableFile), readable, in path order; whether any sits in a `key=value/` directory. */
  parquetFiles(table: string): Promise<{ files: string[]; hive: boolean }>;
  /** The file `<name>` at the root, readable. */
  file(name: string): Promise<string>;
  /** Where the Delta table `<table>/`'s files come from. */
  deltaStore(table: string): DeltaTableStore;
  /** Where the file at `path` (relative to `dir`) came from; null for a local dataset. */
  origin(path: string): FileOrigin | null;
  transfer(): TransferSummary | null;
  /** Releases what the dataset holds (a remote one's view; the cache keeps its files). */
  close(): Promise<void>;
}

/**
 * Whether a path under a table directory (its '/'-separated segments) is a data file: a `.parquet`
 * name, with no segment starting with `.` or `_` — writer bookkeeping (`_SUCCESS`, `_temporary/`
 * with unfinished part files, `.crc`, `._` resource forks) is never table data.
 */
export function isTableFile(segments: readonly string[]): boolean {
  return segments.length > 0 && segments[segments.length - 1]!.endsWith('.parquet') && segments.every((s) => !s.startsWith('.') && !s.startsWith('_'));
}

/** Orders paths as a depth-first walk with sorted names does (segment by segment), so a file list is the same whoever lists it. */
export function compareSegments(a: readonly string[], b: readonly string[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i]! < b[i]! ? -1 : 1;
  return a.length - b.length;
}

/**
 * A dataset directory on this machine. A Delta table's log may name files by absolute path under
 * the dataset directory and the directories of `allowExternalPaths` only (delta/table-paths.ts).
 */
export class LocalDataset implements Dataset {
  readonly location: string;
  readonly dir: string;
  private readonly allowedRoots: string[];

  constructor(dir: string, allowExternalPaths: readonly string[] = []) {
    // Absolute, so the file names DuckDB reports back (sqlFilePath makes them absolute) are these.
    this.dir = resolve(dir);
    this.location = dir;
    this.allowedRoots = [this.dir, ...allowExternalPaths.map((p) => resolve(p))];
  }

  async entry(name: string): Promise<'file' | 'directory' | null> {
    try {
      const st = statSync(join(this.dir, name));
      return st.isFile() ? 'file' : st.isDirectory() ? 'directory' : null;
    } catch {
      return null;
    }
  }

  async isDelta(table: string): Promise<boolean> {
    try {
      return statSync(join(this.dir, table, '_delta_log')).isDirectory();
    } catch {
      return false;
    }
  }

  async parquetFiles(table: string): Promise<{ files: string[]; hive: boolean }> {
    const files: string[] = [];
    let hive = false;
    const walk = (d: string, segments: string[]): void => {
      for (const entry of readdirSync(d, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
        const path = [...segments, entry.name];
        if (entry.isDirectory()) {
          if (entry.name.startsWith('.') || entry.name.startsWith('_')) continue;
          hive ||= entry.name.includes('=');
          walk(join(d, entry.name), path);
        } else if (isTableFile(path)) files.push(join(d, entry.name));
      }
    };
    walk(join(this.dir, table), []);
    return { files, hive };
  }

  async file(name: string): Promise<string> {
    return join(this.dir, name);
  }

  deltaStore(table: string): DeltaTableStore {
    return localTableStore(join(this.dir, table), this.allowedRoots);
  }

  origin(): FileOrigin | null {
    return null;
  }

  transfer(): TransferSummary | null {
    return null;
  }

  async close(): Promise<void> {}
}
