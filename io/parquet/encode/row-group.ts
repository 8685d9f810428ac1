import type { ColumnValues, Compression, ParquetField } from '../parquet-column.js';
import { ByteBuffer } from './byte-buffer.js';
import { type EncodedColumnChunk, PageScratch, encodeColumnChunk } from './column-chunk.js';
import { columnError } from './column-error.js';
import { checkCompression } from './compress-page.js';
import { checkFields } from './schema.js';

/**
 * One encoded row group: its column chunks back to back in `bytes`, and plain metadata whose
 * offsets are relative to `bytes`. Encoding is synchronous and self-contained, so row groups can
 * be built in worker threads (post with `[g.bytes.buffer]` as transfer list) and assembled in
 * order by one ParquetFileWriter.
 */
export interface EncodedRowGroup {
  bytes: Uint8Array<ArrayBuffer>;
  numRows: number;
  compression: Compression;
  columns: EncodedColumnChunk[];
}

const ESTIMATED_BYTES_PER_STRING = 16;
const BYTES_PER_VALUE: Record<ParquetField['type'], number> = {
  int32: 4, date: 4, int64: 8, timestamp_ms: 8, double: 8, bool: 1 / 8, string: ESTIMATED_BYTES_PER_STRING,
};

/**
 * Encodes rows [rowOffset, rowOffset + numRows) of `columns` (one per field, in order) as a row
 * group; `rowOffset` lets a caller cut row groups out of long columns without copying them.
 */
export function encodeRowGroup(
  fields: ParquetField[], columns: ColumnValues[], numRows: number, compression: Compression, rowOffset = 0,
): EncodedRowGroup {
  checkFields(fields);
  checkColumns(fields, columns, numRows, rowOffset);
  checkCompression(compression);

  // Sized for the uncompressed data up front: untouched pages of a large buffer cost no memory.
  let estimate = 0;
  for (const field of fields) estimate += Math.ceil(numRows * (BYTES_PER_VALUE[field.type] + 1 / 8)) + 256;
  const out = new ByteBuffer(estimate);
  const scratch = new PageScratch();
  const end = rowOffset + numRows;
  const chunks = fields.map((field, i) => encodeColumnChunk(out, field, columns[i]!, rowOffset, end, compression, scratch));
  return { bytes: out.view(), numRows, compression, columns: chunks };
}

/** Shape checks that need no pass over the values: counts, lengths, row range. */
export function checkColumns(fields: readonly ParquetField[], columns: readonly ColumnValues[], numRows: number, rowOffset = 0): void {
  if (!Number.isSafeInteger(numRows) || numRows < 0) throw new Error(`parquet: numRows must be a non-negative integer, got ${numRows}`);
  if (!Number.isSafeInteger(rowOffset) || rowOffset < 0) throw new Error(`parquet: rowOffset must be a non-negative integer, got ${rowOffset}`);
  if (columns.length !== fields.length) {
    const detail = columns.length < fields.length
      ? `no column for field "${fields[columns.length]!.name}"`
      : `column ${fields.length} has no field`;
    throw new Error(`parquet: ${columns.length} columns for ${fields.length} fields (${detail})`);
  }
  const needed = rowOffset + numRows;
  for (let i = 0; i < fields.length; i++) {
    const field = fields[i]!;
    const column = columns[i];
    if (column?.values == null) throw columnError(field, 'no values');
    if (column.values.length < needed) throw columnError(field, `${column.values.length} values, need ${needed} rows`);
    if (column.valid !== undefined && column.valid.length < needed) {
      throw columnError(field, `valid has ${column.valid.length} entries, need ${needed} rows`);
    }
  }
}
