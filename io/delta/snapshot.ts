import { dirname, join } from 'node:path';
import type { DuckDBSession } from '../input/duckdb-session.js';
import { readJsonActions, readParquetActions } from './checkpoint-actions.js';
import { DeltaError } from './delta-error.js';
import { deletionVectorId, deletionVectorPath } from './deletion-vector.js';
import type { DeletionVectorDescriptor } from './deletion-vector.js';
import { commitName, listLog, partName } from './log-files.js';
import type { Checkpoint } from './log-files.js';
import type { FileAction, LogAction, MetadataAction, ProtocolAction } from './log-actions.js';
import { unsupportedProtocol } from './reader-features.js';
import { SchemaError, tableColumns } from './table-schema.js';
import { TablePaths, resolveLogPath } from './table-paths.js';
import type { LogPath } from './table-paths.js';
import type { DeltaColumn } from './table-schema.js';

/** A live data file of a snapshot (protocol: a logical file, the newest `add` of its path). */
export interface DeltaFile {
  /** The `add.path` of the log, as written. */
  path: string;
  /** Where it is on disk (checked by TablePaths). */
  file: string;
  /** Raw partition values keyed by the column's partition key; null is a null value. */
  partitionValues: Record<string, string | null>;
  deletionVector: DeletionVectorDescriptor | null;
  /** The file of a `u` or `p` deletion vector (checked by TablePaths); null without one or for an inline one. */
  deletionVectorFile: string | null;
}

/** A Delta table at one version, as protocol "Action Reconciliation" defines it. */
export interface DeltaSnapshot {
  dir: string;
  version: number;
  columns: DeltaColumn[];
  /** Live files in path order. */
  files: DeltaFile[];
}

/**
 * Replays the log of the Delta table in `dir` up to `version` (default: the latest) and returns
 * the snapshot. Starts from the newest complete checkpoint at or before the version (classic,
 * multi-part, or V2 with sidecars; Parquet checkpoints are decoded by DuckDB), then applies each
 * JSON commit after it in order. Checks the protocol (reader version and features) and that every
 * live data file exists. Any problem is a DeltaError naming the file it is in. Every file read
 * must be where TablePaths allows: inside the table, or for an absolute path in the log under
 * one of `allowedRoots` (absolute; default: the directory holding the table, the dataset).
 */
export async function readSnapshot(session: DuckDBSession, dir: string, version?: number, allowedRoots: readonly string[] = [dirname(dir)]): Promise<DeltaSnapshot> {
  const paths = new TablePaths(dir, allowedRoots);
  const logDir = join(dir, '_delta_log');
  paths.checkListed(logDir, 'the log directory _delta_log');
  const listing = listLog(logDir);
  const latest = Math.max(listing.commits.at(-1) ?? -1, listing.checkpoints[0]?.version ?? -1);
  if (latest < 0) throw new DeltaError(logDir, 'holds no commit (no <version>.json file)');
  const target = version ?? latest;
  if (!Number.isInteger(target) || target < 0 || target > latest) throw new DeltaError(logDir, `has no version ${target} (versions up to ${latest})`);

  const start = startingPoint(logDir, listing.commits, listing.checkpoints, target);
  const replay = new Replay(dir);
  if (start !== null) await readCheckpoint(session, paths, logDir, start, replay);
  for (let v = start === null ? 0 : start.version + 1; v <= target; v++) {
    const file = join(logDir, commitName(v));
    paths.checkListed(file, `log file ${commitName(v)}`);
    replay.apply(readJsonActions(file), file, false);
  }

  const { protocol, metadata } = replay;
  if (protocol === null) throw new DeltaError(logDir, `has no protocol action up to version ${target}`);
  if (metadata === null) throw new DeltaError(logDir, `has no metaData action up to version ${target}`);
  const refused = unsupportedProtocol(protocol.action);
  if (refused !== null) throw new DeltaError(protocol.file, refused);
  if (metadata.action.provider.toLowerCase() !== 'parquet') throw new DeltaError(metadata.file, `data files are '${metadata.action.provider}', not Parquet`);
  let columns: DeltaColumn[];
  try {
    columns = tableColumns(metadata.action, protocol.action);
  } catch (err) {
    if (err instanceof SchemaError) throw new DeltaError(metadata.file, `table schema: ${err.message}`);
    throw err;
  }

  const files: DeltaFile[] = [];
  for (const { action: add, path } of replay.live.values()) {
    const file = paths.check(path, `data file '${add.path}'`);
    let deletionVectorFile: string | null = null;
    if (add.deletionVector !== null) {
      try {
        const dv = deletionVectorPath(dir, add.deletionVector);
        deletionVectorFile = dv === null ? null : paths.check(dv, `its deletion vector '${dv.uri}'`);
      } catch (err) {
        if (err instanceof DeltaError) throw new DeltaError(err.file, `data file '${add.path}': ${err.message}`);
        throw err;
      }
    }
    files.push({ path: add.path, file, partitionValues: add.partitionValues, deletionVector: add.deletionVector, deletionVectorFile });
  }
  files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  // A partition column missing from partitionValues is a broken log, not a null (which is written as null).
  for (const c of columns.filter((column) => column.partition)) {
    const lacking = files.find((f) => !Object.hasOwn(f.partitionValues, c.partitionKey));
    if (lacking !== undefined) throw new DeltaError(lacking.file, `the log gives this data file no value for the partition column '${c.name}'${c.partitionKey === c.name ? '' : ` (key '${c.partitionKey}')`} (partitionValues ${JSON.stringify(lacking.partitionValues)})`);
  }
  const missing = files.find((f) => !paths.exists(f.file));
  if (missing !== undefined) throw new DeltaError(missing.file, `is a live data file of version ${target} but is missing on disk`);
  return { dir, version: target, columns, files };
}

/**
 * The newest complete checkpoint at or before `target` whose later commits are all present, or
 * null to replay from version 0. A multi-part checkpoint with a missing part is skipped (the
 * protocol: "readers must ignore multi-part checkpoints with missing parts"), but is the error
 * when nothing else can reach the version.
 */
function startingPoint(logDir: string, commits: readonly number[], checkpoints: readonly Checkpoint[], target: number): Checkpoint | null {
  const have = new Set(commits);
  let incomplete: DeltaError | null = null;
  let start: Checkpoint | null = null;
  for (const c of checkpoints) {
    if (c.version > target) continue;
    if (c.missingParts.length === 0) {
      start = c;
      break;
    }
    const part = c.missingParts[0]!;
    incomplete ??= new DeltaError(join(logDir, partName(c, part)), `is missing: part ${part} of the ${c.files.length + c.missingParts.length}-part checkpoint of version ${c.version}`);
  }
  for (let v = start === null ? 0 : start.version + 1; v <= target; v++) {
    if (have.has(v)) continue;
    if (incomplete !== null) throw incomplete;
    const after = start === null ? 'no checkpoint precedes it' : `it follows the checkpoint of version ${start.version}`;
    throw new DeltaError(join(logDir, commitName(v)), `is missing: version ${target} cannot be read without commit ${v} (${after})`);
  }
  return start;
}

async function readCheckpoint(session: DuckDBSession, paths: TablePaths, logDir: string, c: Checkpoint, replay: Replay): Promise<void> {
  const parts = c.files.map((f) => join(logDir, f));
  for (const [i, part] of parts.entries()) paths.checkListed(part, `checkpoint file ${c.files[i]}`);
  const actions = parts[0]!.endsWith('.json') ? readJsonActions(parts[0]!) : await readParquetActions(session, parts);
  const sidecars = replay.apply(actions, parts[0]!, true);
  if (sidecars.length === 0) return;
  const files = sidecars.map((s) => {
    const file = inLogFile(parts[0]!, 'sidecar ', () => paths.check(resolveLogPath(s, join(logDir, '_sidecars')), `sidecar '${s}'`));
    if (!paths.exists(file)) throw new DeltaError(file, `is missing: a sidecar of the checkpoint ${c.files[0]}`);
    return file;
  });
  replay.apply(await readParquetActions(session, files), files[0]!, true);
}

/**
 * Log replay state: the latest protocol and metadata, and the live logical files by path. Paths
 * are reconciled by the file they name (percent-decoded, normalised): `./part-0.parquet` and
 * `part%2D0.parquet` are `part-0.parquet`, so a second add of one file replaces the first.
 */
class Replay {
  protocol: { action: ProtocolAction; file: string } | null = null;
  metadata: { action: MetadataAction; file: string } | null = null;
  readonly live = new Map<string, { action: FileAction; path: LogPath }>();

  constructor(private readonly tableDir: string) {}

  private resolve(kind: string, action: FileAction, file: string): LogPath {
    return inLogFile(file, `${kind} `, () => resolveLogPath(action.path, this.tableDir));
  }

  /** Applies one file's actions in order; returns the sidecars a checkpoint names. */
  apply(actions: readonly LogAction[], file: string, checkpoint: boolean): string[] {
    const sidecars: string[] = [];
    for (const a of actions) {
      switch (a.kind) {
        case 'protocol':
          this.protocol = { action: a.protocol, file };
          break;
        case 'metaData':
          this.metadata = { action: a.metadata, file };
          break;
        case 'add': {
          // The newest (path, dvId) of a path replaces any older one.
          const path = this.resolve('add', a.file, file);
          this.live.set(path.file, { action: a.file, path });
          break;
        }
        case 'remove': {
          // A remove ends the logical file (path, dvId) it names; in one commit a file may be
          // removed with its old deletion vector and added with a new one, in either order.
          const key = this.resolve('remove', a.file, file).file;
          const current = this.live.get(key);
          if (current !== undefined && deletionVectorId(current.action.deletionVector) === deletionVectorId(a.file.deletionVector)) this.live.delete(key);
          break;
        }
        case 'sidecar':
          // Sidecars belong to V2 checkpoints; in a commit they take no part in replay.
          if (checkpoint) sidecars.push(a.sidecar.path);
          break;
      }
    }
    return sidecars;
  }
}

/** `work()`, with a DeltaError of a path it names (resolveLogPath's `path '…' …`) placed in the log file `file`. */
function inLogFile<T>(file: string, prefix: string, work: () => T): T {
  try {
    return work();
  } catch (err) {
    if (err instanceof DeltaError && err.file === null) throw new DeltaError(file, err.message.startsWith('path ') ? `${prefix}${err.message}` : err.message);
    throw err;
  }
}
