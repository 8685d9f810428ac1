/**
 * The drift guard end to end: real runs with runCampaign on a tiny literal dataset, one output root
 * per test, comparing each run with the previous date's.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, test } from 'vitest';
import type { CampaignConfig } from '../../../engine/config/config-types.js';
import { configFromObject } from '../../../engine/config/resolve-config.js';
import type { DriftCheck, DriftResult } from '../../../engine/drift/drift-types.js';
import { DriftError } from '../../../engine/errors.js';
import { runCampaign } from '../../../engine/run-campaign.js';
import type { RunCampaignResult } from '../../../engine/run-campaign.js';
import { deliverRun } from '../../../engine/delivery/deliver-run.js';
import { Sandbox, SANDBOX_DEFAULT_ACCOUNT_ID, SANDBOX_DEFAULT_PASSCODE } from '../../../bench/workloads/sandbox/sandbox-server.js';
import { testDelivery } from '../delivery/run-fixture.js';
import { D, day, writeDataset } from '../../reference/fixtures.js';
import { expectEqual } from '../../support/expect-equal.js';
import { readRunOutputs } from '../../support/read-run-outputs.js';
import { tempDir } from '../../support/temp-dir.js';
import { ACCOUNTS, driftDataset } from './drift-fixture.js';

const YESTERDAY = day(1);
const TOMORROW = day(-1);
const root = tempDir('drift-');
const base = join(root, 'base');
await writeDataset(base, driftDataset());

/** Tiny runs: the floor comes down to 10 so the 40 accounts are checked. */
function settings(patch: Record<string, unknown> = {}, drift: Record<string, unknown> = {}): CampaignConfig {
  return configFromObject({ holdout: { bps: 0 }, ...patch, drift: { min_count: 10, ...drift } }, 'test');
}

function runOn(dataDir: string, outDir: string, date: string, config = settings()): Promise<RunCampaignResult> {
  return runCampaign({ dataDir, date, outDir, workers: 0, config });
}

function payloadLines(runDir: string): number {
  return readFileSync(join(runDir, 'payloads.ndjson'), 'utf8').split('\n').filter((l) => l !== '').length;
}

function manifestDrift(runDir: string): DriftResult {
  return (JSON.parse(readFileSync(join(runDir, 'manifest.json'), 'utf8')) as { drift: DriftResult }).drift;
}

function check(drift: DriftResult, metric: string): DriftCheck {
  const found = drift.checks.find((c) => c.metric === metric);
  assert.ok(found !== undefined, `no ${metric} check in ${JSON.stringify(drift.checks)}`);
  return found;
}

test('the first run has no baseline; the next date on the same data is ok; a re-run never compares with itself', async () => {
  const out = join(root, 'out-steady');
  const first = await runOn(base, out, YESTERDAY);
  expectEqual([first.drift.status, first.drift.baseline, first.drift.checks], ['no_baseline', null, []]);
  expectEqual(manifestDrift(first.outputDir), first.drift, 'the manifest holds the verdict');

  const second = await runOn(base, out, D);
  expectEqual(second.drift.status, 'ok');
  expectEqual(second.drift.baseline, { date: YESTERDAY, run_id: first.runId });
  expectEqual(second.drift.reasons, []);
  // The compared counts are the files' own: payload lines are the send accounts, every profile is eligible.
  expectEqual([check(second.drift, 'send_accounts').previous, check(second.drift, 'send_accounts').current], [payloadLines(first.outputDir), payloadLines(second.outputDir)]);
  expectEqual([check(second.drift, 'eligible_profiles').previous, check(second.drift, 'eligible_profiles').current], [ACCOUNTS, ACCOUNTS]);
  expectEqual(check(second.drift, 'send_share.re_engagement'), { metric: 'send_share.re_engagement', previous: 0.5, current: 0.5, change: 0, limit: 0.15, exceeded: false });

  const again = await runOn(base, out, D);
  expectEqual(again.drift.baseline, { date: YESTERDAY, run_id: first.runId }, 're-running D compares with D−1, not with the published D');
});

test('warn: a send count that falls past the bound is a warning naming the metric and both values; outputs are unchanged', async () => {
  const out = join(root, 'out-warn');
  await runOn(base, out, YESTERDAY);
  const shrunk = join(root, 'tombstoned');
  // 25 of the 40 accounts, from both halves so each keeps enough viewers for the trending pool.
  await writeDataset(shrunk, driftDataset(Array.from({ length: ACCOUNTS }, (_, i) => i + 1).filter((id) => id % 8 >= 1 && id % 8 <= 5)));
  const result = await runOn(shrunk, out, D);
  expectEqual(payloadLines(result.outputDir), 15, 'the data really shrank');
  expectEqual(result.drift.status, 'warned');
  expectEqual(result.drift.reasons, [
    `eligible_profiles moved from 40 on ${YESTERDAY} to 15 (−62.5%; limit ±25.0%)`,
    `send_accounts moved from 40 on ${YESTERDAY} to 15 (−62.5%; limit ±50.0%)`,
  ]);
  expectEqual(check(result.drift, 'send_accounts').change, (15 - 40) / 40);
  expectEqual(manifestDrift(result.outputDir), result.drift);

  // The same run with the guard off: identical run id and bytes — the guard only judges.
  const off = await runOn(shrunk, join(root, 'out-warn-off'), D, settings({}, { mode: 'off' }));
  expectEqual(off.drift, { mode: 'off', status: 'off', baseline: null, checks: [], reasons: [], notes: [], ignored_baselines: [] });
  expectEqual(off.runId, result.runId, 'run id');
  for (const file of ['selection.parquet', 'payloads.ndjson', 'scenarios/trending.parquet', 'scenarios/re_engagement.parquet']) {
    expectEqual(readFileSync(join(off.outputDir, file)).equals(readFileSync(join(result.outputDir, file))), true, file);
  }
});

test('a scenario share that moves past the bound is drift even when the send count holds', async () => {
  const out = join(root, 'out-share');
  await runOn(base, out, YESTERDAY);
  const result = await runOn(base, out, D, settings({ scenarios: { re_engagement: { enabled: false } } }));
  // Independent count from the published selection: every send account now gets trending.
  const sends = (await readRunOutputs(result.outputDir)).selection.filter((r) => r.status === 'send');
  const trendingShare = sends.filter((r) => r.scenario === 'trending').length / sends.length;
  expectEqual([sends.length, trendingShare], [ACCOUNTS, 1]);
  expectEqual(result.drift.status, 'warned');
  expectEqual(check(result.drift, 'send_accounts').exceeded, false);
  expectEqual(check(result.drift, 'send_share.trending'), { metric: 'send_share.trending', previous: 0.5, current: trendingShare, change: 0.5, limit: 0.15, exceeded: true });
  expectEqual(result.drift.reasons, [
    `send_share.re_engagement moved from 50.0% on ${YESTERDAY} to 0.0% (−50.0 points; limit ±15.0)`,
    `send_share.trending moved from 50.0% on ${YESTERDAY} to 100.0% (+50.0 points; limit ±15.0)`,
  ]);
});

const sandbox = await Sandbox.start();
afterAll(() => sandbox.close());

test('fail: the run is published, then DriftError; delivery is refused until the drift is accepted', async () => {
  const out = join(root, 'out-fail');
  const failMode = (patch: Record<string, unknown> = {}): CampaignConfig => settings(patch, { mode: 'fail' });
  await runOn(base, out, YESTERDAY, failMode());
  const error = await runOn(base, out, D, failMode({ holdout: { bps: 7000 } })).then(
    () => assert.fail('expected a DriftError'),
    (err: unknown) => err,
  );
  assert.ok(error instanceof DriftError, String(error));
  expectEqual([error.code, error.drift.status, error.outputDir], ['DRIFT', 'failed', join(out, D)]);
  const sends = payloadLines(error.outputDir);
  assert.ok(sends > 0 && sends < 20, `holdout 70% leaves fewer than half of 40 sends, got ${sends}`);
  expectEqual(error.drift.reasons, [`send_accounts moved from 40 on ${YESTERDAY} to ${sends} (−${(((40 - sends) / 40) * 100).toFixed(1)}%; limit ±50.0%)`]);
  assert.match(error.message, /drift guard failed against the run of .*send_accounts moved from 40/s);
  expectEqual(manifestDrift(error.outputDir), error.drift, 'the published manifest records the failure');

  const refused = await deliverRun({ outDir: out, date: D, dryRun: true }).then(
    () => assert.fail('expected the delivery to be refused'),
    (err: unknown) => err,
  );
  assert.ok(refused instanceof DriftError, String(refused));
  assert.match(refused.message, /failed the drift guard .*nothing was sent.*send_accounts moved from 40.*--accept-drift/s);

  const dry = await deliverRun({ outDir: out, date: D, dryRun: true, acceptDrift: true });
  expectEqual([dry.to_send, dry.drift_accepted], [sends, { baseline: error.drift.baseline, reasons: error.drift.reasons }]);
  const credentials = { accountId: SANDBOX_DEFAULT_ACCOUNT_ID, passcode: SANDBOX_DEFAULT_PASSCODE, endpoint: sandbox.url };
  const delivered = await deliverRun({ outDir: out, date: D, acceptDrift: true, credentials, config: testDelivery() });
  expectEqual([delivered.accepted, delivered.drift_accepted?.reasons], [sends, error.drift.reasons]);
  const manifest = JSON.parse(readFileSync(join(out, D, 'manifest.json'), 'utf8')) as { delivery: { drift_accepted: unknown } };
  expectEqual(manifest.delivery.drift_accepted, dry.drift_accepted, 'the acceptance is on record in the manifest');

  // Delivered, the failed run is the next baseline: the same holdout tomorrow is no drift.
  const next = await runOn(base, out, TOMORROW, failMode({ holdout: { bps: 7000 } }));
  expectEqual([next.drift.status, next.drift.baseline?.date], ['ok', D]);
});

test('a failed run that was never delivered is passed over as a baseline', async () => {
  const out = join(root, 'out-passed-over');
  await runOn(base, out, day(2), settings({}, { mode: 'fail' }));
  await assert.rejects(runOn(base, out, YESTERDAY, settings({ holdout: { bps: 7000 } }, { mode: 'fail' })), DriftError);
  const result = await runOn(base, out, D, settings({}, { mode: 'fail' }));
  expectEqual([result.drift.status, result.drift.baseline?.date], ['ok', day(2)]);
  expectEqual(result.drift.ignored_baselines, [`passed over the run of ${YESTERDAY} as a baseline: it failed the drift guard and was never delivered`]);
  assert.ok(existsSync(join(out, YESTERDAY, 'payloads.ndjson')), 'the failed run is still there to inspect');
});
