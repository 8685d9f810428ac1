/** Numeric values of the parquet.thrift enums this package writes (apache/parquet-format). */

export const MAGIC = 'PAR1';

/** parquet.thrift `Type`: the physical storage type. */
export const PhysicalType = { BOOLEAN: 0, INT32: 1, INT64: 2, DOUBLE: 5, BYTE_ARRAY: 6 } as const;

/** parquet.thrift `ConvertedType`: the legacy logical annotation, still read by older readers. */
export const ConvertedType = { UTF8: 0, DATE: 6, TIMESTAMP_MILLIS: 9 } as const;

export const Repetition = { REQUIRED: 0, OPTIONAL: 1 } as const;

export const Encoding = { PLAIN: 0, RLE: 3 } as const;

export const CompressionCodec = { UNCOMPRESSED: 0, SNAPPY: 1, GZIP: 2 } as const;

export const PageType = { DATA_PAGE: 0 } as const;
