import type { ParquetField, ParquetType } from '../parquet-column.js';
import { Encoding } from '../parquet-format.js';
import type { EncodedColumnChunk } from './column-chunk.js';
import { codecId } from './compress-page.js';
import type { EncodedRowGroup } from './row-group.js';
import { physicalTypeOf, writeSchema } from './schema.js';
import { ThriftType, ThriftWriter } from './thrift-writer.js';

export const CREATED_BY = 'crm-campaign-engine io/parquet';

/** A row group's metadata once its bytes sit at `fileOffset` in the file. */
export interface PlacedRowGroup {
  fileOffset: number;
  group: Omit<EncodedRowGroup, 'bytes'>;
}

const MAX_ORDINAL = 0x7fff;

/** Serializes parquet.thrift FileMetaData (the footer, without its length and magic). */
export function encodeFileMetaData(fields: readonly ParquetField[], rowGroups: readonly PlacedRowGroup[]): Uint8Array {
  const w = new ThriftWriter();
  let numRows = 0;
  for (const { group } of rowGroups) numRows += group.numRows;
  w.structBegin();
  w.fieldI32(1, 1); // version
  writeSchema(w, 2, fields);
  w.fieldI64(3, numRows);
  w.fieldList(4, ThriftType.STRUCT, rowGroups.length);
  rowGroups.forEach((placed, ordinal) => writeRowGroup(w, placed, ordinal));
  w.fieldString(6, CREATED_BY);
  // TypeDefinedOrder for every column: declares how min_value / max_value compare.
  w.fieldList(7, ThriftType.STRUCT, fields.length);
  for (let i = 0; i < fields.length; i++) {
    w.structBegin();
    w.fieldEmptyStruct(1);
    w.structEnd();
  }
  w.structEnd();
  return w.out.view();
}

function writeRowGroup(w: ThriftWriter, { fileOffset, group }: PlacedRowGroup, ordinal: number): void {
  let uncompressed = 0;
  let compressed = 0;
  w.structBegin();
  w.fieldList(1, ThriftType.STRUCT, group.columns.length);
  for (const chunk of group.columns) {
    uncompressed += chunk.uncompressedSize;
    compressed += chunk.compressedSize;
    writeColumnChunk(w, chunk, fileOffset + chunk.offset, codecId[group.compression]);
  }
  w.fieldI64(2, uncompressed); // total_byte_size
  w.fieldI64(3, group.numRows);
  w.fieldI64(5, fileOffset + (group.columns[0]?.offset ?? 0));
  w.fieldI64(6, compressed);
  if (ordinal <= MAX_ORDINAL) w.fieldI16(7, ordinal);
  w.structEnd();
}

function writeColumnChunk(w: ThriftWriter, chunk: EncodedColumnChunk, pageOffset: number, codec: number): void {
  w.structBegin();
  w.fieldI64(2, pageOffset); // file_offset
  w.fieldStruct(3); // ColumnMetaData
  w.fieldI32(1, physicalTypeOf[chunk.type]);
  w.fieldList(2, ThriftType.I32, chunk.nullable ? 2 : 1);
  w.listI32(Encoding.PLAIN);
  if (chunk.nullable) w.listI32(Encoding.RLE);
  w.fieldList(3, ThriftType.BINARY, 1);
  w.listString(chunk.name);
  w.fieldI32(4, codec);
  w.fieldI64(5, chunk.numValues);
  w.fieldI64(6, chunk.uncompressedSize);
  w.fieldI64(7, chunk.compressedSize);
  w.fieldI64(9, pageOffset); // data_page_offset
  w.fieldStruct(12); // Statistics
  w.fieldI64(3, chunk.nullCount);
  if (chunk.min !== undefined && chunk.max !== undefined) {
    w.fieldBinary(5, plainValue(chunk.type, chunk.max, 0));
    w.fieldBinary(6, plainValue(chunk.type, chunk.min, -0));
  }
  w.structEnd();
  w.structEnd();
  w.structEnd();
}

/**
 * A statistics bound as PLAIN bytes. Parquet wants a zero double bound written as -0 for min and
 * +0 for max, whatever sign the data had, so `zero` says which.
 */
function plainValue(type: ParquetType, value: number, zero: number): Uint8Array {
  switch (type) {
    case 'bool':
      return Uint8Array.of(value);
    case 'int32':
    case 'date': {
      const bytes = new Uint8Array(4);
      new DataView(bytes.buffer).setInt32(0, value, true);
      return bytes;
    }
    case 'double': {
      const bytes = new Uint8Array(8);
      new DataView(bytes.buffer).setFloat64(0, value === 0 ? zero : value, true);
      return bytes;
    }
    default: {
      const bytes = new Uint8Array(8);
      const view = new DataView(bytes.buffer);
      view.setInt32(0, value | 0, true);
      view.setInt32(4, Math.floor(value / 4294967296), true);
      return bytes;
    }
  }
}
