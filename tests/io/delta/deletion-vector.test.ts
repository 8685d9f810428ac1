/**
 * Deletion vectors against the protocol's own examples (PROTOCOL.md "Deletion Vectors") and
 * against vectors written by the test writer (portable RoaringBitmapArray built with `roaring`,
 * several per file, rows beyond 2^32).
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'vitest';
import { DeltaError } from '../../../io/delta/delta-error.js';
import { deletionVectorFile, deletionVectorId, readDeletionVector } from '../../../io/delta/deletion-vector.js';
import { decodeZ85 } from '../../../io/delta/z85.js';
import { deletionVectorFile as writeDeletionVectors, encodeZ85, inlineDeletionVector } from '../../../bench/workloads/delta/delta-writer.js';
import { expectEqual } from '../../support/expect-equal.js';
import { tempDir } from '../../support/temp-dir.js';

describe('Z85', () => {
  it('decodes the ZeroMQ test vector and rejects what is not Z85', () => {
    expectEqual(Buffer.from(decodeZ85('HelloWorld')!).toString('hex'), '864fd26fb559f75b');
    expectEqual(decodeZ85('Hello'.slice(0, 4)), null, 'length not a multiple of 5');
    expectEqual(decodeZ85('Hell~'), null, 'a character outside the alphabet');
    expectEqual(Buffer.from(decodeZ85(encodeZ85(Buffer.from('0123456789abcdef', 'hex')))!).toString('hex'), '0123456789abcdef');
  });
});

describe('deletion vector descriptors (protocol examples)', () => {
  it('example 1: a relative path with a random prefix', () => {
    const dv = { storageType: 'u', pathOrInlineDv: 'ab^-aqEH.-t@S}K{vb[*k^', offset: 4, sizeInBytes: 40, cardinality: 6 };
    expectEqual(deletionVectorFile('/table', dv), '/table/ab/deletion_vector_d2c639aa-8816-431a-aaf6-d3fe2512ff61.bin');
    expectEqual(deletionVectorId(dv), 'uab^-aqEH.-t@S}K{vb[*k^@4');
  });

  it('example 2: an absolute path', () => {
    expectEqual(deletionVectorFile('/table', { storageType: 'p', pathOrInlineDv: 'file:///data/dv%201.bin', offset: 4, sizeInBytes: 40, cardinality: 6 }), '/data/dv 1.bin');
    assert.throws(() => deletionVectorFile('/table', { storageType: 'p', pathOrInlineDv: 's3://mytable/deletion_vector_d2c639aa-8816-431a-aaf6-d3fe2512ff61.bin', offset: 4, sizeInBytes: 40, cardinality: 6 }), /'s3:' paths are not supported/);
  });

  it('example 3: inline, in the native layout — rows 3, 4, 7, 11, 18, 29', () => {
    const dv = { storageType: 'i', pathOrInlineDv: 'wi5b=000010000siXQKl0rr91000f55c8Xg0@@D72lkbi5=-{L', offset: null, sizeInBytes: 40, cardinality: 6 };
    expectEqual([...readDeletionVector(null, dv)], [3, 4, 7, 11, 18, 29]);
    expectEqual(deletionVectorId(dv), 'iwi5b=000010000siXQKl0rr91000f55c8Xg0@@D72lkbi5=-{L');
  });
});

describe('deletion vectors the test writer stores', () => {
  it('inline, portable layout, rows past 2^32', () => {
    const rows = [0, 5, 70_000, 4_294_967_296 + 7];
    expectEqual([...readDeletionVector(null, { ...inlineDeletionVector(rows), offset: null })], rows);
  });

  it('several vectors in one file under a prefix; checksum and cardinality checked', () => {
    const dir = tempDir('dv-');
    const [a, b] = writeDeletionVectors(dir, [[1, 2, 3], [9]], 'x7');
    const file = deletionVectorFile(dir, { ...a!, offset: a!.offset ?? null })!;
    assert.match(file, new RegExp(`^${join(dir, 'x7')}/deletion_vector_[0-9a-f-]{36}\\.bin$`));
    expectEqual([[...readDeletionVector(file, { ...a!, offset: a!.offset ?? null })], [...readDeletionVector(file, { ...b!, offset: b!.offset ?? null })]], [[1, 2, 3], [9]]);
    assert.throws(() => readDeletionVector(file, { ...b!, offset: b!.offset ?? null, cardinality: 2 }), (e: unknown) => e instanceof DeltaError && /holds 1 rows but the log says 2/.test(e.message));
    assert.throws(() => readDeletionVector(file, { ...b!, offset: 2 }), (e: unknown) => e instanceof DeltaError && /the log says|past the end|checksum/.test(e.message));
  });
});
