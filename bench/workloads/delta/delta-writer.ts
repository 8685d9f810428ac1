/**
 * Writes Delta tables for tests the way the protocol (delta-io/delta PROTOCOL.md) lays them out,
 * independently of the reader in io/delta: Parquet data files by DuckDB under their physical
 * column names (with Parquet field ids under column mapping `id`), `_delta_log/<v>.json` commits,
 * classic, multi-part and V2 (JSON + sidecar) checkpoints written through DuckDB's JSON reader,
 * and deletion vectors — inline (Z85) or in `.bin` files — as RoaringBitmapArrays built with
 * the `roaring` package.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { crc32 } from 'node:zlib';
import roaring from 'roaring';
import type { ParquetType } from '../../../io/parquet/parquet-column.js';
import { TABLE_SCHEMAS } from '../generate/table-schemas.js';
import type { GeneratedTable } from '../generate/table-schemas.js';

export interface DeltaField {
  name: string;
  /** Delta type name: long, integer, string, boolean, date, timestamp, … */
  type: string;
  nullable?: boolean;
}

/** Runs SQL in DuckDB (the tests' shared connection, or a bench's session) and returns the rows. */
export type RunSql = (sql: string) => Promise<unknown[][]>;

/** Delta's name for each Parquet type the generator writes. */
const DELTA_TYPES: Record<ParquetType, string> = { int32: 'integer', int64: 'long', double: 'double', bool: 'boolean', date: 'date', timestamp_ms: 'timestamp', string: 'string' };

/**
 * The SPEC §2 tables as Delta schemas, as a Spark job writing the generator's files would declare
 * them: the generator's column types (bench/workloads/generate/table-schemas.ts, derived from the
 * one copy of the schema) under their Delta names; every column nullable, as Spark declares them.
 */
export const SPEC_FIELDS = Object.fromEntries(
  Object.entries(TABLE_SCHEMAS).map(([table, fields]) => [table, fields.map((f): DeltaField => ({ name: f.name, type: DELTA_TYPES[f.type] }))]),
) as Record<GeneratedTable, DeltaField[]>;

export interface DeltaTableOptions {
  sql: RunSql;
  fields: readonly DeltaField[];
  partitionColumns?: string[];
  columnMapping?: 'name' | 'id';
  /** Overrides the protocol action written in the first commit. */
  protocol?: Record<string, unknown>;
}

export interface DeletionVector {
  storageType: string;
  pathOrInlineDv: string;
  offset?: number;
  sizeInBytes: number;
  cardinality: number;
}

export interface AddAction {
  path: string;
  partitionValues: Record<string, string | null>;
  size: number;
  modificationTime: number;
  dataChange: boolean;
  stats: string;
  deletionVector?: DeletionVector;
}

type Action = Record<string, unknown>;

export class DeltaTableWriter {
  /** Version of the last commit (−1 before the first). */
  version = -1;
  /** The live adds after the last commit, by path (what a checkpoint holds). */
  readonly live = new Map<string, AddAction>();
  readonly protocol: Record<string, unknown>;
  readonly metaData: Record<string, unknown>;
  private readonly physical: Map<string, string>;
  private readonly ids: Map<string, number>;

  constructor(
    readonly dir: string,
    readonly options: DeltaTableOptions,
  ) {
    mkdirSync(join(dir, '_delta_log'), { recursive: true });
    const mapping = options.columnMapping;
    this.physical = new Map(options.fields.map((f, i) => [f.name, mapping === undefined ? f.name : `col-${i}-${randomUUID()}`]));
    this.ids = new Map(options.fields.map((f, i) => [f.name, i + 1]));
    const schema = {
      type: 'struct',
      fields: options.fields.map((f) => ({
        name: f.name,
        type: f.type,
        nullable: f.nullable ?? true,
        metadata: mapping === undefined ? {} : { 'delta.columnMapping.id': this.ids.get(f.name), 'delta.columnMapping.physicalName': this.physical.get(f.name) },
      })),
    };
    this.protocol = options.protocol ?? (mapping === undefined ? { minReaderVersion: 3, minWriterVersion: 7, readerFeatures: ['deletionVectors'], writerFeatures: ['deletionVectors'] } : { minReaderVersion: 3, minWriterVersion: 7, readerFeatures: ['columnMapping', 'deletionVectors'], writerFeatures: ['columnMapping', 'deletionVectors'] });
    this.metaData = {
      id: randomUUID(),
      format: { provider: 'parquet', options: {} },
      schemaString: JSON.stringify(schema),
      partitionColumns: options.partitionColumns ?? [],
      configuration: mapping === undefined ? { 'delta.enableDeletionVectors': 'true' } : { 'delta.columnMapping.mode': mapping, 'delta.columnMapping.maxColumnId': String(options.fields.length) },
      createdTime: 1764000000000,
    };
  }

  /** The name of `column` in data files and partition values. */
  physicalName(column: string): string {
    return this.physical.get(column)!;
  }

  /**
   * Writes `select` (logical column names, partition columns left out) as the data file `path`
   * under the table, with physical names, and returns its add action (row groups of
   * `rowGroupSize` rows when given).
   */
  async dataFile(path: string, select: string, partitionValues: Record<string, string | null> = {}, rowGroupSize?: number): Promise<AddAction> {
    const file = join(this.dir, path);
    mkdirSync(dirname(file), { recursive: true });
    const partitions = new Set(this.options.partitionColumns ?? []);
    const columns = this.options.fields.filter((f) => !partitions.has(f.name));
    const renamed = columns.map((f) => `"${f.name}" AS "${this.physical.get(f.name)}"`).join(', ');
    const ids = this.options.columnMapping === 'id' ? `, FIELD_IDS {${columns.map((f) => `"${this.physical.get(f.name)}": ${this.ids.get(f.name)}`).join(', ')}}` : '';
    const rows = await this.options.sql(`COPY (SELECT ${renamed} FROM (${select})) TO '${file}' (FORMAT parquet${ids}${rowGroupSize === undefined ? '' : `, ROW_GROUP_SIZE ${rowGroupSize}`})`);
    const keyed = Object.fromEntries(Object.entries(partitionValues).map(([k, v]) => [this.physical.get(k)!, v]));
    return { path: encodeURI(path), partitionValues: keyed, size: statSync(file).size, modificationTime: 1764000000000, dataChange: true, stats: JSON.stringify({ numRecords: Number(rows[0]![0]) }) };
  }

  /** Writes the next commit: `actions` (adds, removes, or anything else), after protocol and metaData in the first. */
  commit(actions: Action[]): number {
    const version = this.version + 1;
    const lines: Action[] = [{ commitInfo: { timestamp: 1764000000000 + version, operation: 'WRITE' } }];
    if (version === 0) lines.push({ protocol: this.protocol }, { metaData: this.metaData });
    lines.push(...actions);
    for (const a of actions) {
      if ('add' in a) this.live.set((a['add'] as AddAction).path, a['add'] as AddAction);
      if ('remove' in a) {
        // A remove ends the logical file (path, deletion vector) it names, not a newer one of the path.
        const removed = a['remove'] as { path: string; deletionVector?: DeletionVector };
        const current = this.live.get(removed.path);
        if (current !== undefined && JSON.stringify(current.deletionVector ?? null) === JSON.stringify(removed.deletionVector ?? null)) this.live.delete(removed.path);
      }
    }
    writeFileSync(join(this.dir, '_delta_log', logName(version, '.json')), lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
    this.version = version;
    return version;
  }

  /** Writes a classic checkpoint (`parts` = 1) or a multi-part one of the current version; returns the file names. */
  async checkpoint(parts = 1): Promise<string[]> {
    const rows: Action[] = [{ protocol: this.protocol }, { metaData: this.metaData }, ...[...this.live.values()].map((add) => ({ add }))];
    const names: string[] = [];
    for (let p = 1; p <= parts; p++) {
      const name = parts === 1 ? logName(this.version, '.checkpoint.parquet') : logName(this.version, `.checkpoint.${pad(p, 10)}.${pad(parts, 10)}.parquet`);
      await writeActionsParquet(this.options.sql, join(this.dir, '_delta_log', name), rows.filter((_, i) => i % parts === p - 1), ['protocol', 'metaData', 'add', 'remove']);
      names.push(name);
    }
    return names;
  }

  /** Writes a V2 checkpoint: a UUID-named JSON file with the non-file actions and a sidecar with the adds. */
  async v2Checkpoint(): Promise<{ checkpoint: string; sidecar: string }> {
    const sidecar = `${randomUUID()}.parquet`;
    const sidecarFile = join(this.dir, '_delta_log', '_sidecars', sidecar);
    mkdirSync(dirname(sidecarFile), { recursive: true });
    await writeActionsParquet(this.options.sql, sidecarFile, [...this.live.values()].map((add) => ({ add })), ['add', 'remove']);
    const checkpoint = logName(this.version, `.checkpoint.${randomUUID()}.json`);
    const lines = [
      { checkpointMetadata: { version: this.version, tags: {} } },
      { protocol: this.protocol },
      { metaData: this.metaData },
      { sidecar: { path: sidecar, sizeInBytes: statSync(sidecarFile).size, modificationTime: 1764000000000, tags: {} } },
    ];
    writeFileSync(join(this.dir, '_delta_log', checkpoint), lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
    return { checkpoint, sidecar };
  }
}

/** A `remove` of a logical file (with its deletion vector, if it has one). */
export function removeOf(add: AddAction): Action {
  return { remove: { path: add.path, deletionTimestamp: 1764000000000, dataChange: true, ...(add.deletionVector === undefined ? {} : { deletionVector: add.deletionVector }) } };
}

/** Protocol "Deletion Vector Format": magic, then the portable 64-bit roaring bitmap (little-endian). */
export function bitmapArray(rows: readonly number[]): Buffer {
  const buckets = new Map<number, number[]>();
  for (const r of rows) {
    const high = Math.floor(r / 4294967296);
    buckets.set(high, [...(buckets.get(high) ?? []), r % 4294967296]);
  }
  const parts: Uint8Array[] = [];
  const head = Buffer.alloc(12);
  head.writeUInt32LE(1681511377, 0);
  head.writeBigUInt64LE(BigInt(buckets.size), 4);
  parts.push(head);
  for (const high of [...buckets.keys()].sort((a, b) => a - b)) {
    const key = Buffer.alloc(4);
    key.writeUInt32LE(high, 0);
    parts.push(key, Buffer.from(roaring.RoaringBitmap32.from(buckets.get(high)!).serialize('portable')));
  }
  return Buffer.concat(parts);
}

/** An inline deletion vector (storage type `i`): the bitmap, Z85-encoded in the log. */
export function inlineDeletionVector(rows: readonly number[]): DeletionVector {
  const bitmap = bitmapArray(rows);
  return { storageType: 'i', pathOrInlineDv: encodeZ85(bitmap), sizeInBytes: bitmap.length, cardinality: new Set(rows).size };
}

/**
 * Writes one deletion-vector file (storage type `u`, "Deletion Vector File Storage Format")
 * holding a vector per entry of `rowSets`, under the table or its `prefix` sub-directory; returns
 * their descriptors.
 */
export function deletionVectorFile(tableDir: string, rowSets: readonly (readonly number[])[], prefix = ''): DeletionVector[] {
  const uuid = randomUUID();
  const id = encodeZ85(Buffer.from(uuid.replaceAll('-', ''), 'hex'));
  const parts: Buffer[] = [Buffer.from([1])];
  const descriptors: DeletionVector[] = [];
  let offset = 1;
  for (const rows of rowSets) {
    const bitmap = bitmapArray(rows);
    const size = Buffer.alloc(4);
    size.writeUInt32BE(bitmap.length, 0);
    const sum = Buffer.alloc(4);
    sum.writeUInt32BE(crc32(bitmap), 0);
    parts.push(size, bitmap, sum);
    descriptors.push({ storageType: 'u', pathOrInlineDv: prefix + id, offset, sizeInBytes: bitmap.length, cardinality: new Set(rows).size });
    offset += 8 + bitmap.length;
  }
  const file = join(tableDir, prefix, `deletion_vector_${uuid}.bin`);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, Buffer.concat(parts));
  return descriptors;
}

const Z85 = '0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-:+=^!/*?&<>()[]{}@%$#';

/** Z85 of `bytes`, zero-padded to a multiple of 4 (Delta pads, and records the true size). */
export function encodeZ85(bytes: Uint8Array): string {
  const padded = Buffer.alloc(Math.ceil(bytes.length / 4) * 4);
  padded.set(bytes);
  let out = '';
  for (let i = 0; i < padded.length; i += 4) {
    let value = padded.readUInt32BE(i);
    const chars: string[] = [];
    for (let k = 0; k < 5; k++) {
      chars.unshift(Z85[value % 85]!);
      value = Math.floor(value / 85);
    }
    out += chars.join('');
  }
  return out;
}

/** Column types of checkpoint actions (protocol "Checkpoint Schema"). */
const ACTION_TYPES: Record<string, string> = {
  protocol: 'STRUCT(minReaderVersion INTEGER, minWriterVersion INTEGER, readerFeatures VARCHAR[], writerFeatures VARCHAR[])',
  metaData:
    'STRUCT(id VARCHAR, format STRUCT(provider VARCHAR, options MAP(VARCHAR, VARCHAR)), schemaString VARCHAR, partitionColumns VARCHAR[], configuration MAP(VARCHAR, VARCHAR), createdTime BIGINT)',
  add: 'STRUCT(path VARCHAR, partitionValues MAP(VARCHAR, VARCHAR), size BIGINT, modificationTime BIGINT, dataChange BOOLEAN, stats VARCHAR, deletionVector STRUCT(storageType VARCHAR, pathOrInlineDv VARCHAR, "offset" INTEGER, sizeInBytes INTEGER, cardinality BIGINT))',
  remove: 'STRUCT(path VARCHAR, deletionTimestamp BIGINT, dataChange BOOLEAN)',
};

async function writeActionsParquet(sql: RunSql, file: string, rows: readonly Action[], columns: readonly string[]): Promise<void> {
  const json = `${file}.json`;
  writeFileSync(json, rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
  const types = columns.map((c) => `"${c}": '${ACTION_TYPES[c]!.replaceAll("'", "''")}'`).join(', ');
  await sql(`COPY (SELECT * FROM read_json('${json}', columns = {${types}})) TO '${file}' (FORMAT parquet)`);
  rmSync(json);
}

function logName(version: number, suffix: string): string {
  return `${pad(version, 20)}${suffix}`;
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}
