import { readdirSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { pathFromUri } from './deletion-vector.js';
import { listLog } from './log-files.js';
import type { LogListing } from './log-files.js';

/** A file of the table to make readable, with its size when the log says it. */
export interface TableFile {
  file: string;
  size: number | null;
}

/**
 * Where a Delta table's files come from. Snapshots read every file at a path under `dir`; a local
 * table is read in place, a table on object storage (io/storage) through its cache, each file
 * fetched when the log names it.
 */
export interface DeltaTableStore {
  /** The table's directory: where its files are, or will be once fetched. */
  readonly dir: string;
  /** Where a file is missing from, for messages: `on disk`, `in object storage`. */
  readonly medium: string;
  /** The listing of `_delta_log/`, enough to read `version` (undefined: the latest). */
  listLog(version: number | undefined): Promise<LogListing>;
  /** A path or URI the log holds (`add.path`, a `p` deletion vector, a sidecar), resolved against `base`, as a path under `dir`. */
  resolve(uri: string, base: string): string;
  /** Makes the files readable at their paths; returns those that do not exist. */
  fetch(files: readonly TableFile[]): Promise<string[]>;
}

/** A table on this machine: the directory is listed and its files checked in place. */
export function localTableStore(dir: string): DeltaTableStore {
  return {
    dir,
    medium: 'on disk',
    listLog: async () => listLog(join(dir, '_delta_log')),
    resolve: pathFromUri,
    fetch: async (files) => {
      const onDisk = directoryIndex();
      return files.filter((f) => !onDisk(f.file)).map((f) => f.file);
    },
  };
}

/**
 * Whether a file exists, from one listing per directory: a table's files sit in a few directories,
 * and 10,000 stat calls cost ~150 ms where a dozen listings cost ~5.
 */
function directoryIndex(): (file: string) => boolean {
  const listings = new Map<string, Set<string>>();
  return (file) => {
    const dir = dirname(file);
    let names = listings.get(dir);
    if (names === undefined) {
      try {
        names = new Set(readdirSync(dir));
      } catch {
        names = new Set();
      }
      listings.set(dir, names);
    }
    return names.has(basename(file));
  };
}
