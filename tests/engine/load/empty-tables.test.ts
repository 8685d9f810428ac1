/**
 * Issue 17 item 16: a run on an empty catalog, accounts, profiles or plays table sends nothing;
 * that must not pass as a quiet night. The counts show the empty table (manifest and text
 * summary), the manifest's `warnings` and a `campaign: warning:` line on stderr name it.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, it } from 'vitest';
import { D, cli, run, variant, writeBase } from '../../io/input/contract-fixture.js';
import { expectEqual } from '../../support/expect-equal.js';
import { tempDir } from '../../support/temp-dir.js';

const root = tempDir('empty-tables-');
const base = join(root, 'base');
beforeAll(() => writeBase(base));

/** Each table, and the count that holds its rows. */
const TABLES = [
  ['catalog', 'episodes'],
  ['accounts', 'rows'],
  ['profiles', 'rows'],
  ['plays', 'rows'],
] as const;

const warning = (table: string): string => `required table '${table}' is empty (0 rows in ${table}.parquet): nothing can be sent`;

describe('an empty required table', () => {
  for (const [table, key] of TABLES) {
    it(`${table}: counted as 0, warned, and nothing sent`, async () => {
      const data = await variant(base, join(root, table), { [table]: { select: 'SELECT * FROM {src} WHERE false' } });
      // The freshness guard (fail by default) would stop a run with nothing to send; as warnings it
      // lets this test see the run the empty table makes.
      const r = await run(data, join(root, `out-${table}`), { config: { freshness: { mode: 'warn' } } });
      expectEqual(r.freshness.status, 'warned', 'the freshness guard sees it too');
      expectEqual((r.counts[table] as Readonly<Record<string, number>> | undefined)?.[key], 0, `counts.${table}.${key}`);
      expectEqual(r.warnings, [warning(table)], 'warnings');
      expectEqual((JSON.parse(readFileSync(join(r.outputDir, 'manifest.json'), 'utf8')) as { warnings: string[] }).warnings, [warning(table)], 'manifest warnings');
      expectEqual(r.counts['status']?.['send'], 0, 'sends');
    });
  }

  it('through the CLI: the freshness guard refuses the run (exit 4) in one line, or as a warning lets the run show the zero', async () => {
    const data = await variant(base, join(root, 'cli'), { plays: { select: 'SELECT * FROM {src} WHERE false' } });
    const refused = await cli(['run', '--data', data, '--date', D, '--out', join(root, 'out-cli'), '--workers', '0', '--quiet']);
    expectEqual(refused.code, 4, 'exit: stale or empty data');
    // The refusal is the one line: it names the table and the window.
    expectEqual(refused.stderr.split('\n').length, 2, 'one stderr line');
    expectEqual(refused.stderr.startsWith('campaign: freshness guard: plays: no play in the history window 2026-08-24 to 2026-11-21'), true, refused.stderr);
    const config = join(root, 'freshness-warn.yaml');
    writeFileSync(config, 'freshness:\n  mode: warn\n');
    const r = await cli(['run', '--data', data, '--date', D, '--out', join(root, 'out-cli'), '--config', config, '--workers', '0', '--quiet']);
    expectEqual(r.code, 0, 'exit with the guard as a warning');
    expectEqual(r.stderr.split('\n')[0], `campaign: warning: ${warning('plays')}`, 'first stderr line');
    expectEqual(r.stdout.split('\n').filter((l) => l.startsWith('  inputs ')), ['  inputs        11 episodes · 5 accounts · 13 profiles · 0 plays (empty)']);
  });

  it('a dataset with every table holds no warning', async () => {
    expectEqual((await run(base, join(root, 'out-base'))).warnings, []);
  });
});
