export type { ColumnArray, ColumnValues, Compression, ParquetField, ParquetType } from './parquet-column.js';
export type { EncodedColumnChunk } from './encode/column-chunk.js';
export { type EncodedRowGroup, encodeRowGroup } from './encode/row-group.js';
export { ParquetFileWriter } from './encode/file-writer.js';
export { DEFAULT_COMPRESSION, DEFAULT_ROW_GROUP_ROWS, type WriteParquetOptions, writeParquet } from './encode/write-parquet.js';
