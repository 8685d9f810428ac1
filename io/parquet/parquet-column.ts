/** Column types the engine writes; each maps to one Parquet physical + logical type pair. */
export type ParquetType = 'int32' | 'int64' | 'double' | 'bool' | 'date' | 'timestamp_ms' | 'string';

export interface ParquetField {
  name: string;
  type: ParquetType;
  nullable: boolean;
}

/**
 * Values of one column. Numbers for every numeric type: int64 and timestamp_ms are JS numbers
 * (exact up to ±(2^53 - 1)), bool is 0/1, date is days since 1970-01-01, timestamp_ms is epoch
 * milliseconds. Strings are JS strings, with null for a missing value.
 */
export type ColumnArray = ArrayLike<number> | ArrayLike<string | null>;

/**
 * One column's data. `valid` marks presence per row (1 = value, 0 = null) for nullable numeric
 * columns, whose `values` entry is then ignored; a string column may use null entries instead.
 */
export interface ColumnValues {
  values: ColumnArray;
  valid?: Uint8Array;
}

export type Compression = 'uncompressed' | 'snappy' | 'gzip';
