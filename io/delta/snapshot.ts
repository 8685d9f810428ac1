import { join } from 'node:path';
import type { DuckDBSession } from '../input/duckdb-session.js';
import { readJsonActions, readParquetActions } from './checkpoint-actions.js';
import { DeltaError } from './delta-error.js';
import { deletionVectorFile, deletionVectorId } from './deletion-vector.js';
import type { DeletionVectorDescriptor } from './deletion-vector.js';
import { commitName, partName } from './log-files.js';
import type { Checkpoint } from './log-files.js';
import type { FileAction, LogAction, MetadataAction, ProtocolAction } from './log-actions.js';
import { unsupportedProtocol } from './reader-features.js';
import { SchemaError, tableColumns } from './table-schema.js';
import { resolveLogPath } from './table-paths.js';
import type { DeltaColumn } from './table-schema.js';
import { localTableStore } from './table-store.js';
import type { DeltaTableStore } from './table-store.js';

/** A live data file of a snapshot (protocol: a logical file, the newest `add` of its path). */
export interface DeltaFile {
  /** The `add.path` of the log, as written. */
  path: string;
  /** Where it is on disk. */
  file: string;
  /** Raw partition values keyed by the column's partition key; null is a null value. */
  partitionValues: Record<string, string | null>;
  deletionVector: DeletionVectorDescriptor | null;
  /** Where the deletion vector's file is (null: none, or inline). */
  deletionVectorFile: string | null;
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
 * Replays the log of the Delta table in `table` (a directory, or a store: see table-store.ts) up to
 * `version` (default: the latest) and returns the snapshot. Starts from the newest complete
 * checkpoint at or before the version (classic, multi-part, or V2 with sidecars; Parquet
 * checkpoints are decoded by DuckDB), then applies each JSON commit after it in order. Checks the
 * protocol (reader version and features) and that every live data file exists; on return every
 * live file and deletion-vector file is readable at its path. Any problem is a DeltaError naming
 * the file it is in. Where the log's paths may lead is the store's rule (a local table:
 * table-paths.ts, by default with the directory holding the table as the only external root).
 */
export async function readSnapshot(session: DuckDBSession, table: string | DeltaTableStore, version?: number): Promise<DeltaSnapshot> {
  const store = typeof table === 'string' ? localTableStore(table) : table;
  const dir = store.dir;
  const logDir = join(dir, '_delta_log');
  const listing = await store.listLog(version);
  const latest = Math.max(listing.commits.at(-1) ?? -1, listing.checkpoints[0]?.version ?? -1);
  if (latest < 0) throw new DeltaError(logDir, 'holds no commit (no <version>.json file)');
  const target = version ?? latest;
  if (!Number.isInteger(target) || target < 0 || target > latest) throw new DeltaError(logDir, `has no version ${target} (versions up to ${latest})`);

  const start = startingPoint(logDir, listing.commits, listing.checkpoints, target);
  const commits: string[] = [];
  for (let v = start === null ? 0 : start.version + 1; v <= target; v++) commits.push(join(logDir, commitName(v)));
  const logFiles = [...(start === null ? [] : start.files.map((f) => join(logDir, f))), ...commits];
  const gone = await store.fetch(logFiles.map((file) => ({ file, size: null })));
  if (gone.length > 0) throw new DeltaError(gone[0]!, `is missing ${store.medium}: it was listed, then removed while the log was read (a VACUUM or log cleanup racing this read)`);
  const replay = new Replay(store);
  if (start !== null) await readCheckpoint(session, store, logDir, start, replay);
  for (const file of commits) replay.apply(readJsonActions(file), file, false);

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
  const sizes: { file: string; size: number | null }[] = [];
  for (const add of replay.live.values()) {
    let file: string;
    let dvFile: string | null;
    try {
      file = store.resolve(add.path, dir);
    } catch (err) {
      throw new DeltaError(null, about(`data file '${add.path}'`, err));
    }
    try {
      dvFile = add.deletionVector === null ? null : deletionVectorFile(dir, add.deletionVector, (uri, base) => store.resolve(uri, base));
    } catch (err) {
      throw new DeltaError(null, about(`deletion vector '${add.deletionVector!.pathOrInlineDv}' of data file '${add.path}'`, err));
    }
    files.push({ path: add.path, file, partitionValues: add.partitionValues, deletionVector: add.deletionVector, deletionVectorFile: dvFile });
    sizes.push({ file, size: add.size });
  }
  files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  // A partition column missing from partitionValues is a broken log, not a null (which is written as null).
  for (const c of columns.filter((column) => column.partition)) {
    const lacking = files.find((f) => !Object.hasOwn(f.partitionValues, c.partitionKey));
    if (lacking !== undefined) throw new DeltaError(lacking.file, `the log gives this data file no value for the partition column '${c.name}'${c.partitionKey === c.name ? '' : ` (key '${c.partitionKey}')`} (partitionValues ${JSON.stringify(lacking.partitionValues)})`);
  }
  sizes.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  const missing = await store.fetch(sizes);
  if (missing.length > 0) throw new DeltaError(missing[0]!, `is a live data file of version ${target} but is missing ${store.medium}`);
  // A missing vector file is reported when it is read (deletion-vector.ts), naming its data file.
  const vectors = [...new Set(files.map((f) => f.deletionVectorFile).filter((f): f is string => f !== null))];
  await store.fetch(vectors.map((file) => ({ file, size: null })));
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

async function readCheckpoint(session: DuckDBSession, store: DeltaTableStore, logDir: string, c: Checkpoint, replay: Replay): Promise<void> {
  const paths = c.files.map((f) => join(logDir, f));
  const actions = paths[0]!.endsWith('.json') ? readJsonActions(paths[0]!) : await readParquetActions(session, paths);
  const sidecars = replay.apply(actions, paths[0]!, true);
  if (sidecars.length === 0) return;
  const files = sidecars.map((s) => ({
    file: inLogFile(paths[0]!, 'sidecar', s.path, () => store.resolve(s.path, join(logDir, '_sidecars'))),
    size: s.size,
  }));
  const missing = await store.fetch(files);
  if (missing.length > 0) throw new DeltaError(missing[0]!, `is missing: a sidecar of the checkpoint ${c.files[0]}`);
  replay.apply(
    await readParquetActions(
      session,
      files.map((f) => f.file),
    ),
    files[0]!.file,
    true,
  );
}

/**
 * Log replay state: the latest protocol and metadata, and the live logical files by path. Paths
 * are reconciled by the file they name (percent-decoded, normalised): `./part-0.parquet` and
 * `part%2D0.parquet` are `part-0.parquet`, so a second add of one file replaces the first.
 * Object-storage URLs (`s3://…`) are keyed as written.
 */
class Replay {
  protocol: { action: ProtocolAction; file: string } | null = null;
  metadata: { action: MetadataAction; file: string } | null = null;
  readonly live = new Map<string, FileAction>();

  constructor(private readonly store: DeltaTableStore) {}

  private key(kind: string, path: string, file: string): string {
    if (/^[a-zA-Z][a-zA-Z0-9+.-]*:/.test(path) && !/^file:/i.test(path)) return path;
    return inLogFile(file, kind, path, () => resolveLogPath(path, this.store.dir).file);
  }

  /** Applies one file's actions in order; returns the sidecars a checkpoint names. */
  apply(actions: readonly LogAction[], file: string, checkpoint: boolean): { path: string; size: number | null }[] {
    const sidecars: { path: string; size: number | null }[] = [];
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
          this.live.set(this.key('add', a.file.path, file), a.file);
          break;
        case 'remove': {
          // A remove ends the logical file (path, dvId) it names; in one commit a file may be
          // removed with its old deletion vector and added with a new one, in either order.
          const key = this.key('remove', a.file.path, file);
          const current = this.live.get(key);
          if (current !== undefined && deletionVectorId(current.deletionVector) === deletionVectorId(a.file.deletionVector)) this.live.delete(key);
          break;
        }
        case 'sidecar':
          // Sidecars belong to V2 checkpoints; in a commit they take no part in replay.
          if (checkpoint) sidecars.push(a.sidecar);
          break;
      }
    }
    return sidecars;
  }
}

/**
 * `work()` resolving the `kind` path `path` named in the log file `file`; its failure (a path that
 * does not decode, or leads where the table's files may not be) is a DeltaError in that file.
 */
function inLogFile<T>(file: string, kind: string, path: string, work: () => T): T {
  try {
    return work();
  } catch (err) {
    if (!(err instanceof Error)) throw err;
    throw new DeltaError(file, err.message.startsWith(`path '${path}'`) ? `${kind} ${err.message}` : about(`${kind} '${path}'`, err));
  }
}

/** `what` and why it cannot be read, as one sentence ("data file 'x' resolves to …") or `what: problem`. */
function about(what: string, err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return /^(is|resolves) /.test(message) ? `${what} ${message}` : `${what}: ${message}`;
}
