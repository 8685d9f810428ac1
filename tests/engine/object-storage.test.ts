/**
 * SPEC §2 on object storage, end to end: the SPEC tables as plain Parquet (Hive directories
 * included) and as Delta tables (checkpoint with `_last_checkpoint`, a V2 checkpoint with a
 * sidecar, a deletion vector in a file, column mapping) served by s3rver (as S3 and as GCS's XML
 * API) and Azurite give byte-identical outputs — and the same run id — to the same files read
 * from the local disk. The next night transfers only the files that are new (the server's GETs
 * counted by a proxy).
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, it } from 'vitest';
import { SCENARIOS } from '../../engine/config/config-types.js';
import { defaultConfig } from '../../engine/config/default-config.js';
import { explainAccount } from '../../engine/explain/explain-account.js';
import { previewCampaign } from '../../engine/preview/preview-campaign.js';
import { buildCampaignReport } from '../../engine/report/build-campaign-report.js';
import { runCampaign } from '../../engine/run-campaign.js';
import type { RunCampaignResult } from '../../engine/run-campaign.js';
import type { InputFile } from '../../io/input/table-files.js';
import { generateDataset } from '../../bench/workloads/generate/generate-dataset.js';
import { DeltaTableWriter, SPEC_FIELDS, deletionVectorFile } from '../../bench/workloads/delta/delta-writer.js';
import type { AddAction } from '../../bench/workloads/delta/delta-writer.js';
import { query } from '../io/parquet/duckdb-query.js';
import { AzuriteServer } from '../support/storage/azurite-server.js';
import { startS3Server } from '../support/storage/s3-server.js';
import type { S3Server } from '../support/storage/s3-server.js';
import { StorageProxy } from '../support/storage/storage-proxy.js';
import { azureStorage, gcsStorage, s3Storage } from '../support/storage/storage-fixtures.js';
import { expectEqual } from '../support/expect-equal.js';
import { tempDir } from '../support/temp-dir.js';

const D = '2026-11-22';
const root = tempDir('object-storage-');
const plain = join(root, 'plain');
const lake = join(root, 'lake');
let s3: S3Server;
let s3Proxy: StorageProxy;
let azProxy: StorageProxy;
let azurite: AzuriteServer;
let plays: DeltaTableWriter;

beforeAll(async () => {
  const base = join(root, 'base');
  await generateDataset({ profiles: 2000, seed: 7, date: D, outDir: base, playsFiles: 3 });
  // Plain Parquet, the plays in Hive directories.
  await generateDataset({ profiles: 2000, seed: 7, date: D, outDir: plain, playsFiles: 3 });
  for (const [k, name] of ['part-00000.parquet', 'part-00001.parquet', 'part-00002.parquet'].entries()) {
    mkdirSync(join(plain, 'plays', `b=${k}`));
    renameSync(join(plain, 'plays', name), join(plain, 'plays', `b=${k}`, name));
  }
  await buildLake(base);
  s3 = await startS3Server(['lake']);
  await s3.upload(plain, 'lake', 'plain');
  await s3.upload(lake, 'lake', 'delta');
  azurite = await AzuriteServer.start();
  await azurite.upload(plain, 'lake', 'plain');
  await azurite.upload(lake, 'lake', 'delta');
  s3Proxy = await StorageProxy.start(s3.port);
  azProxy = await StorageProxy.start(azurite.port);
});

/** The SPEC tables as Delta: plays in two commits with a checkpoint and its hint, profiles with a deletion vector file, catalog with a V2 checkpoint, accounts under column mapping. */
async function buildLake(base: string): Promise<void> {
  const src = (table: string): string => `read_parquet('${base}/${table}${table === 'plays' ? '/*.parquet' : '.parquet'}')`;
  mkdirSync(lake, { recursive: true });
  plays = new DeltaTableWriter(join(lake, 'plays'), { sql: query, fields: SPEC_FIELDS.plays });
  const first: AddAction[] = [];
  for (const k of [0, 1]) first.push(await plays.dataFile(`part-${k}.parquet`, `SELECT * FROM ${src('plays')} WHERE profile_id % 3 = ${k}`));
  plays.commit(first.map((add) => ({ add })));
  await plays.checkpoint();
  await query(`COPY (SELECT ${plays.version} AS version, ${first.length + 2} AS size) TO '${join(lake, 'plays', '_delta_log', '_last_checkpoint')}' (FORMAT json)`);
  plays.commit([{ add: await plays.dataFile('part-2.parquet', `SELECT * FROM ${src('plays')} WHERE profile_id % 3 = 2`) }]);

  const profiles = new DeltaTableWriter(join(lake, 'profiles'), { sql: query, fields: SPEC_FIELDS.profiles });
  const p0 = await profiles.dataFile('part-0.parquet', `SELECT * FROM ${src('profiles')} ORDER BY profile_id`);
  profiles.commit([{ add: p0 }]);
  const [dv] = deletionVectorFile(profiles.dir, [[1, 5, 8, 13, 21]], 'q9');
  profiles.commit([{ add: { ...p0, deletionVector: dv! } }, { remove: { path: p0.path, deletionTimestamp: 1, dataChange: true } }]);

  const catalog = new DeltaTableWriter(join(lake, 'catalog'), {
    sql: query,
    fields: SPEC_FIELDS.catalog,
    columnMapping: 'id',
    protocol: { minReaderVersion: 3, minWriterVersion: 7, readerFeatures: ['columnMapping', 'v2Checkpoint'], writerFeatures: ['columnMapping', 'v2Checkpoint'] },
  });
  catalog.commit([{ add: await catalog.dataFile('c0.parquet', `SELECT * FROM ${src('catalog')}`) }]);
  await catalog.v2Checkpoint();

  const accounts = new DeltaTableWriter(join(lake, 'accounts'), { sql: query, fields: SPEC_FIELDS.accounts, columnMapping: 'name' });
  accounts.commit([{ add: await accounts.dataFile('a.parquet', `SELECT * FROM ${src('accounts')}`) }]);
  for (const t of ['regions', 'sends']) await query(`COPY (SELECT * FROM ${src(t)}) TO '${join(lake, `${t}.parquet`)}' (FORMAT parquet)`);
}

const OUTPUTS = [...SCENARIOS.map((s) => `scenarios/${s}.parquet`), 'selection.parquet', 'payloads.ndjson'];

/** Every output file's digest and the run id: what must not depend on where the inputs were read. */
function outputs(run: RunCampaignResult): Record<string, string> {
  const digest = (f: string): string => createHash('sha256').update(readFileSync(join(run.outputDir, f))).digest('hex');
  return { run_id: run.runId, ...Object.fromEntries(OUTPUTS.map((f) => [f, digest(f)])) };
}

const inputsOf = (run: RunCampaignResult): { dataset: string; files: InputFile[]; transfer?: Record<string, number> } => run.manifest.inputs as never;

const served = (): { name: string; data: (layout: string) => string; storage: Record<string, string>; proxy: StorageProxy }[] => [
  { name: 's3', data: (l) => `s3://lake/${l}`, storage: s3Storage(s3Proxy.endpoint), proxy: s3Proxy },
  { name: 'gcs', data: (l) => `gs://lake/${l}`, storage: gcsStorage(s3Proxy.endpoint), proxy: s3Proxy },
  { name: 'azure', data: (l) => `abfss://lake@devstoreaccount1.dfs.core.windows.net/${l}`, storage: azureStorage(azProxy.endpoint), proxy: azProxy },
];

describe.each([
  ['plain Parquet (Hive directories)', 'plain'],
  ['Delta tables', 'delta'],
])('%s', (_, layout) => {
  const local = layout === 'plain' ? plain : lake;
  let reference: RunCampaignResult;

  beforeAll(async () => {
    reference = await runCampaign({ dataDir: local, date: D, outDir: join(root, `out-local-${layout}`), workers: 1 });
    assert.ok(reference.counts['status']!['send']! > 0);
  });

  it.each(['s3', 'gcs', 'azure'])('from %s: byte-identical outputs and the same run id as the local files', async (name) => {
    const s = served().find((x) => x.name === name)!;
    const run = await runCampaign({ dataDir: s.data(layout), storage: s.storage, date: D, outDir: join(root, `out-${name}-${layout}`), workers: 1 });
    expectEqual(outputs(run), outputs(reference));
    const inputs = inputsOf(run);
    expectEqual(inputs.dataset, s.data(layout).replace('abfss://lake@devstoreaccount1.dfs.core.windows.net', 'az://lake@devstoreaccount1'));
    expectEqual(
      inputs.files.map((f) => [f.path, f.bytes, f.sha256]),
      inputsOf(reference).files.map((f) => [f.path, f.bytes, f.sha256]),
    );
    for (const f of inputs.files) {
      expectEqual(f.url, `${inputs.dataset}/${f.path}`);
      // Plain Parquet is identified by its ETag; a Delta table's files by the table's version.
      assert.equal(f.etag !== undefined, layout === 'plain' || !f.path.includes('/'), f.path);
    }
    expectEqual(run.manifest.inputs.delta, reference.manifest.inputs.delta);
    assert.ok(inputs.transfer!['files_downloaded']! >= inputs.files.length);
    // Nothing of the storage options (here a key) reaches the manifest.
    assert.ok(!JSON.stringify(run.manifest).includes(Object.values(s.storage).find((v) => v.length > 20) ?? '\0'));
  });
});

describe('the next night', () => {
  it('transfers only the files that are new (plain: the new plays file; Delta: the new commit and its file)', async () => {
    const s = served()[0]!;
    const outDir = join(root, 'out-nightly');
    for (const layout of ['plain', 'delta']) await runCampaign({ dataDir: s.data(layout), storage: s.storage, date: D, outDir: join(outDir, layout), workers: 1 });

    // New data lands: a plays file in a new Hive directory, and a Delta commit adding one.
    const extra = `SELECT profile_id, content_id, ts - INTERVAL 2 HOUR AS ts, watch_seconds FROM read_parquet('${plain}/plays/b=0/*.parquet') WHERE profile_id % 7 = 0`;
    await query(`COPY (${extra}) TO '${join(root, 'extra.parquet')}' (FORMAT parquet)`);
    await s3.put('lake', 'plain/plays/b=3/part-00003.parquet', readFileSync(join(root, 'extra.parquet')));
    const add = await plays.dataFile('part-3.parquet', extra);
    plays.commit([{ add }]);
    await s3.upload(join(lake, 'plays'), 'lake', 'delta/plays');

    const gets: Record<string, string[]> = {};
    for (const layout of ['plain', 'delta']) {
      s.proxy.reset();
      const run = await runCampaign({ dataDir: s.data(layout), storage: s.storage, date: D, outDir: join(outDir, layout), workers: 1 });
      gets[layout] = s.proxy.objectGets().map((p) => p.slice(`/lake/${layout}/`.length)).sort();
      expectEqual(inputsOf(run).transfer!['files_downloaded'], layout === 'plain' ? 1 : 2, `${layout}: files downloaded`);
    }
    expectEqual(gets['plain'], ['plays/b=3/part-00003.parquet']);
    // The hint is read every night (never cached); the checkpoint, the older commits and files come from the cache.
    expectEqual(gets['delta'], ['accounts/_delta_log/_last_checkpoint', 'catalog/_delta_log/_last_checkpoint', 'plays/_delta_log/00000000000000000002.json', 'plays/_delta_log/_last_checkpoint', 'plays/part-3.parquet', 'profiles/_delta_log/_last_checkpoint']);
  });
});

describe('explain, report and preview read the URL too', () => {
  it('explain from the URL the manifest names, report and preview from --data URLs, each as from the local files', async () => {
    const s = served()[2]!; // Azure
    const url = s.data('delta');
    const outDir = join(root, 'out-tools-remote');
    const localOut = join(root, 'out-tools-local');
    // The lake as it is now on disk (an earlier test may have committed to it).
    await azurite.upload(lake, 'lake', 'delta');
    await runCampaign({ dataDir: url, storage: s.storage, date: D, outDir, workers: 1 });
    await runCampaign({ dataDir: lake, date: D, outDir: localOut, workers: 1 });
    const selection = await query(`SELECT account_id FROM read_parquet('${join(outDir, D, 'selection.parquet')}') WHERE status = 'send' ORDER BY account_id LIMIT 1`);
    const accountId = Number(selection[0]![0]);
    // No dataDir: the run's manifest names the URL.
    const remote = await explainAccount({ outDir, date: D, accountId, storage: s.storage });
    const local = await explainAccount({ outDir: localOut, date: D, accountId });
    expectEqual(remote.discrepancies, []);
    expectEqual(remote.warnings, []);
    expectEqual(remote.dataDir, 'az://lake@devstoreaccount1/delta');
    expectEqual(remote.selection, local.selection);

    const reportOf = async (dataDir: string, out: string, storage?: Record<string, string>): Promise<unknown> => {
      const r = await buildCampaignReport({ outDir: out, dataDir, from: D, to: D, ...(storage === undefined ? {} : { storage }) });
      return r.dates;
    };
    expectEqual(await reportOf(url, outDir, s.storage), await reportOf(lake, localOut));

    const previewOf = async (dataDir: string, storage?: Record<string, string>): Promise<unknown> => {
      const p = await previewCampaign({ dataDir, date: D, config: { ...defaultConfig(), boosts: { drama: 3 } }, workers: 1, stateDir: tempDir(), ...(storage === undefined ? {} : { storage }) });
      return [p.transitions, p.sends, p.shows];
    };
    expectEqual(await previewOf(url, s.storage), await previewOf(lake));
  });
});
