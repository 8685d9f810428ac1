import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'vitest';
import { reportCommand } from '../../cli/commands/report.js';
import { expectEqual } from '../support/expect-equal.js';
import { runCli, PRODUCT_CLI } from '../support/run-cli.js';
import { usageErrors } from '../support/usage-errors.js';
import { tempDir } from '../support/temp-dir.js';

const campaign = (...args: string[]): ReturnType<typeof runCli> => runCli(PRODUCT_CLI, ...args);

test('report: missing or malformed options exit 2 naming the option', async () => {
  const ok = ['--out', 'o', '--data', 'd', '--from', '2026-11-22', '--to', '2026-11-23'];
  await usageErrors(reportCommand, [
    [ok.slice(2), /--out is required/],
    [[...ok.slice(0, 2), ...ok.slice(4)], /--data is required/],
    [[...ok.slice(0, 4), ...ok.slice(6)], /--from is required/],
    [ok.slice(0, 6), /--to is required/],
    [[...ok, '--window-days', '0'], /--window-days must be a whole number from 1 to 365, got '0'/],
    [[...ok, '--window-days', 'week'], /--window-days must be a whole number/],
    [[...ok, '--min-accounts', '0'], /--min-accounts must be a whole number ≥ 1, got '0'/],
  ]);
  const r = campaign('report', ...ok, '--bogus');
  expectEqual(r.status, 2);
  assert.match(r.stderr, /bogus/);
});

test('report: a range with no published run or a reversed range exits 3, a bad date 2, with one clear line', () => {
  const root = tempDir();
  const out = join(root, 'out');
  mkdirSync(out);
  const noRun = campaign('report', '--out', out, '--data', join(root, 'data'), '--from', '2026-11-22', '--to', '2026-11-23');
  expectEqual(noRun.status, 3);
  assert.match(noRun.stderr, /^campaign: no published run under .*out for any date from 2026-11-22 to 2026-11-23 \(expected <out>\/<date>\/ directories written by 'campaign run'\)\n$/);
  const reversed = campaign('report', '--out', out, '--data', join(root, 'data'), '--from', '2026-11-23', '--to', '2026-11-22');
  expectEqual(reversed.status, 3);
  assert.match(reversed.stderr, /^campaign: the date range is empty: from 2026-11-23 is after to 2026-11-22\n$/);
  const badDate = campaign('report', '--out', out, '--data', join(root, 'data'), '--from', '2026-11-31', '--to', '2026-12-01');
  expectEqual(badDate.status, 2);
  assert.match(badDate.stderr, /^campaign: from date must be a calendar date YYYY-MM-DD, got '2026-11-31'\n$/);
});

test('--help prints the usage', () => {
  assert.match(campaign('report', '--help').stdout, /--report-dir DIR/);
  assert.match(campaign('--help').stdout, /report +measure campaigns/);
});
