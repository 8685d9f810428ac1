import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, test } from 'vitest';
import { generateDataset, type GenerateProgress } from '../../../../bench/workloads/generate/generate-dataset.js';
import { expectEqual } from '../../../support/expect-equal.js';
import { tempDir } from '../../../support/temp-dir.js';
import { queryDataset, type DatasetQuery } from './dataset-query.js';

const root = tempDir();
const options = { profiles: 1500, seed: 99, date: '2026-03-01' };
const dirs = { first: join(root, 'first'), second: join(root, 'second'), split: join(root, 'split'), otherSeed: join(root, 'other-seed') };
const progress: GenerateProgress[] = [];
let db: DatasetQuery;

beforeAll(async () => {
  await generateDataset({ ...options, outDir: dirs.first, onProgress: (e) => progress.push(e) });
  await generateDataset({ ...options, outDir: dirs.second });
  await generateDataset({ ...options, outDir: dirs.split, playsFiles: 3 });
  await generateDataset({ ...options, seed: 100, outDir: dirs.otherSeed });
  db = await queryDataset(root);
});
afterAll(() => db.close());

const files = (dir: string): string[] => readdirSync(dir, { recursive: true, encoding: 'utf8' }).sort();

test('the same seed and options give byte-identical files', () => {
  const names = files(dirs.first);
  expectEqual(names, [
    'accounts.parquet', 'catalog.parquet', 'dataset.json', 'plays.parquet', 'profiles.parquet', 'regions.parquet', 'sends.parquet', 'tombstones.parquet',
  ]);
  expectEqual(files(dirs.second), names);
  for (const name of names) assert.ok(readFileSync(join(dirs.first, name)).equals(readFileSync(join(dirs.second, name))), `${name} differs between runs`);
});

test('another seed gives other data', () => {
  for (const name of ['plays.parquet', 'profiles.parquet', 'catalog.parquet']) {
    assert.ok(!readFileSync(join(dirs.first, name)).equals(readFileSync(join(dirs.otherSeed, name))), `${name} ignores the seed`);
  }
});

test('splitting plays into files keeps the same rows, in the same order, and leaves the other tables alone', async () => {
  expectEqual(files(join(dirs.split, 'plays')), ['part-00000.parquet', 'part-00001.parquet', 'part-00002.parquet']);
  const rows = async (from: string): Promise<unknown> =>
    (await db.sql(`SELECT md5(string_agg(concat_ws(',', profile_id, content_id, epoch_ms(ts), watch_seconds), ';')) AS h, count(*) AS n FROM ${from}`))[0];
  expectEqual(await rows(`read_parquet('split/plays/part-*.parquet')`), await rows(`'first/plays.parquet'`));
  for (const name of ['catalog.parquet', 'profiles.parquet', 'sends.parquet']) {
    assert.ok(readFileSync(join(dirs.first, name)).equals(readFileSync(join(dirs.split, name))), `${name} depends on --plays-files`);
  }
  const manifest = JSON.parse(readFileSync(join(dirs.split, 'dataset.json'), 'utf8')) as { playsFiles: number; files: { plays: string[] } };
  expectEqual(manifest.playsFiles, 3);
  expectEqual(manifest.files.plays, ['plays/part-00000.parquet', 'plays/part-00001.parquet', 'plays/part-00002.parquet']);
});

test('progress reports every table, and plays as they grow', () => {
  const tables = [...new Set(progress.map((e) => e.table))];
  expectEqual(tables, ['catalog', 'accounts', 'profiles', 'regions', 'sends', 'tombstones', 'plays']);
  const plays = progress.filter((e) => e.table === 'plays').map((e) => e.rows);
  assert.ok(plays.every((n, i) => i === 0 || n > plays[i - 1]!));
  const manifest = JSON.parse(readFileSync(join(dirs.first, 'dataset.json'), 'utf8')) as { rows: { plays: number } };
  expectEqual(plays.at(-1), manifest.rows.plays);
});
