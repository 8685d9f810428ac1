import type { ColumnValues, Compression, ParquetField } from '../parquet-column.js';
import { checkCompression } from './compress-page.js';
import { ParquetFileWriter } from './file-writer.js';
import { checkColumns, encodeRowGroup } from './row-group.js';
import { checkFields } from './schema.js';

export interface WriteParquetOptions {
  /** Page codec; default snappy. */
  compression?: Compression;
  /** Rows per row group; default 1,048,576. */
  rowGroupRows?: number;
}

export const DEFAULT_COMPRESSION: Compression = 'snappy';
export const DEFAULT_ROW_GROUP_ROWS = 1 << 20;

/**
 * Writes `numRows` rows of `columns` (one per field) to `path` atomically: the file appears only
 * once complete, and nothing is left behind on error. Each row group is encoded while the previous
 * one is being written.
 */
export async function writeParquet(
  path: string, fields: ParquetField[], columns: ColumnValues[], numRows: number, options: WriteParquetOptions = {},
): Promise<void> {
  const compression = options.compression ?? DEFAULT_COMPRESSION;
  const rowGroupRows = options.rowGroupRows ?? DEFAULT_ROW_GROUP_ROWS;
  if (!Number.isSafeInteger(rowGroupRows) || rowGroupRows <= 0) {
    throw new Error(`parquet: rowGroupRows must be a positive integer, got ${rowGroupRows}`);
  }
  checkCompression(compression);
  checkFields(fields);
  checkColumns(fields, columns, numRows);

  const writer = await ParquetFileWriter.open(path, fields);
  let pending: Promise<void> | null = null;
  try {
    for (let start = 0; start < numRows; start += rowGroupRows) {
      const group = encodeRowGroup(fields, columns, Math.min(rowGroupRows, numRows - start), compression, start);
      await pending;
      pending = writer.appendRowGroup(group);
    }
    await pending;
    await writer.close();
  } catch (err) {
    await pending?.catch(() => undefined);
    await writer.abort();
    throw err;
  }
}
