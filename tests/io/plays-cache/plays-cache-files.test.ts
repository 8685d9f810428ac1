import { mkdirSync, readdirSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isCommittedCacheEntry, PLAYS_CACHE_FORMAT, pruneCache, readCacheIndex, writeCacheIndex } from '../../../io/plays-cache/cache-index.js';
import type { PlaysCacheIndex } from '../../../io/plays-cache/cache-index.js';
import { readIdList, writeIdList } from '../../../io/plays-cache/id-list-file.js';
import { readPiece, writePiece } from '../../../io/plays-cache/piece-file.js';
import type { PieceRows } from '../../../io/plays-cache/piece-file.js';
import { expectEqual } from '../../support/expect-equal.js';
import { tempDir } from '../../support/temp-dir.js';

const piece: PieceRows = {
  rows: 4,
  profile: Int32Array.of(0, 1, -1, 1),
  content: Int32Array.of(2, -1, 0, 2),
  day: Uint16Array.of(0, 3, 89, 65535),
  seconds: Int32Array.of(60, 2147483647, -5, 0),
  baseDay: 20300,
  unknownProfiles: Float64Array.of(2 ** 53 - 1),
  unknownContent: Float64Array.of(123456789012),
  profileCodes: 2,
  contentCodes: 3,
};

describe('plays cache pieces', () => {
  it('a piece reads back as written, and any Arrow reader opens it', async () => {
    const dir = tempDir('cache-piece-');
    const record = await writePiece(dir, piece);
    expectEqual(readPiece(dir, record), piece, 'piece');
    expectEqual(readdirSync(dir), [record.file], 'files (no temp file left)');
    // An Arrow IPC file: magic at both ends.
    const bytes = readFileSync(join(dir, record.file));
    expectEqual([bytes.subarray(0, 6).toString(), bytes.subarray(-6).toString()], ['ARROW1', 'ARROW1'], 'magic');
  });

  it('damage is named, never read: a flipped byte, a short file, a missing file, a wrong row count', async () => {
    const dir = tempDir('cache-piece-');
    const record = await writePiece(dir, piece);
    const file = join(dir, record.file);
    const bytes = readFileSync(file);
    bytes[bytes.length >> 1] ^= 1;
    writeFileSync(file, bytes);
    expectEqual(readPiece(dir, record), 'fails its checksum', 'flipped byte');
    truncateSync(file, 100);
    expectEqual(readPiece(dir, record), `has 100 bytes where the index records ${record.bytes}`, 'short file');
    rmSync(file);
    expectEqual(readPiece(dir, record), 'cannot be read (ENOENT)', 'missing file');
    const again = await writePiece(dir, piece);
    expectEqual(readPiece(dir, { ...again, rows: 5 }), 'holds 4 rows where the index records 5', 'row count');
    expectEqual(readPiece(dir, { ...again, base_day: 1 }), "has no valid 'plays-cache' metadata", 'base day');
  });

  it('an id list reads back as written', async () => {
    const dir = tempDir('cache-ids-');
    const ids = Float64Array.of(5, 2 ** 53 - 1, -3, 0);
    const record = await writeIdList(dir, 'profiles', ids);
    expect(record.file).toMatch(/^profiles-[0-9a-f]{16}\.arrow$/);
    expectEqual(readIdList(dir, record), ids, 'ids');
    expectEqual(readIdList(dir, { ...record, count: 3 }), 'holds 4 ids where the index records 3', 'count');
  });
});

describe('plays cache index', () => {
  const index = (pieces: string[]): PlaysCacheIndex => ({
    format: PLAYS_CACHE_FORMAT,
    engine: '0.0.0',
    read: '[]',
    table: 'parquet',
    version: null,
    profiles: { file: 'profiles-a.arrow', bytes: 1, crc32: 1, count: 0 },
    content: { file: 'content-a.arrow', bytes: 1, crc32: 1, count: 0 },
    pieces: pieces.map((file) => ({ file, bytes: 1, crc32: 1, rows: 0, base_day: 0 })),
    files: [],
    refused: [],
  });

  it('round-trips, and a changed, truncated or missing index is named', async () => {
    const dir = tempDir('cache-index-');
    expectEqual(readCacheIndex(dir), null, 'no index');
    await writeCacheIndex(dir, index(['a.arrow']));
    expectEqual(readCacheIndex(dir), index(['a.arrow']), 'index');
    const file = join(dir, 'index.json');
    writeFileSync(file, readFileSync(file, 'utf8').replace('a.arrow', 'b.arrow'));
    expectEqual(readCacheIndex(dir), 'its index fails its checksum', 'changed');
    writeFileSync(file, '{"crc32":');
    expectEqual(readCacheIndex(dir), 'its index is not valid JSON', 'truncated');
    writeFileSync(file, '[]');
    expectEqual(readCacheIndex(dir), 'its index is not an index', 'not an object');
    // A checksum over a record this format never writes: a segment naming a piece the index lacks.
    const file0 = { path: 'plays/a.parquet', bytes: 1, sha256: 'x', deletion_vector: null, base_day: 0, max_day: 0, segments: [['missing.arrow', 0, 1]] as [string, number, number][] };
    await writeCacheIndex(dir, { ...index(['a.arrow']), files: [file0] });
    expectEqual(readCacheIndex(dir), 'its index is not well-formed', 'dangling segment');
  });

  it('pruning keeps what the index names, the index and the lock, and removes the rest', async () => {
    const dir = tempDir('cache-prune-');
    mkdirSync(dir, { recursive: true });
    for (const f of ['a.arrow', 'old.arrow', 'profiles-a.arrow', 'content-a.arrow', '.x.arrow.tmp', 'cache.lock', 'cache.lock.0123.tmp']) writeFileSync(join(dir, f), '');
    await writeCacheIndex(dir, index(['a.arrow']));
    pruneCache(dir, index(['a.arrow']));
    expectEqual(readdirSync(dir).sort(), ['a.arrow', 'cache.lock', 'cache.lock.0123.tmp', 'content-a.arrow', 'index.json', 'profiles-a.arrow'], 'kept');
  });

  it('a committed cache is its directory, index, pieces and id lists; temp files and the lock are not', () => {
    const entries = ['plays-cache', 'plays-cache/index.json', 'plays-cache/a-1.arrow', 'plays-cache/profiles-a.arrow', 'plays-cache/.x.arrow.tmp', 'plays-cache/cache.lock', 'plays-cache/cache.lock.0123.tmp', 'plays-cache/sub/a.arrow', 'index.json', 'other/a.arrow'];
    expectEqual(entries.filter(isCommittedCacheEntry), ['plays-cache', 'plays-cache/index.json', 'plays-cache/a-1.arrow', 'plays-cache/profiles-a.arrow']);
  });
});
