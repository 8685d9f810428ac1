import { readdirSync } from 'node:fs';

/** A checkpoint of the log at one version: its files (all parts, or one UUID-named or classic file). */
export interface Checkpoint {
  version: number;
  kind: 'classic' | 'multi-part' | 'uuid';
  /** File names in `_delta_log/`, in part order. */
  files: string[];
  /** Multi-part only: the part numbers the name scheme promises but the directory lacks. */
  missingParts: number[];
}

/** What `_delta_log/` holds, from its listing: commit versions and checkpoints. */
export interface LogListing {
  /** Commit versions (`<v>.json`), ascending. */
  commits: number[];
  /** Checkpoints, newest first; at most one per version (a complete one preferred). */
  checkpoints: Checkpoint[];
}

const COMMIT = /^(\d{20})\.json$/;
const CLASSIC = /^(\d{20})\.checkpoint\.parquet$/;
const MULTI_PART = /^(\d{20})\.checkpoint\.(\d{10})\.(\d{10})\.parquet$/;
const UUID = /^(\d{20})\.checkpoint\.([0-9a-fA-F-]{36})\.(json|parquet)$/;

/** The log's checkpoint hint (protocol "Last Checkpoint File"): never trusted, only where a listing starts. */
export const LAST_CHECKPOINT = '_last_checkpoint';

/** A version zero-padded to 20 digits, as every log file name starts. */
export function versionPrefix(version: number): string {
  return String(version).padStart(20, '0');
}

/** Zero-padded log file name of a version. */
export function commitName(version: number): string {
  return `${versionPrefix(version)}.json`;
}

/**
 * Lists the log (protocol "Delta Log Entries", "Checkpoints"). The listing, not `_last_checkpoint`,
 * is what the reader trusts: that file is only a hint, can be stale or missing, and on a local disk
 * listing the directory costs less than reading it. Staged commits, CRCs, compactions and
 * temporary files are ignored.
 */
export function listLog(logDir: string): LogListing {
  return parseLogNames(readdirSync(logDir));
}

/** The listing of `_delta_log/` from its file names (a directory's, or an object store's keys after the prefix). */
export function parseLogNames(names: Iterable<string>): LogListing {
  const commits: number[] = [];
  const multi = new Map<string, { version: number; of: number; parts: Map<number, string> }>();
  const byVersion = new Map<number, Checkpoint[]>();
  const add = (c: Checkpoint): void => {
    const list = byVersion.get(c.version) ?? [];
    list.push(c);
    byVersion.set(c.version, list);
  };
  for (const name of names) {
    let m: RegExpExecArray | null;
    if ((m = COMMIT.exec(name)) !== null) commits.push(Number(m[1]));
    else if ((m = CLASSIC.exec(name)) !== null) add({ version: Number(m[1]), kind: 'classic', files: [name], missingParts: [] });
    else if ((m = UUID.exec(name)) !== null) add({ version: Number(m[1]), kind: 'uuid', files: [name], missingParts: [] });
    else if ((m = MULTI_PART.exec(name)) !== null) {
      const key = `${m[1]}.${m[3]}`;
      const entry = multi.get(key) ?? { version: Number(m[1]), of: Number(m[3]), parts: new Map<number, string>() };
      entry.parts.set(Number(m[2]), name);
      multi.set(key, entry);
    }
  }
  for (const { version, of, parts } of multi.values()) {
    const files: string[] = [];
    const missingParts: number[] = [];
    for (let p = 1; p <= of; p++) {
      const file = parts.get(p);
      if (file === undefined) missingParts.push(p);
      else files.push(file);
    }
    add({ version, kind: 'multi-part', files, missingParts });
  }
  commits.sort((a, b) => a - b);
  const checkpoints = [...byVersion.values()]
    .map((list) => list.find((c) => c.missingParts.length === 0) ?? list[0]!)
    .sort((a, b) => b.version - a.version);
  return { commits, checkpoints };
}

/** The name of a multi-part checkpoint's part `part`, for messages about a missing one. */
export function partName(c: Checkpoint, part: number): string {
  const of = c.files.length + c.missingParts.length;
  return `${versionPrefix(c.version)}.checkpoint.${String(part).padStart(10, '0')}.${String(of).padStart(10, '0')}.parquet`;
}
