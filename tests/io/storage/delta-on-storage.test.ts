/**
 * Delta tables written by delta-rs, Spark and Databricks (../shared/fixtures/delta-rs), served by
 * s3rver and Azurite: each snapshot read through object storage must equal the one read from the
 * local copy (version, live files, partition values, deletion vectors and the rows they remove),
 * and the log must be listed the way object stores want it (from the `_last_checkpoint` hint,
 * start-after, nothing before the checkpoint fetched).
 */
import assert from 'node:assert/strict';
import { chmodSync, cpSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { DuckDBSession } from '../../../io/input/duckdb-session.js';
import { readDeletionVector } from '../../../io/delta/deletion-vector.js';
import { readSnapshot } from '../../../io/delta/snapshot.js';
import type { DeltaSnapshot } from '../../../io/delta/snapshot.js';
import { DeltaError } from '../../../io/delta/delta-error.js';
import { RemoteDataset } from '../../../io/storage/remote-dataset.js';
import { AzuriteServer } from '../../support/storage/azurite-server.js';
import { startS3Server } from '../../support/storage/s3-server.js';
import { StorageProxy } from '../../support/storage/storage-proxy.js';
import { azureStorage, fastPolicy, optionsOf, s3Storage } from '../../support/storage/storage-fixtures.js';
import { expectEqual } from '../../support/expect-equal.js';
import { tempDir } from '../../support/temp-dir.js';

/** The fixtures as CI lays them out: the repository at X/main, shared/ at X/shared. */
const FIXTURES = join(process.cwd(), '..', 'shared', 'fixtures', 'delta-rs');
const TABLES = ['simple_table', 'simple_table_with_checkpoint', 'checkpoint-v2-table', 'table-with-dv-small', 'table_with_deletion_logs', 'delta-0.8.0-partitioned', 'table_with_column_mapping'];

let session: DuckDBSession;
const local = tempDir('delta-fixtures-');
const stores: { name: string; root: string; options: Record<string, string>; proxy: StorageProxy }[] = [];

beforeAll(async () => {
  session = await DuckDBSession.open(1);
  for (const t of [...TABLES, 'with_checkpoint_no_last_checkpoint']) cpSync(join(FIXTURES, t), join(local, t), { recursive: true });
  // CI's shared/ has no write bits, and copies keep modes.
  for (const p of readdirSync(local, { recursive: true, encoding: 'utf8' })) chmodSync(join(local, p), 0o755);
  // A stale hint: it names checkpoint 5, which does not exist (the table was checkpointed at 10 since, and 5 cleaned up).
  cpSync(join(FIXTURES, 'simple_table_with_checkpoint'), join(local, 'stale_hint'), { recursive: true });
  writeFileSync(join(local, 'stale_hint', '_delta_log', '_last_checkpoint'), '{"version":5,"size":9}');
  const s3 = await startS3Server(['lake']);
  await s3.upload(local, 'lake', 'fx');
  const azurite = await AzuriteServer.start();
  await azurite.upload(local, 'lake', 'fx');
  const s3Proxy = await StorageProxy.start(s3.port);
  const azProxy = await StorageProxy.start(azurite.port);
  stores.push({ name: 's3', root: 's3://lake/fx', options: s3Storage(s3Proxy.endpoint), proxy: s3Proxy }, { name: 'azure', root: 'az://lake/fx', options: azureStorage(azProxy.endpoint), proxy: azProxy });
});

afterAll(() => session.close());

/** What a snapshot says, with paths relative to the table and each deletion vector's rows. */
function summary(s: DeltaSnapshot): unknown {
  return {
    version: s.version,
    columns: s.columns,
    files: s.files.map((f) => ({
      path: f.path,
      file: f.file.slice(s.dir.length + 1),
      partitionValues: f.partitionValues,
      deleted: f.deletionVector === null ? null : [...readDeletionVector(f.deletionVectorFile, f.deletionVector)],
    })),
  };
}

describe.each(['s3', 'azure'])('%s', (name) => {
  const store = () => stores.find((s) => s.name === name)!;
  const open = (cacheDir = tempDir()) => RemoteDataset.open(store().root, { options: optionsOf(store().options), cacheDir, env: {}, policy: fastPolicy(), listPageSize: 5 });

  it.each(TABLES)('%s: the same snapshot as the local copy', async (table) => {
    const ds = await open();
    try {
      assert.equal(await ds.isDelta(table), true);
      expectEqual(summary(await readSnapshot(session, ds.deltaStore(table))), summary(await readSnapshot(session, join(local, table))));
    } finally {
      await ds.close();
    }
  });

  it('time travel to a version before the checkpoint lists the whole log', async () => {
    const ds = await open();
    try {
      for (const v of [0, 4, 10]) expectEqual(summary(await readSnapshot(session, ds.deltaStore('simple_table_with_checkpoint'), v)), summary(await readSnapshot(session, join(local, 'simple_table_with_checkpoint'), v)));
    } finally {
      await ds.close();
    }
  });

  it('from the _last_checkpoint hint: the log is listed after the checkpoint and nothing older is fetched', async () => {
    const ds = await open();
    store().proxy.reset();
    try {
      await readSnapshot(session, ds.deltaStore('simple_table_with_checkpoint'));
      const logGets = store()
        .proxy.objectGets()
        .filter((p) => p.includes('_delta_log/'))
        .map((p) => p.slice(p.indexOf('_delta_log/') + '_delta_log/'.length))
        .sort();
      // The hint (never cached) and the checkpoint, which holds every commit up to its version: no commit is read.
      expectEqual(logGets, ['00000000000000000010.checkpoint.parquet', '_last_checkpoint']);
      if (name === 's3') assert.ok(store().proxy.seen.some((r) => r.url.includes('start-after=fx%2Fsimple_table_with_checkpoint%2F_delta_log%2F00000000000000000010')), 'start-after sent');
    } finally {
      await ds.close();
    }
  });

  it('a stale hint naming a checkpoint that is gone falls back to the whole listing', async () => {
    const ds = await open();
    try {
      expectEqual(summary(await readSnapshot(session, ds.deltaStore('stale_hint'))), summary(await readSnapshot(session, join(local, 'simple_table_with_checkpoint'))));
    } finally {
      await ds.close();
    }
  });

  it('a live file missing from the bucket: the same error as on disk, naming where it is missing', async () => {
    const ds = await open();
    try {
      await assert.rejects(readSnapshot(session, ds.deltaStore('with_checkpoint_no_last_checkpoint')), (e: unknown) => e instanceof DeltaError && /is a live data file of version \d+ but is missing in object storage$/.test(e.message));
      await assert.rejects(readSnapshot(session, join(local, 'with_checkpoint_no_last_checkpoint')), (e: unknown) => e instanceof DeltaError && /but is missing on disk$/.test(e.message));
    } finally {
      await ds.close();
    }
  });

  it('a data file outside the table is refused', async () => {
    const ds = await open();
    try {
      const s = ds.deltaStore('simple_table');
      assert.throws(() => s.resolve(`${store().root.replace('/fx', '/other')}/x.parquet`, s.dir), /is outside the table .*: files of a Delta table on object storage are read from inside its root/);
      assert.throws(() => s.resolve('file:///etc/passwd', s.dir), /is not on (s3|az):\/\/ storage/);
      assert.throws(() => s.resolve('../../../etc/x.parquet', s.dir), /resolves to .*, outside the table; a relative path in a Delta log must stay inside the table directory/);
      assert.equal(s.resolve(`${store().root}/simple_table/part-1.parquet`, s.dir), join(s.dir, 'part-1.parquet'), 'an absolute URI inside the table');
    } finally {
      await ds.close();
    }
  });
});
