import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'vitest';
import { generateCommand } from '../../../../bench/workloads/cli/commands/generate.js';
import { expectEqual } from '../../../support/expect-equal.js';
import { tempDir } from '../../../support/temp-dir.js';
import { usageErrors } from '../../../support/usage-errors.js';

const MAIN = fileURLToPath(new URL('../../../../bench/workloads/cli/main.js', import.meta.url));

function campaign(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [MAIN, 'generate', ...args], { encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('writes a dataset and reports the row counts', () => {
  const out = join(tempDir(), 'data');
  const r = campaign('--profiles', '300', '--seed', '5', '--date', '2026-11-22', '--out', out, '--plays-files', '2');
  expectEqual(r.status, 0, r.stderr);
  assert.match(r.stdout, /^wrote .*data in [\d.]+ s$/m);
  assert.match(r.stdout, /^ {2}profiles +300 rows$/m);
  assert.match(r.stderr, /generate: catalog [\d,]+ rows/);
  expectEqual(readdirSync(join(out, 'plays')), ['part-00000.parquet', 'part-00001.parquet']);
  const manifest = JSON.parse(readFileSync(join(out, 'dataset.json'), 'utf8')) as { seed: number; profiles: number; playsFiles: number };
  expectEqual([manifest.seed, manifest.profiles, manifest.playsFiles], [5, 300, 2]);
});

test('bad arguments exit 2 with a message naming the option', async () => {
  const out = join(tempDir(), 'never');
  const ok = ['--profiles', '10', '--seed', '1', '--date', '2026-11-22', '--out', out];
  const cases: [string[], RegExp][] = [
    [ok.slice(2), /--profiles is required/],
    [[...ok.slice(0, 2), ...ok.slice(4)], /--seed is required/],
    [[...ok.slice(0, 4), ...ok.slice(6)], /--date is required/],
    [ok.slice(0, 6), /--out is required/],
    [['--profiles', 'many', ...ok.slice(2)], /--profiles must be an integer from 1 to \d+, got 'many'/],
    [['--profiles', '0', ...ok.slice(2)], /--profiles must be an integer/],
    [['--profiles', '1e3', ...ok.slice(2)], /--profiles must be an integer/],
    [[...ok.slice(0, 2), '--seed=-1', ...ok.slice(4)], /--seed must be an integer/],
    [[...ok.slice(0, 4), '--date', '2026-02-30', ...ok.slice(6)], /--date must be a calendar date YYYY-MM-DD, got '2026-02-30'/],
    [[...ok, '--plays-files', '0'], /--plays-files must be an integer from 1 to 10/],
    [[...ok, '--plays-files', '11'], /--plays-files must be an integer from 1 to 10/],
    [[...ok, '--rows', '5'], /--rows/],
    [[...ok, 'extra'], /extra/],
  ];
  await usageErrors(generateCommand, cases);
  assert.throws(() => readdirSync(out), /ENOENT/);
  // Through the real entry point too: the process exit code is 2.
  const r = campaign('--profiles', 'x');
  expectEqual(r.status, 2);
  assert.match(r.stderr, /^campaign generate: --profiles must be an integer/);
});

test('refuses to overwrite a non-empty output directory', () => {
  const out = join(tempDir(), 'taken');
  mkdirSync(out);
  writeFileSync(join(out, 'keep.txt'), 'mine');
  const r = campaign('--profiles', '10', '--seed', '1', '--date', '2026-11-22', '--out', out);
  expectEqual(r.status, 3);
  assert.match(r.stderr, /^campaign: output .*taken already exists and is not empty; remove it or choose another --out\n$/);
  expectEqual(readdirSync(out), ['keep.txt']);
});

test('--help prints the usage', () => {
  const r = campaign('--help');
  expectEqual(r.status, 0);
  assert.match(r.stdout, /--plays-files K/);
});

test('the product CLI has no generate: it names the workloads entry instead (exit 2)', () => {
  const product = fileURLToPath(new URL('../../../../cli/main.js', import.meta.url));
  const r = spawnSync(process.execPath, [product, 'generate', '--profiles', '10'], { encoding: 'utf8' });
  expectEqual(r.status, 2);
  assert.match(r.stderr, /^campaign: 'generate' serves the synthetic workloads, not the product: run it as 'node dist\/bench\/workloads\/cli\/main\.js generate'\n$/);
});
