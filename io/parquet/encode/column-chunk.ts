import type { ColumnValues, Compression, ParquetField, ParquetType } from '../parquet-column.js';
import { ByteBuffer } from './byte-buffer.js';
import { columnError, invalidValueError } from './column-error.js';
import { compressPage } from './compress-page.js';
import { writeDefinitionLevels } from './definition-levels.js';
import { writeDataPageHeader } from './page-header.js';
import {
  ValueStats, writeBoolValues, writeDoubleValues, writeInt32Values, writeInt64Values, writeStringValues,
} from './plain-values.js';
import { ThriftWriter } from './thrift-writer.js';

/** Target uncompressed size of one data page. */
const PAGE_BYTES = 1 << 20;
/** A string page closes once this many (length prefix + UTF-16 unit) bytes are in it. */
const STRING_PAGE_UNITS = PAGE_BYTES;
/** Every string costs at least its 4-byte prefix, which bounds the rows of a string page. */
const MAX_STRING_PAGE_ROWS = STRING_PAGE_UNITS / 4;

const FIXED_ROWS_PER_PAGE: Record<Exclude<ParquetType, 'string'>, number> = {
  int32: PAGE_BYTES / 4,
  date: PAGE_BYTES / 4,
  int64: PAGE_BYTES / 8,
  timestamp_ms: PAGE_BYTES / 8,
  double: PAGE_BYTES / 8,
  bool: PAGE_BYTES * 8,
};

/** Where one column's pages sit inside an encoded row group, plus its footer metadata. */
export interface EncodedColumnChunk {
  /** The field this chunk was encoded for, checked against the file's schema on append. */
  name: string;
  type: ParquetType;
  nullable: boolean;
  /** Offset of the first page header, relative to the row group's bytes. */
  offset: number;
  /** Bytes of the chunk as stored, page headers included. */
  compressedSize: number;
  /** Bytes the chunk would take uncompressed, page headers included. */
  uncompressedSize: number;
  numValues: number;
  nullCount: number;
  /** Bounds in the column's own value domain; absent for strings and when no non-NaN value exists. */
  min?: number;
  max?: number;
}

/** Buffers reused across the pages (and columns) of one row group. */
export class PageScratch {
  readonly levels = new ByteBuffer(1 << 14);
  readonly body = new ByteBuffer(1 << 16);
  readonly packed = new ByteBuffer(1 << 10);
  readonly header = new ThriftWriter();
  private stringPresent: Uint8Array | null = null;

  stringPresence(): Uint8Array {
    return (this.stringPresent ??= new Uint8Array(MAX_STRING_PAGE_ROWS));
  }
}

/** Appends rows [start, end) of one column to `out` as ~1 MiB DataPage v1 pages. */
export function encodeColumnChunk(
  out: ByteBuffer, field: ParquetField, column: ColumnValues, start: number, end: number,
  compression: Compression, scratch: PageScratch,
): EncodedColumnChunk {
  const offset = out.length;
  const stats = new ValueStats();
  const valid = column.valid ?? null;
  if (valid !== null && !field.nullable) {
    const nullAt = valid.subarray(start, end).indexOf(0);
    if (nullAt >= 0) throw columnError(field, `null at row ${start + nullAt} (valid = 0) in a non-nullable column`);
  }
  let nullCount = 0;
  let uncompressedSize = 0;
  for (let pageStart = start; pageStart < end;) {
    const body = scratch.body;
    body.length = 0;
    let pageEnd: number;
    let present: Uint8Array | null;
    let charCount = 0;
    if (field.type === 'string') {
      const page = scanStringPage(field, column.values as ArrayLike<string | null>, valid, pageStart, end, scratch.stringPresence());
      pageEnd = page.end;
      present = page.nullCount > 0 ? scratch.stringPresence() : null;
      charCount = page.charCount;
      nullCount += page.nullCount;
    } else {
      pageEnd = Math.min(end, pageStart + FIXED_ROWS_PER_PAGE[field.type]);
      present = valid === null || !field.nullable ? null : valid.subarray(pageStart, pageEnd);
      const pageNulls = present === null ? 0 : countZeros(present);
      if (pageNulls === 0) present = null;
      nullCount += pageNulls;
    }
    const n = pageEnd - pageStart;

    // Pad the front so that the values after the levels start 8-byte aligned for typed-array views.
    let bodyStart = 0;
    if (field.nullable) {
      const levels = scratch.levels;
      levels.length = 0;
      writeDefinitionLevels(levels, present, n);
      bodyStart = (8 - (levels.length & 7)) & 7;
      body.length = bodyStart;
      body.append(levels.view());
    }
    writeValues(body, field, column, present, pageStart, n, charCount, stats);

    const raw = body.bytes.subarray(bodyStart, body.length);
    const stored = compressPage(raw, compression, scratch.packed);
    const header = scratch.header;
    header.out.length = 0;
    writeDataPageHeader(header, n, raw.length, stored.length);
    out.append(header.out.view());
    out.append(stored);
    uncompressedSize += header.out.length + raw.length;
    pageStart = pageEnd;
  }
  const chunk: EncodedColumnChunk = {
    name: field.name,
    type: field.type,
    nullable: field.nullable,
    offset,
    compressedSize: out.length - offset,
    uncompressedSize,
    numValues: end - start,
    nullCount,
  };
  if (stats.min <= stats.max) {
    chunk.min = stats.min;
    chunk.max = stats.max;
  }
  return chunk;
}

function writeValues(
  body: ByteBuffer, field: ParquetField, column: ColumnValues, present: Uint8Array | null,
  start: number, n: number, charCount: number, stats: ValueStats,
): void {
  const values = column.values as ArrayLike<number>;
  switch (field.type) {
    case 'int32':
    case 'date':
      return writeInt32Values(body, field, values, present, start, n, stats);
    case 'int64':
    case 'timestamp_ms':
      return writeInt64Values(body, field, values, present, start, n, stats);
    case 'double':
      return writeDoubleValues(body, field, values, present, start, n, stats);
    case 'bool':
      return writeBoolValues(body, field, values, present, start, n, stats);
    case 'string':
      return writeStringValues(body, column.values as ArrayLike<string | null>, present, start, n, charCount);
  }
}

interface StringPage {
  end: number;
  nullCount: number;
  charCount: number;
}

/**
 * Picks the rows of the next string page (by UTF-16 length, before encoding, so the levels can go
 * first), type-checks them and fills the page-relative `present` flags.
 */
function scanStringPage(
  field: ParquetField, values: ArrayLike<string | null>, valid: Uint8Array | null,
  start: number, end: number, present: Uint8Array,
): StringPage {
  const nullable = field.nullable;
  let units = 0;
  let charCount = 0;
  let nullCount = 0;
  let i = start;
  while (i < end && units < STRING_PAGE_UNITS) {
    const s = values[i];
    if (s == null || (valid !== null && valid[i] === 0)) {
      if (!nullable) throw invalidValueError(field, i, s ?? null);
      present[i - start] = 0;
      nullCount++;
      units += 4;
    } else {
      if (typeof s !== 'string') throw invalidValueError(field, i, s);
      present[i - start] = 1;
      charCount += s.length;
      units += 4 + s.length;
    }
    i++;
  }
  return { end: i, nullCount, charCount };
}

function countZeros(flags: Uint8Array): number {
  let zeros = 0;
  for (let i = 0, n = flags.length; i < n; i++) if (flags[i] === 0) zeros++;
  return zeros;
}
