import { dirname, join, resolve } from 'node:path';
import { listLog } from './log-files.js';
import type { LogListing } from './log-files.js';
import { TablePaths, resolveLogPath } from './table-paths.js';

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

/**
 * A table on this machine, its files checked in place against the path rule of table-paths.ts:
 * relative paths inside the table, absolute ones under `allowedRoots` (default: the directory
 * holding the table, the dataset), symbolic links followed and held to the same rule.
 */
export function localTableStore(tableDir: string, allowedRoots: readonly string[] = [dirname(resolve(tableDir))]): DeltaTableStore {
  // Absolute: every path the table's files get is then absolute and normalised, as TablePaths compares them.
  const dir = resolve(tableDir);
  const paths = new TablePaths(dir, allowedRoots);
  return {
    dir,
    medium: 'on disk',
    listLog: async () => {
      const logDir = join(dir, '_delta_log');
      paths.present(logDir);
      return listLog(logDir);
    },
    resolve: (uri, base) => paths.check(resolveLogPath(uri, base)),
    fetch: async (files) => files.filter((f) => !paths.present(f.file)).map((f) => f.file),
  };
}
