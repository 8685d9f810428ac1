import { createHash } from 'node:crypto';
import { createReadStream, readdirSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { DeltaError } from '../delta/delta-error.js';
import { prepareDeltaScan } from '../delta/scan-sql.js';
import type { DeltaScan } from '../delta/scan-sql.js';
import { readSnapshot } from '../delta/snapshot.js';
import { InputError } from '../errors.js';
import { sqlFilePath } from './duckdb-session.js';
import type { DuckDBSession } from './duckdb-session.js';

export interface InputFile {
  /** Path relative to the dataset directory, '/'-separated. */
  path: string;
  bytes: number;
  sha256: string;
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
 */
export async function findTable(session: DuckDBSession, dataset: string, table: string, required: boolean, deltaVersion?: number, allowExternalPaths: readonly string[] = []): Promise<TableSource | null> {
  const source = await locateTable(session, dataset, table, required, deltaVersion, allowExternalPaths);
  // A path DuckDB cannot name literally fails here, as the first error of the table.
  if (source !== null) for (const file of source.files) sqlFilePath(file);
  return source;
}

async function locateTable(session: DuckDBSession, dataset: string, table: string, required: boolean, deltaVersion: number | undefined, allowExternalPaths: readonly string[]): Promise<TableSource | null> {
  // Absolute, so the file names DuckDB reports back (which sqlFilePath makes absolute) are these.
  const dataDir = resolve(dataset);
  const file = join(dataDir, `${table}.parquet`);
  const dir = join(dataDir, table);
  if (isFile(file) && isDirectory(dir)) throw new InputError(`${table}.parquet`, `both ${table}.parquet and a directory ${table}/ exist in ${dataset}; keep one`);
  const delta = isDirectory(dir) && isDirectory(join(dir, '_delta_log'));
  if (deltaVersion !== undefined && !delta) throw new InputError(isFile(file) ? `${table}.parquet` : `${table}/`, `a Delta version (${deltaVersion}) is pinned for '${table}', but it is not a Delta table (no ${table}/_delta_log/)`);
  if (delta) return findDeltaTable(session, dataDir, table, deltaVersion, allowExternalPaths);
  if (isFile(file)) return { table, label: `${table}.parquet`, files: [file], hive: false, delta: null };
  if (isDirectory(dir)) {
    const files: string[] = [];
    let hive = false;
    const walk = (d: string): void => {
      for (const entry of readdirSync(d, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
        // Hidden and `_`-prefixed entries are writer bookkeeping (`_SUCCESS`, `_temporary/` with
        // unfinished part files, `.crc`, `._` resource forks): never table data.
        if (entry.name.startsWith('.') || entry.name.startsWith('_')) continue;
        const p = join(d, entry.name);
        if (entry.isDirectory()) {
          hive ||= entry.name.includes('=');
          walk(p);
        } else if (entry.name.endsWith('.parquet')) files.push(p);
      }
    };
    walk(dir);
    if (files.length === 0) throw new InputError(`${table}/`, 'directory holds no .parquet files');
    return { table, label: `${table}/`, files, hive, delta: null };
  }
  if (required) throw new InputError(`${table}.parquet`, `required table '${table}' not found in ${dataset} (expected ${table}.parquet or a directory ${table}/)`);
  return null;
}

/** A Delta table, whose log may name absolute paths under the dataset directory and `allowExternalPaths` only. */
async function findDeltaTable(session: DuckDBSession, dataDir: string, table: string, version: number | undefined, allowExternalPaths: readonly string[]): Promise<TableSource> {
  try {
    const snapshot = await readSnapshot(session, join(dataDir, table), version, [dataDir, ...allowExternalPaths.map((p) => resolve(p))]);
    const delta = await prepareDeltaScan(session, snapshot, `__delta_deleted_${table}`);
    return { table, label: `${table}/ (Delta version ${snapshot.version})`, files: delta.files, hive: false, delta };
  } catch (err) {
    if (!(err instanceof DeltaError)) throw err;
    const where = err.file === null ? `${table}/` : relativePath(dataDir, err.file);
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

export async function describeInputFiles(dataDir: string, sources: TableSource[]): Promise<InputFile[]> {
  const files = sources.flatMap(sourceFiles);
  return Promise.all(
    files.map(async (file) => ({
      path: relativePath(dataDir, file),
      bytes: statSync(file).size,
      sha256: await sha256File(file),
    })),
  );
}

function sha256File(file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    createReadStream(file, { highWaterMark: 1 << 20 })
      .on('data', (chunk) => hash.update(chunk))
      .on('error', reject)
      .on('end', () => resolve(hash.digest('hex')));
  });
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

function isFile(p: string): boolean {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}

function isDirectory(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}
