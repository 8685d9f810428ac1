/**
 * The command line as a new user and a job runner meet it (real `campaign` processes): --version,
 * `help <command>`, "did you mean" for commands, options and config keys, one-line messages for a
 * missing config file, a missing dataset directory and stale data, each with its row of the one
 * exit-status table.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, it } from 'vitest';
import { ENGINE_VERSION } from '../../engine/version.js';
import { cli, D, mapLimit, writeBase } from '../io/input/contract-fixture.js';
import type { CliResult } from '../io/input/contract-fixture.js';
import { expectEqual } from '../support/expect-equal.js';
import { tempDir } from '../support/temp-dir.js';

const root = tempDir('cli-dispatch-');
const base = join(root, 'base');
const r: Record<string, CliResult> = {};
const run = (...extra: string[]): string[] => ['run', '--data', base, '--date', D, '--out', join(root, 'out'), '--workers', '0', '--quiet', ...extra];

beforeAll(async () => {
  await writeBase(base);
  writeFileSync(join(root, 'typo.yaml'), 'scenarios:\n  trendng: {window_days: 14}\n');
  const jobs: [string, string[]][] = [
    ['version', ['--version']],
    ['help-run', ['help', 'run']],
    ['help-bogus', ['help', 'rnu']],
    ['unknown-command', ['delivr']],
    ['unknown-option', run('--wokers', '2')],
    ['config-typo', run('--config', join(root, 'typo.yaml'))],
    ['no-config', run('--config', join(root, 'missing.yaml'))],
    ['no-data', ['run', '--data', join(root, 'nowhere'), '--date', D, '--out', join(root, 'out'), '--quiet']],
    ['stale', run('--date', '2027-06-01')],
    ['log-format', run('--log-format', 'xml')],
    ['help', ['--help']],
  ];
  await mapLimit(jobs, 2, async ([name, args]) => {
    r[name] = await cli(args);
  });
});

describe('campaign', () => {
  it('--version prints the version', () => {
    expectEqual([r['version']!.code, r['version']!.stdout], [0, `campaign ${ENGINE_VERSION}\n`]);
  });

  it('help <command> prints that command’s usage; an unknown one is a usage error with a suggestion', () => {
    expectEqual(r['help-run']!.code, 0);
    assert.match(r['help-run']!.stdout, /^usage: campaign run --data DIR\|URL --date YYYY-MM-DD --out DIR/);
    expectEqual(r['help-bogus']!.code, 2);
    assert.match(r['help-bogus']!.stderr, /^campaign: unknown command 'rnu' \(did you mean 'run'\?\)\n/);
    expectEqual(r['unknown-command']!.code, 2);
    assert.match(r['unknown-command']!.stderr, /^campaign: unknown command 'delivr' \(did you mean 'deliver'\?\)\n/);
  });

  it('an unknown option or config key suggests the nearest one', () => {
    expectEqual(r['unknown-option']!.code, 2);
    assert.match(r['unknown-option']!.stderr, /^campaign: unknown option '--wokers' \(did you mean '--workers'\?\)\n\n\(see 'campaign run --help'\)\n$/);
    expectEqual(r['config-typo']!.code, 3);
    expectEqual(r['config-typo']!.stderr, `campaign: config ${join(root, 'typo.yaml')}:\n  scenarios.trendng: unknown config key (did you mean 'scenarios.trending'?)\n`);
  });

  it('a missing config file and a missing dataset directory are one line each (exit 3)', () => {
    expectEqual([r['no-config']!.code, r['no-config']!.stderr], [3, `campaign: config ${join(root, 'missing.yaml')}: no such file\n`]);
    expectEqual([r['no-data']!.code, r['no-data']!.stderr], [3, `campaign: ${join(root, 'nowhere')}: no such dataset directory\n`]);
  });

  it('stale data: exit 4, one line naming the table and the dates, nothing published', () => {
    expectEqual(r['stale']!.code, 4);
    expectEqual(r['stale']!.stderr, 'campaign: freshness guard: plays: no play in the history window 2027-03-03 to 2027-05-31 (history_days 90); nothing was published for 2027-06-01 (freshness.mode fail: fix the data, or set freshness.mode warn or off)\n');
  });

  it('a bad --log-format is a usage error; --help shows the exit statuses', () => {
    expectEqual([r['log-format']!.code, r['log-format']!.stderr], [2, "campaign: --log-format must be text or json, got 'xml'\n"]);
    assert.match(r['help']!.stdout, /^Exit status: 0 OK, 2 USAGE, 3 INVALID, 4 DATA, 5 DRIFT, 69 UNAVAILABLE, 70 INTERNAL, 75 LOCKED, 128\+n ABORTED\.$/m);
  });
});
