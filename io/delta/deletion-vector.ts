import { readFileSync } from 'node:fs';
import { crc32 } from 'node:zlib';
import roaring from 'roaring';
import { DeltaError } from './delta-error.js';
import { pathFromUri } from './table-paths.js';
import { decodeZ85 } from './z85.js';

/** Protocol "Deletion Vector Descriptor": where the bitmap of a data file's deleted rows is. */
export interface DeletionVectorDescriptor {
  /** `u`: file beside the data named from a UUID; `i`: inline in the log; `p`: absolute path. */
  storageType: string;
  pathOrInlineDv: string;
  offset: number | null;
  sizeInBytes: number;
  cardinality: number;
}

/** The descriptor's id in the (path, dvId) key of a logical file (protocol "Derived Fields"). */
export function deletionVectorId(dv: DeletionVectorDescriptor | null): string | null {
  if (dv === null) return null;
  return dv.offset === null ? `${dv.storageType}${dv.pathOrInlineDv}` : `${dv.storageType}${dv.pathOrInlineDv}@${dv.offset}`;
}

/**
 * The DV file a `u` or `p` descriptor points to (protocol "absolutePath"), or null for an inline
 * one. `resolve` turns the path into a file (the table's store decides which it reads, and where it
 * may be): a `p` descriptor's URI, or a `u` descriptor's path relative to the table — an optional
 * random prefix (a sub-directory) and the file name made from a Z85-encoded UUID.
 */
export function deletionVectorFile(tableDir: string, dv: DeletionVectorDescriptor, resolve: (uri: string, base: string) => string = pathFromUri): string | null {
  switch (dv.storageType) {
    case 'i':
      return null;
    case 'p':
      return resolve(dv.pathOrInlineDv, tableDir);
    case 'u': {
      // `<random prefix><20-character Z85 UUID>`: the prefix is a sub-directory of the table.
      const text = dv.pathOrInlineDv;
      const uuid = text.length >= 20 ? decodeZ85(text.slice(-20)) : null;
      if (uuid === null) throw new DeltaError(null, `deletion vector id '${text}' is not a Z85-encoded UUID`);
      const hex = Buffer.from(uuid).toString('hex');
      const name = `deletion_vector_${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}.bin`;
      const prefix = text.slice(0, -20);
      // The prefix is written as is, not percent-encoded: encoded here, the path reads back unchanged.
      return resolve(prefix === '' ? name : `${encodeURIComponent(prefix).replaceAll('%2F', '/')}/${name}`, tableDir);
    }
    default:
      throw new DeltaError(null, `deletion vector storage type '${dv.storageType}' is not one of u, i, p`);
  }
}

/**
 * The row indexes (0-based, ascending) a deletion vector removes from its data file, read from
 * `file` (its deletionVectorFile; null for an inline vector). Checks the file format's version
 * byte, size and CRC-32, the bitmap's magic number and the cardinality the log recorded.
 */
export function readDeletionVector(file: string | null, dv: DeletionVectorDescriptor): Float64Array {
  let bitmap: Uint8Array;
  if (file === null) {
    const bytes = decodeZ85(dv.pathOrInlineDv);
    if (bytes === null || bytes.length < dv.sizeInBytes) throw new DeltaError(null, `inline deletion vector is not valid Z85 of ${dv.sizeInBytes} bytes`);
    bitmap = bytes.subarray(0, dv.sizeInBytes);
  } else {
    bitmap = readStoredBitmap(file, dv);
  }
  const rows = decodeBitmapArray(bitmap, file);
  if (rows.length !== dv.cardinality) {
    throw new DeltaError(file, `deletion vector holds ${rows.length} rows but the log says ${dv.cardinality}`);
  }
  return rows;
}

/** Protocol "Deletion Vector File Storage Format": version byte, then per DV: size (BE), bitmap, CRC-32 (BE). */
function readStoredBitmap(file: string, dv: DeletionVectorDescriptor): Uint8Array {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (err) {
    throw new DeltaError(file, `deletion vector file cannot be read (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
  if (bytes[0] !== 1) throw new DeltaError(file, `deletion vector file format version ${bytes[0] ?? 'missing'} is not 1`);
  const at = dv.offset ?? 1;
  if (at + 4 + dv.sizeInBytes + 4 > bytes.length) throw new DeltaError(file, `deletion vector at offset ${at} (${dv.sizeInBytes} bytes) runs past the end of the file (${bytes.length} bytes)`);
  const size = bytes.readUInt32BE(at);
  if (size !== dv.sizeInBytes) throw new DeltaError(file, `deletion vector at offset ${at} is ${size} bytes, the log says ${dv.sizeInBytes}`);
  const bitmap = bytes.subarray(at + 4, at + 4 + size);
  if (crc32(bitmap) !== bytes.readUInt32BE(at + 4 + size)) throw new DeltaError(file, `deletion vector at offset ${at} fails its CRC-32 checksum`);
  return bitmap;
}

/** RoaringBitmapArray magic numbers: the portable format (little-endian) and Delta's older native one (big-endian). */
const PORTABLE_MAGIC = 1681511377;
const NATIVE_MAGIC = 1681511376;

/**
 * Protocol "Deletion Vector Format": a magic number, then a 64-bit roaring bitmap. In the portable
 * format (what writers produce now): a bucket count (u64) and, per bucket, its high 32 bits (u32)
 * and a 32-bit roaring bitmap of the low bits, all little-endian. In the native format (the
 * protocol's own inline example): a big-endian bitmap count and, per bitmap, its size (u32 BE)
 * and the bitmap, the i-th holding high bits i.
 */
function decodeBitmapArray(bytes: Uint8Array, file: string | null): Float64Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const bad = (what: string): DeltaError => new DeltaError(file, `deletion vector bitmap ${what}`);
  if (bytes.length < 8) throw bad('is truncated');
  const native = view.getUint32(0, false) === NATIVE_MAGIC;
  if (!native && view.getUint32(0, true) !== PORTABLE_MAGIC) throw bad('does not start with a RoaringBitmapArray magic number');
  const buckets = native ? view.getUint32(4, false) : bytes.length >= 12 ? Number(view.getBigUint64(4, true)) : -1;
  if (buckets < 0) throw bad('is truncated');
  const parts: { high: number; low: Uint32Array }[] = [];
  let at = native ? 8 : 12;
  let total = 0;
  for (let b = 0; b < buckets; b++) {
    if (at + 4 > bytes.length) throw bad(`is truncated in bucket ${b}`);
    const high = native ? b : view.getUint32(at, true);
    const size = native ? view.getUint32(at, false) : -1;
    let low: InstanceType<typeof roaring.RoaringBitmap32>;
    try {
      low = roaring.RoaringBitmap32.deserialize(bytes.subarray(at + 4, native ? at + 4 + size : bytes.length), 'portable');
    } catch (err) {
      throw bad(`bucket ${b} is not a portable roaring bitmap (${(err as Error).message})`);
    }
    at += 4 + (native ? size : low.getSerializationSizeInBytes('portable'));
    parts.push({ high, low: low.toUint32Array() });
    total += low.size;
  }
  // Row indexes stay exact in a double up to 2^53; a Parquet file never gets near that.
  const rows = new Float64Array(total);
  let n = 0;
  for (const { high, low } of parts) {
    const base = high * 4294967296;
    for (let i = 0; i < low.length; i++) rows[n++] = base + low[i]!;
  }
  return rows;
}
