/**
 * The object storage layer against real servers on 127.0.0.1: s3rver (S3, and GCS through the
 * same XML API) and Azurite (Blob), each behind a proxy that counts requests and injects faults.
 * Listing (pagination, the table file rule), the cache (second open, replaced files, LRU), ranged
 * downloads (resumed after a cut, restarted when the file changes mid-read) and retries.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, it } from 'vitest';
import { StorageError } from '../../../io/errors.js';
import { FileCache } from '../../../io/storage/file-cache.js';
import { RemoteDataset } from '../../../io/storage/remote-dataset.js';
import type { RemoteDatasetSettings } from '../../../io/storage/remote-dataset.js';
import { AzuriteServer } from '../../support/storage/azurite-server.js';
import { startS3Server } from '../../support/storage/s3-server.js';
import { StorageProxy } from '../../support/storage/storage-proxy.js';
import { azureStorage, fastPolicy, gcsStorage, optionsOf, s3ErrorBody, s3Storage } from '../../support/storage/storage-fixtures.js';
import { expectEqual } from '../../support/expect-equal.js';
import { tempDir } from '../../support/temp-dir.js';

const KB = 1024;

/** One provider as the tests drive it: a URL root, options through the proxy, and how to write an object. */
interface Served {
  name: string;
  root: string;
  options: Record<string, string>;
  proxy: StorageProxy;
  put(key: string, body: Buffer): Promise<void>;
  /** The error body a throttled request gets. */
  busy: { status: number; headers: Record<string, string>; body: string };
}

const files = new Map<string, Buffer>();
const servers: Served[] = [];

beforeAll(async () => {
  const s3 = await startS3Server(['lake']);
  const s3Proxy = await StorageProxy.start(s3.port);
  const azurite = await AzuriteServer.start();
  const azProxy = await StorageProxy.start(azurite.port);
  await azurite.container('lake').create();
  const slowDown = { status: 503, headers: { 'content-type': 'application/xml' }, body: s3ErrorBody('SlowDown', 'Please reduce your request rate.') };
  servers.push(
    { name: 's3', root: 's3://lake/ds', options: s3Storage(s3Proxy.endpoint), proxy: s3Proxy, put: (k, b) => s3.put('lake', k, b), busy: slowDown },
    { name: 'gcs', root: 'gs://lake/ds', options: gcsStorage(s3Proxy.endpoint), proxy: s3Proxy, put: (k, b) => s3.put('lake', k, b), busy: slowDown },
    {
      name: 'azure',
      root: 'az://lake/ds',
      options: azureStorage(azProxy.endpoint),
      proxy: azProxy,
      put: async (k, b) => void (await azurite.container('lake').getBlockBlobClient(k).upload(b, b.length)),
      busy: { status: 503, headers: { 'x-ms-error-code': 'ServerBusy', 'content-type': 'application/xml' }, body: '<?xml version="1.0" encoding="utf-8"?><Error><Code>ServerBusy</Code><Message>The server is busy.</Message></Error>' },
    },
  );
  // A plain table of 7 data files (one in a Hive directory) and writer leftovers that are not data.
  for (const name of ['a.parquet', 'b.parquet', 'c.parquet', 'd.parquet', 'e.parquet', 'f.parquet', 'dt=2026-11-01/g.parquet']) files.set(`t/${name}`, randomBytes(3 * KB + name.length));
  files.set('t/_SUCCESS', Buffer.from(''));
  files.set('t/_temporary/0/part.parquet', randomBytes(100));
  files.set('t/.hidden.parquet', randomBytes(100));
  files.set('t/notes.txt', randomBytes(100));
  files.set('big.parquet', randomBytes(200 * KB));
  files.set('regions.parquet', randomBytes(2 * KB));
  for (const s of servers.filter((x) => x.name !== 'gcs')) for (const [key, body] of files) await s.put(`ds/${key}`, body);
});

function open(s: Served, cacheDir: string, more: Partial<RemoteDatasetSettings> = {}): Promise<RemoteDataset> {
  return RemoteDataset.open(s.root, { options: optionsOf(s.options), cacheDir, env: {}, policy: fastPolicy(), listPageSize: 3, chunkBytes: 64 * KB, ...more });
}

const read = (path: string): Buffer => readFileSync(path);

describe.each(['s3', 'gcs', 'azure'])('%s', (name) => {
  const s = (): Served => servers.find((x) => x.name === name)!;

  it('lists a table page by page (3 keys a page), keeps only data files in walk order, and serves them from the cache on the next open', async () => {
    const cache = tempDir();
    s().proxy.reset();
    const ds = await open(s(), cache);
    const { files: paths, hive } = await ds.parquetFiles('t');
    const listed = paths.map((p) => p.slice(ds.dir.length + 1));
    expectEqual(listed, ['t/a.parquet', 't/b.parquet', 't/c.parquet', 't/d.parquet', 't/dt=2026-11-01/g.parquet', 't/e.parquet', 't/f.parquet']);
    assert.equal(hive, true);
    for (const p of listed) assert.ok(read(join(ds.dir, p)).equals(files.get(p)!), p);
    // One LIST of the root (one page: two files and a prefix), then 11 keys under t/ in 4 pages.
    expectEqual(s().proxy.listings(), 1 + 4);
    expectEqual(ds.transfer().files_downloaded, 7);
    expectEqual(ds.origin('t/a.parquet')?.url, `${s().root}/t/a.parquet`);
    await ds.close();
    assert.equal(readdirSync(join(cache, 'views')).length, 0, 'the view is removed');

    s().proxy.reset();
    const again = await open(s(), cache);
    await again.parquetFiles('t');
    expectEqual(s().proxy.objectGets(), [], 'no object read twice');
    expectEqual([again.transfer().files_from_cache, again.transfer().files_downloaded], [7, 0]);
    await again.close();
  });

  it('a file rewritten in place (new ETag) is read again; the others still come from the cache', async () => {
    if (name === 'gcs') return; // same server as s3
    const cache = tempDir();
    await (await open(s(), cache)).parquetFiles('t').then(() => undefined);
    const replaced = randomBytes(3 * KB);
    await s().put('ds/t/b.parquet', replaced);
    s().proxy.reset();
    const ds = await open(s(), cache);
    const { files: paths } = await ds.parquetFiles('t');
    assert.ok(read(paths[1]!).equals(replaced));
    expectEqual(s().proxy.objectGets(), ['/lake/ds/t/b.parquet'.replace('/lake', name === 'azure' ? '/devstoreaccount1/lake' : '/lake')]);
    await ds.close();
    await s().put('ds/t/b.parquet', files.get('t/b.parquet')!);
  });

  it('a download cut mid-body resumes at the byte it reached (If-Match, Content-Range checked)', async () => {
    s().proxy.reset();
    let cut = false;
    s().proxy.onRequest = (req) => {
      if (!cut && req.method === 'GET' && req.url!.includes('big.parquet')) {
        cut = true;
        return { cutAfter: 10_000 };
      }
      return null;
    };
    const ds = await open(s(), tempDir());
    assert.ok(read(await ds.file('big.parquet')).equals(files.get('big.parquet')!));
    // The ranges go out at once; the cut one is asked again from byte 10,000.
    const ranges = s().proxy.seen.filter((r) => r.url.includes('big.parquet')).map((r) => r.range!);
    expectEqual(ranges.sort(), ['bytes=0-65535', 'bytes=10000-65535', 'bytes=131072-196607', 'bytes=196608-204799', 'bytes=65536-131071']);
    await ds.close();
  });

  it('a file replaced while it is being read is read again from its start, at its new version', async () => {
    if (name === 'gcs') return;
    s().proxy.reset();
    const original = files.get('big.parquet')!;
    const replacement = randomBytes(150 * KB);
    let replaced = false;
    s().proxy.onRequest = async (req) => {
      // The second range of the first read: the writer replaces the file in between.
      if (!replaced && req.method === 'GET' && /bytes=65536-/.test(String(req.headers['range'] ?? req.headers['x-ms-range']))) {
        replaced = true;
        await s().put('ds/big.parquet', replacement);
      }
      return null;
    };
    try {
      const ds = await open(s(), tempDir(), { chunkBytes: 64 * KB, options: optionsOf({ ...s().options, CONCURRENCY: '1' }) });
      const path = await ds.file('big.parquet');
      assert.ok(read(path).equals(replacement), 'the whole new version, not a mix');
      expectEqual(ds.transfer().restarts, 1);
      await ds.close();
    } finally {
      await s().put('ds/big.parquet', original);
    }
  });

  it('at most CONCURRENCY requests in flight, over all ranges of all files', async () => {
    s().proxy.reset();
    s().proxy.onRequest = (req) => (req.method === 'GET' && req.url!.includes('.parquet') ? { delayMs: 20 } : null);
    const ds = await open(s(), tempDir(), { chunkBytes: 16 * KB, options: optionsOf({ ...s().options, CONCURRENCY: '3' }) });
    await Promise.all([ds.file('big.parquet'), ds.parquetFiles('t')]);
    expectEqual(s().proxy.maxInFlight, 3);
    await ds.close();
  });

  it('throttled (503 twice), then answered: retried with backoff', async () => {
    s().proxy.reset();
    let n = 0;
    s().proxy.onRequest = () => (n++ < 2 ? s().busy : null);
    const ds = await open(s(), tempDir());
    expectEqual(s().proxy.seen.slice(0, 3).map((r) => r.status), [503, 503, 200]);
    await ds.close();
  });

  it('a server that stays down: one line naming the URL and the last answer, marked retry-later, nothing left behind', async () => {
    s().proxy.reset();
    s().proxy.onRequest = () => s().busy;
    const cache = tempDir();
    const code = name === 'azure' ? 'ServerBusy (The server is busy.)' : 'SlowDown (Please reduce your request rate.)';
    await assert.rejects(open(s(), cache, { policy: fastPolicy({ maxRetries: 2 }) }), (e: unknown) => {
      assert.ok(e instanceof StorageError && e.retryable && e.code === 'STORAGE_UNAVAILABLE');
      assert.match(e.message, new RegExp(`^${s().root.replace(/[/.]/g, '\\$&')}/: LIST failed after 3 attempts; last answer: HTTP 503 ${code.replace(/[().]/g, '\\$&')} \\(.+\\); nothing was written, run again later$`));
      return true;
    });
    assert.equal(readdirSync(join(cache, 'views')).length, 0);
  });

  it("honours the server's Retry-After", async () => {
    s().proxy.reset();
    let n = 0;
    s().proxy.onRequest = () => (n++ === 0 ? { ...s().busy, status: 429, headers: { ...s().busy.headers, 'retry-after': '1' } } : null);
    const started = Date.now();
    const ds = await open(s(), tempDir());
    assert.ok(Date.now() - started >= 1000, `waited ${Date.now() - started} ms`);
    await ds.close();
  });

  it('a request with no answer is abandoned after TIMEOUT and sent again', async () => {
    s().proxy.reset();
    let n = 0;
    s().proxy.onRequest = () => (n++ === 0 ? { delayMs: 1500 } : null);
    const ds = await open(s(), tempDir(), { policy: fastPolicy({ idleTimeoutMs: 300 }) });
    assert.ok(s().proxy.seen.length >= 2);
    await ds.close();
  });
});

describe('the cache', () => {
  it('keys: Delta files by URL and size, others by URL, ETag and size, nothing without an ETag', () => {
    const a = FileCache.keyOf('s3://b/t/x.parquet', 10, null, true);
    assert.equal(FileCache.keyOf('s3://b/t/x.parquet', 10, 'e1', true), a, 'a Delta file ignores the ETag');
    assert.notEqual(FileCache.keyOf('s3://b/t/x.parquet', 11, null, true), a);
    const p = FileCache.keyOf('s3://b/t/x.parquet', 10, 'e1', false);
    assert.notEqual(p, null);
    assert.notEqual(FileCache.keyOf('s3://b/t/x.parquet', 10, 'e2', false), p);
    assert.equal(FileCache.keyOf('s3://b/t/x.parquet', 10, null, false), null);
  });

  it('evicts least recently used entries beyond its cap, never the ones the run uses', async () => {
    const s3 = servers.find((x) => x.name === 's3')!;
    const cache = tempDir();
    // The 7 files of t/ are ~3 KB each; a 10 KB cap keeps the run's own files, then the next run's.
    const ds = await open(s3, cache, { options: optionsOf({ ...s3.options, CACHE_MAX_BYTES: String(10 * KB) }) });
    await ds.parquetFiles('t');
    await ds.close();
    const entries = (): number => readdirSync(join(cache, 'objects'), { recursive: true }).filter((p) => statSync(join(cache, 'objects', String(p))).isFile()).length;
    expectEqual(entries(), 7, 'the run that uses them evicts none');
    const ds2 = await open(s3, cache, { options: optionsOf({ ...s3.options, CACHE_MAX_BYTES: String(10 * KB) }) });
    await ds2.file('regions.parquet');
    await ds2.close();
    expectEqual(entries(), 3, 'the next run keeps its file and the most recently used that fit');
  });
});
