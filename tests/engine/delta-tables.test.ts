/**
 * SPEC §2 Delta tables end to end: a generated dataset is turned into Delta tables with the
 * histories the issue lists — appends then a partition replaced (plays), deletes by deletion
 * vectors in a file and inline, a deletion vector replaced, a whole file removed (profiles), a
 * copy-on-write delete under column mapping `name` with a partition column from the contract
 * (accounts), column mapping `id` with a V2 checkpoint (catalog), a full overwrite (regions), an
 * emptied table (tombstones) — and classic, multi-part and V2 checkpoints. The same snapshot is
 * also written as plain Parquet, computed from the rows each commit wrote (deleted rows dropped by
 * their position with DuckDB's own `file_row_number`), not through the Delta reader. The two runs
 * must give byte-identical scenario and selection files and the same payloads (their run ids
 * differ, since the input files do).
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, it } from 'vitest';
import { SCENARIOS } from '../../engine/config/config-types.js';
import { runCampaign } from '../../engine/run-campaign.js';
import type { RunCampaignResult } from '../../engine/run-campaign.js';
import { generateDataset } from '../../bench/workloads/generate/generate-dataset.js';
import { query } from '../io/parquet/duckdb-query.js';
import { DeltaTableWriter, SPEC_FIELDS, deletionVectorFile, inlineDeletionVector, removeOf } from '../../bench/workloads/delta/delta-writer.js';
import type { AddAction } from '../../bench/workloads/delta/delta-writer.js';
import { expectEqual } from '../support/expect-equal.js';
import { tempDir } from '../support/temp-dir.js';

const D = '2026-11-22';
const root = tempDir('delta-tables-');
const base = join(root, 'base');
const lake = join(root, 'lake');
const plain = join(root, 'plain');
const plainAtV1 = join(root, 'plain-plays-v1');

const src = (table: string): string => `read_parquet('${base}/${table}${table === 'plays' ? '/*.parquet' : '.parquet'}')`;

async function copyTo(file: string, select: string): Promise<void> {
  await query(`COPY (${select}) TO '${file}' (FORMAT parquet)`);
}

/** The rows of data file `file` (as written, physical names) except those at `deleted` positions. */
const keptRows = (file: string, deleted: readonly number[], columns = '*'): string =>
  `SELECT ${columns} FROM read_parquet('${file}') WHERE file_row_number NOT IN (${[-1, ...deleted].join(', ')})`;

/** Rows the deletion vectors of profiles/part-0 and part-1 remove at the latest version. */
const deletedProfiles: number[] = [];

const every = (n: number, k: number, rows: number): number[] => Array.from({ length: rows }, (_, i) => i).filter((i) => i % n === k);

beforeAll(async () => {
  await generateDataset({ profiles: 3000, seed: 11, date: D, outDir: base, playsFiles: 2 });
  for (const d of [lake, plain, plainAtV1]) mkdirSync(d, { recursive: true });

  // plays, partitioned by month (not a contract column): two appends, then the latest month is
  // replaced with rows whose watch_seconds changed; a checkpoint at version 2, then an append.
  const plays = new DeltaTableWriter(join(lake, 'plays'), {
    sql: query,
    fields: [...SPEC_FIELDS.plays, { name: 'month', type: 'string' }],
    partitionColumns: ['month'],
  });
  const months = (await query(`SELECT DISTINCT strftime(ts, '%Y-%m') FROM ${src('plays')} ORDER BY 1`)).map((r) => r[0] as string);
  const latest = months.at(-1)!;
  const inMonth = (m: string, where: string): string => `SELECT * FROM ${src('plays')} WHERE strftime(ts, '%Y-%m') = '${m}' AND ${where}`;
  const even: AddAction[] = [];
  const odd: AddAction[] = [];
  for (const m of months) even.push(await plays.dataFile(`month=${m}/part-even.parquet`, inMonth(m, 'profile_id % 2 = 0'), { month: m }));
  plays.commit(even.map((add) => ({ add })));
  for (const m of months) odd.push(await plays.dataFile(`month=${m}/part-odd.parquet`, inMonth(m, 'profile_id % 2 = 1'), { month: m }));
  plays.commit(odd.map((add) => ({ add })));
  const replaced = `SELECT profile_id, content_id, ts, watch_seconds + 45 AS watch_seconds FROM ${src('plays')} WHERE strftime(ts, '%Y-%m') = '${latest}'`;
  const replacement = await plays.dataFile(`month=${latest}/part-replaced.parquet`, replaced, { month: latest });
  plays.commit([...[even, odd].map((adds) => removeOf(adds.at(-1)!)), { add: replacement }]);
  await plays.checkpoint();
  const extra = `SELECT profile_id, content_id, ts - INTERVAL 1 HOUR AS ts, watch_seconds FROM ${src('plays')} WHERE profile_id % 10 = 3 AND strftime(ts, '%Y-%m') = '${months[0]}'`;
  plays.commit([{ add: await plays.dataFile(`month=${months[0]}/part-extra.parquet`, extra, { month: months[0]! }) }]);
  const older = `SELECT * FROM ${src('plays')} WHERE strftime(ts, '%Y-%m') <> '${latest}'`;
  await copyTo(join(plain, 'plays.parquet'), `${older} UNION ALL ${replaced} UNION ALL ${extra}`);
  await copyTo(join(plainAtV1, 'plays.parquet'), `SELECT * FROM ${src('plays')}`);

  // profiles: three files; deletion vectors in a file (under a random prefix) and inline; the
  // inline one replaced by a larger one; then the third file removed whole. Multi-part checkpoint.
  const profiles = new DeltaTableWriter(join(lake, 'profiles'), {
    sql: query,
    fields: SPEC_FIELDS.profiles,
  });
  const part = (k: number): string => `SELECT * FROM ${src('profiles')} WHERE profile_id % 3 = ${k} ORDER BY profile_id`;
  const files = [0, 1, 2].map(async (k) => profiles.dataFile(`part-${k}.parquet`, part(k)));
  const [p0, p1, p2] = await Promise.all(files);
  profiles.commit([p0!, p1!, p2!].map((add) => ({ add })));
  const rowsOf = async (add: AddAction): Promise<number> => Number(JSON.parse(add.stats).numRecords);
  const del0 = every(7, 3, await rowsOf(p0!));
  const [dv0] = deletionVectorFile(profiles.dir, [del0], 'ab');
  const firstInline = every(11, 5, await rowsOf(p1!));
  const p0dv = { ...p0!, deletionVector: dv0! };
  const p1dv = { ...p1!, deletionVector: inlineDeletionVector(firstInline) };
  profiles.commit([removeOf(p0!), { add: p0dv }, { add: p1dv }, removeOf(p1!)]);
  const del1 = every(5, 2, await rowsOf(p1!));
  const p1dv2 = { ...p1!, deletionVector: inlineDeletionVector(del1) };
  profiles.commit([{ add: p1dv2 }, removeOf(p1dv)]);
  deletedProfiles.push(del0.length, del1.length);
  await profiles.checkpoint(2);
  profiles.commit([removeOf(p2!)]);
  await copyTo(join(plain, 'profiles.parquet'), `${keptRows(join(profiles.dir, 'part-0.parquet'), del0)} UNION ALL ${keptRows(join(profiles.dir, 'part-1.parquet'), del1)}`);
  await copyTo(join(plainAtV1, 'profiles.parquet'), `SELECT * FROM read_parquet('${plain}/profiles.parquet')`);

  // accounts: column mapping `name`, partitioned by the contract column `plan`; a DELETE
  // rewritten copy-on-write (remove the file, add the file without the deleted accounts).
  const accounts = new DeltaTableWriter(join(lake, 'accounts'), {
    sql: query,
    fields: SPEC_FIELDS.accounts,
    partitionColumns: ['plan'],
    columnMapping: 'name',
  });
  const plans = ['avod', 'svod'];
  const accountFiles: AddAction[] = [];
  for (const plan of plans) accountFiles.push(await accounts.dataFile(`${plan}/a.parquet`, `SELECT * EXCLUDE (plan) FROM ${src('accounts')} WHERE plan = '${plan}'`, { plan }));
  accounts.commit(accountFiles.map((add) => ({ add })));
  const rewritten = await accounts.dataFile('svod/b.parquet', `SELECT * EXCLUDE (plan) FROM ${src('accounts')} WHERE plan = 'svod' AND account_id % 13 <> 0`, { plan: 'svod' });
  accounts.commit([removeOf(accountFiles[1]!), { add: rewritten }]);
  await copyTo(join(plain, 'accounts.parquet'), `SELECT * FROM ${src('accounts')} WHERE plan = 'avod' OR account_id % 13 <> 0`);

  // catalog: column mapping `id` (Parquet field ids), two appends, a V2 checkpoint with a sidecar.
  const catalog = new DeltaTableWriter(join(lake, 'catalog'), {
    sql: query,
    fields: SPEC_FIELDS.catalog,
    columnMapping: 'id',
    protocol: { minReaderVersion: 3, minWriterVersion: 7, readerFeatures: ['columnMapping', 'v2Checkpoint'], writerFeatures: ['columnMapping', 'v2Checkpoint'] },
  });
  catalog.commit([{ add: await catalog.dataFile('c0.parquet', `SELECT * FROM ${src('catalog')} WHERE content_id % 2 = 0`) }]);
  catalog.commit([{ add: await catalog.dataFile('c1.parquet', `SELECT * FROM ${src('catalog')} WHERE content_id % 2 = 1`) }]);
  await catalog.v2Checkpoint();
  await copyTo(join(plain, 'catalog.parquet'), `SELECT * FROM ${src('catalog')}`);

  // regions: overwritten (read as a directory, a country would map to two regions).
  const regions = new DeltaTableWriter(join(lake, 'regions'), { sql: query, fields: SPEC_FIELDS.regions });
  const oldRegions = await regions.dataFile('r0.parquet', `SELECT country, 'everywhere' AS region FROM ${src('regions')}`);
  regions.commit([{ add: oldRegions }]);
  regions.commit([removeOf(oldRegions), { add: await regions.dataFile('r1.parquet', `SELECT * FROM ${src('regions')}`) }]);
  await copyTo(join(plain, 'regions.parquet'), `SELECT * FROM ${src('regions')}`);

  // tombstones: written, then every file removed — an empty table.
  const tombstones = new DeltaTableWriter(join(lake, 'tombstones'), { sql: query, fields: SPEC_FIELDS.tombstones });
  const t0 = await tombstones.dataFile('t0.parquet', `SELECT * FROM ${src('tombstones')}`);
  tombstones.commit([{ add: t0 }]);
  tombstones.commit([removeOf(t0)]);
  await copyTo(join(plain, 'tombstones.parquet'), `SELECT * FROM ${src('tombstones')} WHERE false`);

  // sends stays plain Parquet: a dataset mixes both.
  for (const d of [lake, plain]) await copyTo(join(d, 'sends.parquet'), `SELECT * FROM ${src('sends')}`);
  for (const t of ['accounts', 'catalog', 'regions', 'tombstones', 'sends']) await copyTo(join(plainAtV1, `${t}.parquet`), `SELECT * FROM read_parquet('${plain}/${t}.parquet')`);
});

const OUTPUTS = [...SCENARIOS.map((s) => `scenarios/${s}.parquet`), 'selection.parquet'];

function outputs(run: RunCampaignResult): Record<string, string> {
  const digest = (f: string): string => createHash('sha256').update(readFileSync(join(run.outputDir, f))).digest('hex');
  const payloads = readFileSync(join(run.outputDir, 'payloads.ndjson'), 'utf8').replaceAll(run.runId, '<run id>');
  return { ...Object.fromEntries(OUTPUTS.map((f) => [f, digest(f)])), payloads: createHash('sha256').update(payloads).digest('hex') };
}

describe('Delta tables give the same run as the same snapshot in plain Parquet', () => {
  it('latest versions', async () => {
    const delta = await runCampaign({ dataDir: lake, date: D, outDir: join(root, 'out-delta'), workers: 1 });
    const flat = await runCampaign({ dataDir: plain, date: D, outDir: join(root, 'out-plain'), workers: 1 });
    expectEqual(delta.counts, flat.counts);
    expectEqual(outputs(delta), outputs(flat));
    assert.ok(delta.counts['status']!['send']! > 0, 'the dataset produces sends');
    const inputs = delta.manifest['inputs'] as { delta: Record<string, { version: number; files: { path: string; deleted_rows: number }[] }> };
    expectEqual(
      Object.fromEntries(Object.entries(inputs.delta).map(([t, d]) => [t, d.version])),
      { accounts: 1, catalog: 1, plays: 3, profiles: 3, regions: 1, tombstones: 1 },
      'versions recorded in the manifest',
    );
    expectEqual(
      inputs.delta['profiles']!.files.map((f) => [f.path, f.deleted_rows]),
      [
        ['profiles/part-0.parquet', deletedProfiles[0]],
        ['profiles/part-1.parquet', deletedProfiles[1]],
      ],
      'live files and the rows their deletion vectors remove',
    );
    assert.notEqual(delta.runId, flat.runId);
  });

  it('a pinned version (plays at version 1: both appends, before the partition was replaced)', async () => {
    const delta = await runCampaign({ dataDir: lake, date: D, outDir: join(root, 'out-delta-v1'), workers: 1, deltaVersions: { plays: 1, profiles: 3 } });
    const flat = await runCampaign({ dataDir: plainAtV1, date: D, outDir: join(root, 'out-plain-v1'), workers: 1 });
    expectEqual(outputs(delta), outputs(flat));
    expectEqual((delta.manifest['inputs'] as { delta: Record<string, { version: number }> }).delta['plays']!.version, 1);
  });
});
