import { INPUT_TABLES } from '../../../io/input/input-schema.js';
import type { ContractColumn, TableName } from '../../../io/input/input-schema.js';
import type { ParquetField, ParquetType } from '../../../io/parquet/parquet-column.js';

/** §2 `int` columns the generator stores in 32 bits (their values are small); every other int is int64. */
const INT32_COLUMNS: ReadonlySet<string> = new Set(['content_id', 'season_id', 'watch_seconds']);

/** The Parquet type the generator writes for a §2 column; timestamps as epoch milliseconds. */
function generatedType(column: ContractColumn): ParquetType {
  switch (column.type) {
    case 'int':
      return INT32_COLUMNS.has(column.name) ? 'int32' : 'int64';
    case 'timestamp':
      return 'timestamp_ms';
    default:
      return column.type;
  }
}

export type GeneratedTable = TableName;

/** The SPEC §2 input tables (io/input/input-schema.ts, the one copy) as the generator writes them. */
export const TABLE_SCHEMAS = Object.fromEntries(
  Object.entries(INPUT_TABLES).map(([table, columns]) => [table, columns.map((c): ParquetField => ({ name: c.name, type: generatedType(c), nullable: c.nullable }))]),
) as Record<GeneratedTable, ParquetField[]>;

export const GENERATED_TABLES = Object.keys(TABLE_SCHEMAS) as GeneratedTable[];
