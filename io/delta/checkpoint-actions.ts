import { readFileSync } from 'node:fs';
import type { DuckDBSession } from '../input/duckdb-session.js';
import { sqlString } from '../input/duckdb-session.js';
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

/** Action columns of a Parquet checkpoint or sidecar this reader uses (protocol "Checkpoint Schema"). */
const STRUCT_COLUMNS = ['protocol', 'metaData', 'sidecar'] as const;

/**
 * The actions of Parquet checkpoint files (every part of a multi-part checkpoint, or sidecars),
 * decoded by DuckDB. Only the fields a snapshot needs are read — `add.stats` and `stats_parsed`,
 * the bulk of a checkpoint, are not — and each row comes back as JSON for parseAction.
 * `remove` rows are tombstones for VACUUM and never make a file live, so they are not read.
 */
export async function readParquetActions(session: DuckDBSession, files: readonly string[]): Promise<LogAction[]> {
  const list = `[${files.map(sqlString).join(', ')}]`;
  const source = `read_parquet(${list}, union_by_name = true)`;
  let described: unknown[][];
  try {
    described = await session.rows(`DESCRIBE SELECT * FROM ${source}`);
  } catch (err) {
    throw new DeltaError(files[0]!, `is not a readable Parquet checkpoint (${firstLine(err)})`);
  }
  const types = new Map(described.map((r) => [String(r[0]), String(r[1])]));
  const select: string[] = [];
  const present: string[] = [];
  for (const column of STRUCT_COLUMNS) {
    if (!types.has(column)) continue;
    select.push(`to_json("${column}")`);
    present.push(`"${column}" IS NOT NULL`);
  }
  const add = types.get('add');
  if (add !== undefined) {
    // A V1 checkpoint written before deletion vectors has no add.deletionVector field at all.
    const dv = /\bdeletionVector STRUCT/.test(add) ? 'to_json(add.deletionVector)' : 'NULL';
    select.push(`CASE WHEN add IS NOT NULL THEN json_object('path', add.path, 'partitionValues', to_json(add.partitionValues), 'deletionVector', ${dv}) END`);
    present.push('add IS NOT NULL');
  }
  if (select.length === 0) return [];
  let rows: unknown[][];
  try {
    rows = await session.rows(`SELECT ${select.join(', ')} FROM ${source} WHERE ${present.join(' OR ')}`);
  } catch (err) {
    throw new DeltaError(files[0]!, `cannot be read as a checkpoint (${firstLine(err)})`);
  }
  const names = [...STRUCT_COLUMNS.filter((c) => types.has(c)), ...(add === undefined ? [] : ['add'])];
  const actions: LogAction[] = [];
  for (const row of rows) {
    for (let c = 0; c < row.length; c++) {
      const value = row[c];
      if (value === null || value === undefined) continue;
      try {
        const action = parseAction({ [names[c]!]: JSON.parse(String(value)) });
        if (action !== null) actions.push(action);
      } catch (err) {
        if (err instanceof ActionError) throw new DeltaError(files[0]!, err.message);
        throw err;
      }
    }
  }
  return actions;
}

function firstLine(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).split('\n')[0]!;
}
