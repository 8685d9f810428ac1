import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { mock, test } from 'node:test';
import { reportCommand } from '../../cli/commands/report.js';
import { simulateOutcomesCommand } from '../../bench/workloads/cli/commands/simulate-outcomes.js';
import type { Command } from '../../cli/command.js';
import { expectEqual } from '../support/expect-equal.js';
import { tempDir } from '../support/temp-dir.js';

const MAIN = fileURLToPath(new URL('../../cli/main.js', import.meta.url));

function campaign(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [MAIN, ...args], { encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

async function usageErrors(command: Command, cases: [string[], RegExp][]): Promise<void> {
  const stderr = mock.method(console, 'error', () => undefined);
  try {
    for (const [args, message] of cases) {
      stderr.mock.resetCalls();
      expectEqual(await command.run(args), 2, `exit code for ${args.join(' ')}`);
      const printed = stderr.mock.calls.map((c) => String(c.arguments[0])).join('\n');
      assert.match(printed, message);
      assert.match(printed, new RegExp(`usage: campaign ${command.name}`));
    }
  } finally {
    stderr.mock.restore();
  }
}

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

test('report: a range with no published run, or a reversed range, exits 1 with one clear line', () => {
  const root = tempDir();
  const out = join(root, 'out');
  mkdirSync(out);
  const noRun = campaign('report', '--out', out, '--data', join(root, 'data'), '--from', '2026-11-22', '--to', '2026-11-23');
  expectEqual(noRun.status, 1);
  assert.match(noRun.stderr, /^campaign: no published run under .*out for any date from 2026-11-22 to 2026-11-23 \(expected <out>\/<date>\/ directories written by 'campaign run'\)\n$/);
  const reversed = campaign('report', '--out', out, '--data', join(root, 'data'), '--from', '2026-11-23', '--to', '2026-11-22');
  expectEqual(reversed.status, 1);
  assert.match(reversed.stderr, /^campaign: the date range is empty: from 2026-11-23 is after to 2026-11-22\n$/);
  const badDate = campaign('report', '--out', out, '--data', join(root, 'data'), '--from', '2026-11-31', '--to', '2026-12-01');
  expectEqual(badDate.status, 1);
  assert.match(badDate.stderr, /^campaign: from date must be a calendar date YYYY-MM-DD, got '2026-11-31'\n$/);
});

test('simulate-outcomes: option errors exit 2; a missing run exits 1', async () => {
  const ok = ['--data', 'd', '--out', 'o', '--date', '2026-11-22', '--uplift', '0.3'];
  await usageErrors(simulateOutcomesCommand, [
    [ok.slice(2), /--data is required/],
    [ok.slice(0, 6), /--uplift is required/],
    [[...ok.slice(0, 6), '--uplift', 'lots'], /--uplift must be a number, got 'lots'/],
    [[...ok, '--seed', '1.5'], /--seed must be a whole number, got '1.5'/],
    [[...ok, '--base-rate', '1e-1'], /--base-rate must be a number/],
  ]);
  const root = tempDir();
  const r = campaign('simulate-outcomes', '--data', join(root, 'data'), '--out', join(root, 'out'), '--date', '2026-11-22', '--uplift', '0.3');
  expectEqual(r.status, 1);
  assert.match(r.stderr, /^campaign: no published run for 2026-11-22 under .*out; run 'campaign run --date 2026-11-22' first\n$/);
});

test('--help prints the usage of both commands', () => {
  assert.match(campaign('report', '--help').stdout, /--report-dir DIR/);
  assert.match(campaign('simulate-outcomes', '--help').stdout, /--base-rate P/);
  assert.match(campaign('--help').stdout, /report +measure campaigns/);
});
