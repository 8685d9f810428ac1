import { columnMappingAllowed } from './reader-features.js';
import type { MetadataAction, ProtocolAction } from './log-actions.js';

/** A top-level column of the table's schema as the reader maps it. */
export interface DeltaColumn {
  /** Logical (display) name: what the engine sees. */
  name: string;
  /** DuckDB type the column is read as (the Delta type's counterpart). */
  type: string;
  /** The Delta type name (`integer`, `decimal(10,2)`, …): how its partition values are serialised. */
  deltaType: string;
  /** Where the column is in the data files: its physical name, or its Parquet field id (`id` mode). */
  key: string | number;
  /** Name of the column in `add.partitionValues` (the physical name under column mapping). */
  partitionKey: string;
  partition: boolean;
}

/** A table schema problem; the caller names the table and log file. */
export class SchemaError extends Error {}

/** Delta primitive types (protocol "Primitive Types") and how DuckDB reads them. */
const PRIMITIVE: Readonly<Record<string, string>> = {
  string: 'VARCHAR',
  long: 'BIGINT',
  integer: 'INTEGER',
  short: 'SMALLINT',
  byte: 'TINYINT',
  float: 'FLOAT',
  double: 'DOUBLE',
  boolean: 'BOOLEAN',
  binary: 'BLOB',
  date: 'DATE',
  // Delta `timestamp` is UTC-adjusted; `timestamp_ntz` has no time zone.
  timestamp: 'TIMESTAMP WITH TIME ZONE',
  timestamp_ntz: 'TIMESTAMP',
};

/**
 * The columns of the table: the schema's top-level primitive fields with their column-mapping
 * keys (protocol "Column Mapping"). Nested (struct, array, map), variant and void columns are left
 * out: the §2 contract has none, and extra columns are ignored anyway.
 */
export function tableColumns(metadata: MetadataAction, protocol: ProtocolAction): DeltaColumn[] {
  let schema: unknown;
  try {
    schema = JSON.parse(metadata.schemaString);
  } catch (err) {
    throw new SchemaError(`schemaString is not valid JSON (${(err as Error).message})`);
  }
  const fields = typeof schema === 'object' && schema !== null ? (schema as { fields?: unknown }).fields : undefined;
  if (!Array.isArray(fields)) throw new SchemaError('schemaString has no fields');
  if (!fields.every((f) => typeof f === 'object' && f !== null)) throw new SchemaError('a schema field is not an object');
  const mode = columnMappingAllowed(protocol) ? (metadata.configuration['delta.columnMapping.mode'] ?? 'none') : 'none';
  if (mode !== 'none' && mode !== 'name' && mode !== 'id') throw new SchemaError(`column mapping mode '${mode}' is not none, name or id`);
  const partitions = new Set(metadata.partitionColumns);
  const columns: DeltaColumn[] = [];
  for (const field of fields as { name?: unknown; type?: unknown; metadata?: Record<string, unknown> }[]) {
    if (typeof field.name !== 'string') throw new SchemaError('a schema field has no name');
    const type = duckType(field.type);
    const meta = field.metadata ?? {};
    const physical = mode === 'none' ? field.name : meta['delta.columnMapping.physicalName'];
    const id = meta['delta.columnMapping.id'];
    if (typeof physical !== 'string') throw new SchemaError(`column '${field.name}' has no delta.columnMapping.physicalName (column mapping mode ${mode})`);
    if (mode === 'id' && typeof id !== 'number') throw new SchemaError(`column '${field.name}' has no delta.columnMapping.id (column mapping mode id)`);
    if (type === null) {
      if (partitions.has(field.name)) throw new SchemaError(`partition column '${field.name}' has type ${JSON.stringify(field.type)}, not a primitive type`);
      continue;
    }
    columns.push({ name: field.name, type, deltaType: field.type as string, key: mode === 'id' ? (id as number) : physical, partitionKey: physical, partition: partitions.has(field.name) });
  }
  for (const p of partitions) if (!columns.some((c) => c.name === p)) throw new SchemaError(`partition column '${p}' is not in the schema`);
  return columns;
}

function duckType(type: unknown): string | null {
  if (typeof type !== 'string') return null;
  const decimal = /^decimal\((\d+),\s*(\d+)\)$/.exec(type);
  if (decimal !== null) return `DECIMAL(${decimal[1]}, ${decimal[2]})`;
  return PRIMITIVE[type] ?? null;
}
