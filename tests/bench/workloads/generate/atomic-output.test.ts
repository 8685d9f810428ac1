import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'vitest';
import { CampaignError } from '../../../../engine/errors.js';
import { buildDirectoryAtomically } from '../../../../bench/workloads/generate/atomic-output.js';
import { generateDataset } from '../../../../bench/workloads/generate/generate-dataset.js';
import { expectEqual } from '../../../support/expect-equal.js';
import { tempDir } from '../../../support/temp-dir.js';

const isOutputExists = (err: unknown): boolean => err instanceof CampaignError && err.code === 'OUTPUT_EXISTS';

test('the directory appears only when complete, built beside the target', async () => {
  const root = tempDir();
  const target = join(root, 'nested', 'out');
  await buildDirectoryAtomically(target, async (dir) => {
    assert.ok(!existsSync(target), 'target visible before completion');
    expectEqual(join(dir, '..'), join(root, 'nested'));
    await writeFile(join(dir, 'a.txt'), 'a');
  });
  expectEqual(readdirSync(target), ['a.txt']);
  expectEqual(readdirSync(join(root, 'nested')), ['out']);
});

test('a failed build leaves nothing behind', async () => {
  const root = tempDir();
  await assert.rejects(
    buildDirectoryAtomically(join(root, 'out'), async (dir) => {
      await writeFile(join(dir, 'partial'), 'x');
      throw new Error('boom');
    }),
    /boom/,
  );
  expectEqual(readdirSync(root), []);
});

test('an empty existing directory is replaced, a non-empty one or a file is refused untouched', async () => {
  const root = tempDir();
  const empty = join(root, 'empty');
  mkdirSync(empty);
  await buildDirectoryAtomically(empty, (dir) => writeFile(join(dir, 'new'), 'n'));
  expectEqual(readdirSync(empty), ['new']);

  const full = join(root, 'full');
  mkdirSync(full);
  writeFileSync(join(full, 'keep'), 'precious');
  await assert.rejects(buildDirectoryAtomically(full, async () => assert.fail('build must not run')), isOutputExists);
  expectEqual(readFileSync(join(full, 'keep'), 'utf8'), 'precious');

  const file = join(root, 'file');
  writeFileSync(file, 'f');
  await assert.rejects(buildDirectoryAtomically(file, async () => assert.fail('build must not run')), isOutputExists);
  expectEqual(readdirSync(root).sort(), ['empty', 'file', 'full']);
});

test('generateDataset refuses bad options before writing anything', async () => {
  const root = tempDir();
  const base = { profiles: 10, seed: 1, date: '2026-11-22', outDir: join(root, 'out') };
  await assert.rejects(generateDataset({ ...base, profiles: 0 }), /profiles must be an integer from 1/);
  await assert.rejects(generateDataset({ ...base, seed: -1 }), /seed must be an integer from 0/);
  await assert.rejects(generateDataset({ ...base, seed: 1.5 }), /seed must be an integer/);
  await assert.rejects(generateDataset({ ...base, playsFiles: 11 }), /playsFiles must be an integer from 1 to 10/);
  await assert.rejects(generateDataset({ ...base, date: '2026-02-30' }), /date must be a calendar date/);
  expectEqual(readdirSync(root), []);
});

test('a tiny dataset still has every table', async () => {
  const out = join(tempDir(), 'tiny');
  const summary = await generateDataset({ profiles: 1, seed: 3, date: '2026-11-22', outDir: out });
  expectEqual(summary.rows.profiles, 1);
  expectEqual(readdirSync(out).length, 8);
});
