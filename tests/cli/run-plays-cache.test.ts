/**
 * `campaign run` and the plays cache as an operator sees them: the summary's `plays cache` line
 * on a first, a second and a `--cold` night, `--plays-cache-max-mb 0`, and a bad limit.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectEqual } from '../support/expect-equal.js';
import { tempDir } from '../support/temp-dir.js';
import { D, cli, readOutputs, writeBase } from '../io/input/contract-fixture.js';
import type { CliResult } from '../io/input/contract-fixture.js';

const root = tempDir('cli-plays-cache-');
const base = join(root, 'base');
const out = join(root, 'out');
const runArgs = (...extra: string[]): string[] => ['run', '--data', base, '--date', D, '--out', out, '--workers', '1', ...extra];
const cacheLine = (r: CliResult): string => r.stdout.replace(/\n {16}/g, ' ').split('\n').find((l) => l.startsWith('  plays cache'))!;
const manifest = (): { plays_cache?: { reused: string[] } } => JSON.parse(readFileSync(join(out, D, 'manifest.json'), 'utf8')) as { plays_cache?: { reused: string[] } };

const r: Record<string, CliResult> = {};
const published: Record<string, Record<string, string>> = {};
beforeAll(async () => {
  await writeBase(base);
  // One after another: each night reads the cache the one before wrote.
  for (const [name, extra] of [
    ['first', []],
    ['second', []],
    ['cold', ['--cold']],
    ['off', ['--plays-cache-max-mb', '0']],
    ['bad', ['--plays-cache-max-mb', '2G']],
  ] as [string, string[]][]) {
    r[name] = await cli(runArgs(...extra));
    if (r[name].code === 0) published[name] = readOutputs(join(out, D));
  }
}, 300_000);

describe('campaign run with the plays cache', () => {
  it('says what the cache did: nothing cached yet, then the file reused, then --cold', () => {
    expectEqual(cacheLine(r['first']!), '  plays cache   0 files reused (0 plays) · 1 file decoded: no cache yet · cache written: 1 file, 1 MB', 'first night');
    expect(cacheLine(r['second']!)).toMatch(/^ {2}plays cache {3}1 file reused \([\d,]+ plays\) · cache written: 1 file, 1 MB$/);
    expectEqual(cacheLine(r['cold']!), '  plays cache   0 files reused (0 plays) · 1 file decoded: run with --cold: the cache was not read · cache written: 1 file, 1 MB', '--cold');
    expectEqual(published['second'], published['first'], 'second night outputs');
    expectEqual(published['cold'], published['first'], '--cold outputs');
  });

  it('--plays-cache-max-mb 0 keeps no cache and removes the one there was', () => {
    expectEqual(r['off']!.code, 0, 'exit code');
    expectEqual(cacheLine(r['off']!), undefined, 'no plays cache line');
    expectEqual(manifest().plays_cache, undefined, 'manifest plays_cache');
    expectEqual(existsSync(join(out, 'state', 'plays-cache')), false, 'cache directory');
    expectEqual(published['off'], published['first'], 'outputs');
  });

  it('a limit that is not a whole number of MB is a usage error', () => {
    const { code, stdout, stderr } = r['bad']!;
    expectEqual({ code, stdout }, { code: 2, stdout: '' }, 'exit code and stdout');
    expectEqual(stderr.split('\n')[0], "campaign: --plays-cache-max-mb must be a whole number ≥ 0, got '2G'", 'message');
  });
});
