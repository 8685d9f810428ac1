/**
 * The drift guard through the CLI: `run` warns on stderr (exit 0) or, in fail mode, publishes,
 * prints the reasons and exits 5; `deliver` refuses such a run until `--accept-drift`. The baseline
 * runs are made with the library (cheaper than a CLI process each).
 */
import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'vitest';
import { loadConfigFile } from '../../engine/config/resolve-config.js';
import { runCampaign } from '../../engine/run-campaign.js';
import { driftDataset } from '../engine/drift/drift-fixture.js';
import { cli } from '../io/input/contract-fixture.js';
import { D, day, writeDataset } from '../reference/fixtures.js';
import { expectEqual } from '../support/expect-equal.js';
import { tempDir } from '../support/temp-dir.js';

const root = tempDir('cli-drift-');
const data = join(root, 'data');
await writeDataset(data, driftDataset());

/** A config file: no holdout unless given, the drift floor down to 10 for the 40 accounts. */
function configFile(name: string, mode: string, holdoutBps = 0): string {
  const path = join(root, name);
  writeFileSync(path, `holdout: {bps: ${holdoutBps}}\ndrift: {mode: ${mode}, min_count: 10}\n`);
  return path;
}

async function baseline(out: string, mode: string): Promise<void> {
  await runCampaign({ dataDir: data, date: day(1), outDir: out, workers: 0, config: loadConfigFile(configFile(`${mode}-baseline.yaml`, mode)) });
}

const runArgs = (out: string, config: string): string[] => ['run', '--data', data, '--date', D, '--out', out, '--config', config, '--workers', '0', '--quiet'];
const reason = new RegExp(`send_accounts moved from 40 on ${day(1)} to \\d+ \\(−\\d+\\.\\d%; limit ±50\\.0%\\)`);

test('warn mode: the run succeeds and the reasons are warnings on stderr', async () => {
  const out = join(root, 'out-warn');
  await baseline(out, 'warn');
  const r = await cli(runArgs(out, configFile('warn.yaml', 'warn', 7000)));
  expectEqual(r.code, 0, `exit code (stderr: ${r.stderr})`);
  assert.match(r.stderr, new RegExp(`^campaign: warning: drift: ${reason.source}$`, 'm'));
  assert.match(r.stdout, new RegExp(`^ {2}drift guard +warned against the run of ${day(1)}: 1 bound exceeded$`, 'm'));
});

test('fail mode: run exits 5 with the reasons and publishes; deliver refuses until --accept-drift', async () => {
  const out = join(root, 'out-fail');
  await baseline(out, 'fail');
  const r = await cli(runArgs(out, configFile('fail.yaml', 'fail', 7000)));
  expectEqual(r.code, 5, `exit code (stderr: ${r.stderr})`);
  assert.match(r.stderr, /^campaign: drift guard failed against the run of/m);
  assert.match(r.stderr, reason);
  expectEqual(existsSync(join(out, D, 'payloads.ndjson')), true, 'published for inspection');

  const refused = await cli(['deliver', '--out', out, '--date', D, '--dry-run']);
  expectEqual(refused.code, 5, `exit code (stderr: ${refused.stderr})`);
  assert.match(refused.stderr, /failed the drift guard .*nothing was sent/);
  assert.match(refused.stderr, reason);

  const accepted = await cli(['deliver', '--out', out, '--date', D, '--dry-run', '--accept-drift']);
  expectEqual(accepted.code, 0, `exit code (stderr: ${accepted.stderr})`);
  assert.match(accepted.stdout, new RegExp(`drift guard failed against the run of ${day(1)}; accepted with --accept-drift:\\n +${reason.source}`));
});
