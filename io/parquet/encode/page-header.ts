import { Encoding, PageType } from '../parquet-format.js';
import type { ThriftWriter } from './thrift-writer.js';

/** Writes a parquet.thrift PageHeader for a v1 data page of PLAIN values and RLE levels. */
export function writeDataPageHeader(w: ThriftWriter, numValues: number, uncompressedSize: number, compressedSize: number): void {
  w.structBegin();
  w.fieldI32(1, PageType.DATA_PAGE);
  w.fieldI32(2, uncompressedSize);
  w.fieldI32(3, compressedSize);
  w.fieldStruct(5); // DataPageHeader
  w.fieldI32(1, numValues);
  w.fieldI32(2, Encoding.PLAIN);
  w.fieldI32(3, Encoding.RLE); // definition levels
  w.fieldI32(4, Encoding.RLE); // repetition levels (none: the schema is flat)
  w.structEnd();
  w.structEnd();
}
