import { readFileSync } from 'node:fs';
import type { DuckDBSession } from '../input/duckdb-session.js';
import { sqlFilePath } from '../input/duckdb-session.js';
import { DeltaError } from './delta-error.js';
import { ActionError, parseAction } from './log-actions.js';
import type { LogAction } from './log-actions.js';

/** The actions of a JSON commit or JSON checkpoint, one per line (blank lines skipped). */
export function readJsonActions(file: string): LogAction[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new DeltaError(file, `cannot be read (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
  // An empty file is no commit (a crashed or truncated write), not an empty one: a commit holds at
  // least its commitInfo, a checkpoint its protocol and metadata.
  if (text.trim() === '') throw new DeltaError(file, text === '' ? 'is empty (0 bytes); a Delta log file holds at least one action' : 'holds only blank lines; a Delta log file holds at least one action');
  const actions: LogAction[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === '') continue;
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch (err) {
      throw new DeltaError(file, `line ${i + 1} is not valid JSON (${(err as Error).message})`);
    }
    try {
      const action = parseAction(json);
      if (action !== null) actions.push(action);
    } catch (err) {
      if (err instanceof ActionError) throw new DeltaError(file, `line ${i + 1}: ${err.message}`);
      throw err;
    }
  }
  return actions;
}

/** Action columns of a Parquet checkpoint read whole (protocol "Checkpoint Schema"); of `add`, only three fields are. */
const STRUCT_COLUMNS = ['protocol', 'metaData', 'sidecar'] as const;

/**
 * The actions of Parquet checkpoint files (every part of a multi-part checkpoint, or sidecars),
 * decoded by DuckDB. Only the fields a snapshot needs are read — `add.stats` and `stats_parsed`,
 * the bulk of a checkpoint, are not — and each row comes back as JSON for parseAction.
 * `remove` rows are tombstones for VACUUM and never make a file live, so they are not read.
 */
export async function readParquetActions(session: DuckDBSession, files: readonly string[]): Promise<LogAction[]> {
  const list = `[${files.map(sqlFilePath).join(', ')}]`;
  const source = `read_parquet(${list}, union_by_name = true)`;
  let described: unknown[][];
  try {
    described = await session.rows(`DESCRIBE SELECT * FROM ${source}`);
  } catch (err) {
    throw new DeltaError(files[0]!, `is not a readable Parquet checkpoint (${firstLine(err)})`);
  }
  const types = new Map(described.map((r) => [String(r[0]), String(r[1])]));
  const objects: string[] = [];
  for (const column of STRUCT_COLUMNS) if (types.has(column)) objects.push(`CASE WHEN "${column}" IS NOT NULL THEN json_object('${column}', "${column}") END`);
  const add = types.get('add');
  if (add !== undefined) {
    // A V1 checkpoint written before deletion vectors has no add.deletionVector field at all.
    const dv = /\bdeletionVector STRUCT/.test(add) ? 'add.deletionVector' : 'NULL';
    const size = /\bsize BIGINT|\bsize INTEGER/.test(add) ? 'add.size' : 'NULL';
    objects.push(`CASE WHEN add IS NOT NULL THEN json_object('add', json_object('path', add.path, 'size', ${size}, 'partitionValues', add.partitionValues, 'deletionVector', ${dv})) END`);
  }
  if (objects.length === 0) return [];
  // One JSON line per action, joined in DuckDB: a single string crosses into JS instead of a
  // boxed value per row (10k adds: ~50 ms instead of ~250 ms).
  const line = `coalesce(${objects.join(', ')})`;
  let text: string;
  try {
    const rows = await session.rows(`SELECT string_agg(${line}, chr(10)) FROM ${source} WHERE ${line} IS NOT NULL`);
    text = String(rows[0]?.[0] ?? '');
  } catch (err) {
    throw new DeltaError(files[0]!, `cannot be read as a checkpoint (${firstLine(err)})`);
  }
  const actions: LogAction[] = [];
  if (text === '') return actions;
  for (const json of text.split('\n')) {
    try {
      const action = parseAction(JSON.parse(json));
      if (action !== null) actions.push(action);
    } catch (err) {
      // DuckDB's JSON is valid JSON; a SyntaxError would be a decoding fault, still one line.
      if (err instanceof ActionError || err instanceof SyntaxError) throw new DeltaError(files[0]!, err.message);
      throw err;
    }
  }
  return actions;
}

function firstLine(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).split('\n')[0]!;
}
