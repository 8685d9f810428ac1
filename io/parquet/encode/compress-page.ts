import { gzipSync } from 'node:zlib';
import type { Compression } from '../parquet-column.js';
import { CompressionCodec } from '../parquet-format.js';
import type { ByteBuffer } from './byte-buffer.js';
import { snappyCompress, snappyMaxCompressedLength } from './snappy-compress.js';

export const codecId: Record<Compression, number> = {
  uncompressed: CompressionCodec.UNCOMPRESSED,
  snappy: CompressionCodec.SNAPPY,
  gzip: CompressionCodec.GZIP,
};

export function checkCompression(compression: Compression): void {
  if (!Object.hasOwn(codecId, compression)) throw new Error(`parquet: unknown compression ${JSON.stringify(compression)}`);
}

/**
 * Compresses one page body. Snappy output lands in the reusable `scratch` buffer (valid until the
 * next call); uncompressed pages are returned as is.
 */
export function compressPage(body: Uint8Array, compression: Compression, scratch: ByteBuffer): Uint8Array {
  switch (compression) {
    case 'uncompressed':
      return body;
    case 'snappy': {
      scratch.length = 0;
      const out = scratch.ensure(snappyMaxCompressedLength(body.length));
      return out.subarray(0, snappyCompress(body, out));
    }
    case 'gzip':
      return gzipSync(body);
  }
}
