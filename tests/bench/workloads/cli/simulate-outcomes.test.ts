import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'vitest';
import { simulateOutcomesCommand } from '../../../../bench/workloads/cli/commands/simulate-outcomes.js';
import { expectEqual } from '../../../support/expect-equal.js';
import { runCli, WORKLOADS_CLI } from '../../../support/run-cli.js';
import { tempDir } from '../../../support/temp-dir.js';
import { usageErrors } from '../../../support/usage-errors.js';

const campaign = (...args: string[]): ReturnType<typeof runCli> => runCli(WORKLOADS_CLI, ...args);

test('simulate-outcomes: option errors exit 2; a missing run exits 3', async () => {
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
  expectEqual(r.status, 3);
  assert.match(r.stderr, /^campaign: no published run for 2026-11-22 under .*out; run 'campaign run --date 2026-11-22' first\n$/);
});

test('--help prints the usage', () => {
  assert.match(campaign('simulate-outcomes', '--help').stdout, /--base-rate P/);
  assert.match(campaign('--help').stdout, /simulate-outcomes +write simulated plays/);
});
