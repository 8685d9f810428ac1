import { createHash } from 'node:crypto';
import { createReadStream, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { InputError } from '../errors.js';
import { sqlString } from './duckdb-session.js';

export interface InputFile {
  /** Path relative to the dataset directory, '/'-separated. */
  path: string;
  bytes: number;
  sha256: string;
}

/** Where a table's rows are: one `<table>.parquet` or every Parquet file under `<table>/`. */
export interface TableSource {
  table: string;
  /** What error messages name: the file, or the directory of files. */
  label: string;
  files: string[];
  hive: boolean;
}

export function findTable(dataDir: string, table: string, required: boolean): TableSource | null {
  const file = join(dataDir, `${table}.parquet`);
  const dir = join(dataDir, table);
  if (isFile(file) && isDirectory(dir)) throw new InputError(`${table}.parquet`, `both ${table}.parquet and a directory ${table}/ exist in ${dataDir}; keep one`);
  if (isFile(file)) return { table, label: `${table}.parquet`, files: [file], hive: false };
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
    return { table, label: `${table}/`, files, hive };
  }
  if (required) throw new InputError(`${table}.parquet`, `required table '${table}' not found in ${dataDir} (expected ${table}.parquet or a directory ${table}/)`);
  return null;
}

/** The SQL table expression reading every file of the source. */
export function sourceSql(source: TableSource, extra = ''): string {
  const list = `[${source.files.map(sqlString).join(', ')}]`;
  return `read_parquet(${list}, hive_partitioning = ${source.hive}, union_by_name = ${source.files.length > 1}${extra})`;
}

export async function describeInputFiles(dataDir: string, sources: TableSource[]): Promise<InputFile[]> {
  const files = sources.flatMap((s) => s.files);
  return Promise.all(
    files.map(async (file) => ({
      path: relative(dataDir, file).split('\\').join('/'),
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
