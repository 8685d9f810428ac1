import { existsSync, readdirSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { DuckDBSession } from '../input/duckdb-session.js';
import { readJsonActions, readParquetActions } from './checkpoint-actions.js';
import { DeltaError } from './delta-error.js';
import { deletionVectorId, pathFromUri } from './deletion-vector.js';
import type { DeletionVectorDescriptor } from './deletion-vector.js';
import { commitName, listLog, partName } from './log-files.js';
import type { Checkpoint } from './log-files.js';
import type { FileAction, LogAction, MetadataAction, ProtocolAction } from './log-actions.js';
import { unsupportedProtocol } from './reader-features.js';
import { SchemaError, tableColumns } from './table-schema.js';
import type { DeltaColumn } from './table-schema.js';

/** A live data file of a snapshot (protocol: a logical file, the newest `add` of its path). */
export interface DeltaFile {
  /** The `add.path` of the log, URI-decoded. */
  path: string;
  /** Where it is on disk. */
  file: string;
  /** Raw partition values keyed by the column's partition key; null is a null value. */
  partitionValues: Record<string, string | null>;
  deletionVector: DeletionVectorDescriptor | null;
}

/** A Delta table at one version, as protocol "Action Reconciliation" defines it. */
export interface DeltaSnapshot {
  dir: string;
  version: number;
  /** The table's id (metaData.id): a table dropped and re-created under the same path has another. */
  tableId: string | null;
  columns: DeltaColumn[];
  /** Live files in path order. */
  files: DeltaFile[];
}

/**
 * Replays the log of the Delta table in `dir` up to `version` (default: the latest) and returns
 * the snapshot. Starts from the newest complete checkpoint at or before the version (classic,
 * multi-part, or V2 with sidecars; Parquet checkpoints are decoded by DuckDB), then applies each
 * JSON commit after it in order. Checks the protocol (reader version and features) and that every
 * live data file exists. Any problem is a DeltaError naming the file it is in.
 */
export async function readSnapshot(session: DuckDBSession, dir: string, version?: number): Promise<DeltaSnapshot> {
  const logDir = join(dir, '_delta_log');
  const listing = listLog(logDir);
  const latest = Math.max(listing.commits.at(-1) ?? -1, listing.checkpoints[0]?.version ?? -1);
  if (latest < 0) throw new DeltaError(logDir, 'holds no commit (no <version>.json file)');
  const target = version ?? latest;
  if (!Number.isInteger(target) || target < 0 || target > latest) throw new DeltaError(logDir, `has no version ${target} (versions up to ${latest})`);

  const start = startingPoint(logDir, listing.commits, listing.checkpoints, target);
  const replay = new Replay();
  if (start !== null) await readCheckpoint(session, logDir, start, replay);
  for (let v = start === null ? 0 : start.version + 1; v <= target; v++) {
    const file = join(logDir, commitName(v));
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
  for (const add of replay.live.values()) {
    let file: string;
    try {
      file = pathFromUri(add.path, dir);
    } catch (err) {
      throw new DeltaError(null, `data file '${add.path}': ${(err as Error).message}`);
    }
    files.push({ path: add.path, file, partitionValues: add.partitionValues, deletionVector: add.deletionVector });
  }
  files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const onDisk = directoryIndex();
  const missing = files.find((f) => !onDisk(f.file));
  if (missing !== undefined) throw new DeltaError(missing.file, `is a live data file of version ${target} but is missing on disk`);
  return { dir, version: target, tableId: metadata.action.id, columns, files };
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

async function readCheckpoint(session: DuckDBSession, logDir: string, c: Checkpoint, replay: Replay): Promise<void> {
  const paths = c.files.map((f) => join(logDir, f));
  const actions = paths[0]!.endsWith('.json') ? readJsonActions(paths[0]!) : await readParquetActions(session, paths);
  const sidecars = replay.apply(actions, paths[0]!, true);
  if (sidecars.length === 0) return;
  const files = sidecars.map((s) => {
    const file = s.includes('/') ? pathFromUri(s, join(logDir, '_sidecars')) : join(logDir, '_sidecars', decodeURIComponent(s));
    if (!existsSync(file)) throw new DeltaError(file, `is missing: a sidecar of the checkpoint ${c.files[0]}`);
    return file;
  });
  replay.apply(await readParquetActions(session, files), files[0]!, true);
}

/** Log replay state: the latest protocol and metadata, and the live logical files by path. */
class Replay {
  protocol: { action: ProtocolAction; file: string } | null = null;
  metadata: { action: MetadataAction; file: string } | null = null;
  readonly live = new Map<string, FileAction>();

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
        case 'add':
          // The newest (path, dvId) of a path replaces any older one.
          this.live.set(a.file.path, a.file);
          break;
        case 'remove': {
          // A remove ends the logical file (path, dvId) it names; in one commit a file may be
          // removed with its old deletion vector and added with a new one, in either order.
          const current = this.live.get(a.file.path);
          if (current !== undefined && deletionVectorId(current.deletionVector) === deletionVectorId(a.file.deletionVector)) this.live.delete(a.file.path);
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
