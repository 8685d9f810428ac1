import { createHash } from 'node:crypto';
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { relative } from 'node:path';
import { DeltaError } from '../delta/delta-error.js';
import { prepareDeltaScan } from '../delta/scan-sql.js';
import type { DeltaScan } from '../delta/scan-sql.js';
import { readSnapshot } from '../delta/snapshot.js';
import { abortedBy, InputError } from '../errors.js';
import type { Dataset } from './dataset.js';
import { sqlFilePath } from './duckdb-session.js';
import { INPUT_TABLES } from './input-schema.js';
import type { ContractColumn } from './input-schema.js';
import type { DuckDBSession } from './duckdb-session.js';

export interface InputFile {
  /** Path relative to the dataset directory, '/'-separated. */
  path: string;
  bytes: number;
  sha256: string;
  /** A remote dataset's file: where it was read from. */
  url?: string;
  /** …and the ETag of the version read (plain Parquet; a Delta file is named by the table's version). */
  etag?: string;
}

/**
 * Where a table's rows are: one `<table>.parquet`, every Parquet file under `<table>/`, or the live
 * files of a Delta table `<table>/` (a directory holding `_delta_log/`) at one version.
 */
export interface TableSource {
  table: string;
  /** What error messages name: the file, the directory of files, or the Delta table and version. */
  label: string;
  /** The Parquet data files read. */
  files: string[];
  hive: boolean;
  /** A Delta table: the snapshot read and how to read it; null for plain Parquet. */
  delta: DeltaScan | null;
}

/**
 * Finds `table` in the dataset (SPEC §2). A directory with `_delta_log/` is a Delta table, read at
 * `deltaVersion` (default: its latest version) and never as a plain directory of Parquet files.
 * Every file of the returned source is readable at its path (fetched, for a remote dataset).
 */
export async function findTable(session: DuckDBSession, dataset: Dataset, table: string, required: boolean, deltaVersion?: number): Promise<TableSource | null> {
  const source = await locateTable(session, dataset, table, required, deltaVersion);
  // A path DuckDB cannot name literally fails here, as the first error of the table.
  if (source !== null) for (const file of source.files) sqlFilePath(file);
  return source;
}

async function locateTable(session: DuckDBSession, dataset: Dataset, table: string, required: boolean, deltaVersion: number | undefined): Promise<TableSource | null> {
  const fileName = `${table}.parquet`;
  const isFile = (await dataset.entry(fileName)) === 'file';
  const isDirectory = (await dataset.entry(table)) === 'directory';
  if (isFile && isDirectory) throw new InputError(fileName, `both ${fileName} and a directory ${table}/ exist in ${dataset.location}; keep one`);
  const delta = isDirectory && (await dataset.isDelta(table));
  if (deltaVersion !== undefined && !delta) throw new InputError(isFile ? fileName : `${table}/`, `a Delta version (${deltaVersion}) is pinned for '${table}', but it is not a Delta table (no ${table}/_delta_log/)`);
  if (delta) return findDeltaTable(session, dataset, table, deltaVersion);
  if (isFile) return { table, label: fileName, files: [await dataset.file(fileName)], hive: false, delta: null };
  if (isDirectory) {
    const { files, hive } = await dataset.parquetFiles(table);
    if (files.length === 0) throw new InputError(`${table}/`, 'directory holds no .parquet files');
    return { table, label: `${table}/`, files, hive, delta: null };
  }
  if (required) throw new InputError(fileName, `required table '${table}' not found in ${dataset.location} (expected ${fileName} or a directory ${table}/)`);
  return null;
}

async function findDeltaTable(session: DuckDBSession, dataset: Dataset, table: string, version: number | undefined): Promise<TableSource> {
  try {
    const snapshot = await readSnapshot(session, dataset.deltaStore(table), version);
    // Only the contract's columns are read: partition columns outside it (a plays table by date and hour) group nothing.
    const contract = (INPUT_TABLES as Partial<Record<string, readonly ContractColumn[]>>)[table]?.map((c) => c.name);
    const delta = await prepareDeltaScan(session, snapshot, `__delta_deleted_${table}`, contract);
    return { table, label: `${table}/ (Delta version ${snapshot.version})`, files: delta.files, hive: false, delta };
  } catch (err) {
    if (!(err instanceof DeltaError)) throw err;
    const where = err.file === null ? `${table}/` : relativePath(dataset.dir, err.file);
    throw new InputError(where, `Delta table '${table}'${version === undefined ? '' : ` at version ${version}`}: ${err.message}`);
  }
}

/**
 * The SQL table expression reading every row of the source; with `origin`, each row also has
 * `filename` and `file_row_number` (its 0-based row in that file), for messages.
 */
export function sourceSql(source: TableSource, origin = false): string {
  if (source.delta !== null) return origin ? source.delta.originSql : source.delta.sql;
  const list = `[${source.files.map(sqlFilePath).join(', ')}]`;
  return `read_parquet(${list}, hive_partitioning = ${source.hive}, union_by_name = ${source.files.length > 1}${origin ? ', filename = true, file_row_number = true' : ''})`;
}

/** Every file the source reads: its data files and, for a Delta table, its deletion-vector files. */
export function sourceFiles(source: TableSource): string[] {
  return source.delta === null ? source.files : [...source.files, ...source.delta.deletionVectorFiles];
}

/**
 * Sizes and SHA-256 of every file the sources read, one file after another through one buffer
 * (it runs on a worker thread): thousands of small files then cost their bytes, not a stream
 * and a fresh buffer each. `signal` stops the hashing within 32 MB of reading.
 */
export async function describeInputFiles(dataDir: string, sources: TableSource[], signal?: AbortSignal): Promise<InputFile[]> {
  const buffer = Buffer.allocUnsafe(1 << 20);
  const described: InputFile[] = [];
  for (const file of sources.flatMap(sourceFiles)) described.push({ path: relativePath(dataDir, file), bytes: statSync(file).size, sha256: await sha256File(file, buffer, signal) });
  return described;
}

async function sha256File(file: string, buffer: Buffer, signal: AbortSignal | undefined): Promise<string> {
  const hash = createHash('sha256');
  const fd = openSync(file, 'r');
  try {
    let reads = 0;
    for (let n = readSync(fd, buffer, 0, buffer.length, null); n > 0; n = readSync(fd, buffer, 0, buffer.length, null)) {
      hash.update(buffer.subarray(0, n));
      // Every 32 reads the event loop runs, so an abort (a timer polling the run's flag) is seen.
      if (++reads % 32 === 0) await new Promise((resolve) => setImmediate(resolve));
      if (signal?.aborted === true) throw abortedBy(signal);
    }
  } finally {
    closeSync(fd);
  }
  return hash.digest('hex');
}

/** What a run read of a Delta table (recorded in its manifest, and read back by explain). */
export interface DeltaInput {
  version: number;
  /** Live data files (relative to the dataset), with the deletion vector read for each. */
  files: { path: string; deletion_vector: string | null; deleted_rows: number }[];
}

/** The Delta tables among `sources`, by table: version and live files. */
export function describeDeltaInputs(dataDir: string, sources: readonly TableSource[]): Record<string, DeltaInput> {
  const out: Record<string, DeltaInput> = {};
  for (const s of sources) {
    if (s.delta === null) continue;
    out[s.table] = {
      version: s.delta.version,
      files: s.delta.liveFiles.map((f) => ({ path: relativePath(dataDir, f.file), deletion_vector: f.deletionVector, deleted_rows: f.deletedRows })),
    };
  }
  return out;
}

/**
 * The Delta versions a run read, by table, from its manifest's `inputs.delta` (what
 * describeDeltaInputs recorded); empty for runs without Delta tables or from before them.
 */
export function recordedDeltaVersions(inputsDelta: unknown): Record<string, number> {
  const versions: Record<string, number> = {};
  if (typeof inputsDelta !== 'object' || inputsDelta === null) return versions;
  for (const [table, input] of Object.entries(inputsDelta)) {
    const version = (input as { version?: unknown } | null)?.version;
    if (typeof version === 'number' && Number.isInteger(version) && version >= 0) versions[table] = version;
  }
  return versions;
}

/** `file` relative to the dataset directory, '/'-separated. */
export function relativePath(dataDir: string, file: string): string {
  return relative(dataDir, file).split('\\').join('/');
}
