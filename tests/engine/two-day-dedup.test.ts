import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'vitest';
import { SCENARIOS } from '../../engine/config/config-types.js';
import { defaultConfig } from '../../engine/config/default-config.js';
import { runCampaign } from '../../engine/run-campaign.js';
import { Sandbox } from '../../bench/workloads/index.js';
import { deliverRun } from '../../engine/delivery/index.js';
import { generateDataset } from '../../bench/workloads/generate/generate-dataset.js';
import { readAcceptedSends } from '../../io/ledger/index.js';
import { runReference } from '../reference/reference-campaign.js';
import { expectEqual } from '../support/expect-equal.js';
import { readRunOutputs } from '../support/read-run-outputs.js';
import { tempDir } from '../support/temp-dir.js';

test('a second day excludes the shows the first day really delivered (ledger → dedup history)', async () => {
  const dir = tempDir();
  const data = join(dir, 'data');
  const out = join(dir, 'out');
  await generateDataset({ profiles: 3000, seed: 21, date: '2026-11-22', outDir: data });
  const sandbox = await Sandbox.start();
  try {
    await runCampaign({ dataDir: data, date: '2026-11-22', outDir: out, workers: 2 });
    const delivery = await deliverRun({ outDir: out, date: '2026-11-22', credentials: { accountId: 'SANDBOX-ACCOUNT', passcode: 'sandbox-passcode', endpoint: sandbox.url } });
    assert.ok(delivery.accepted > 100, `day 1 delivered ${delivery.accepted}`);
  } finally {
    await sandbox.close();
  }
  const accepted = await readAcceptedSends(join(out, 'state'));
  expectEqual(accepted.length, (await readRunOutputs(join(out, '2026-11-22'))).payloads.length, 'every payload accepted once');
  const sentPairs = new Set(accepted.map((s) => `${s.profile_id}:${s.show_id}`));

  const day2 = await runCampaign({ dataDir: data, date: '2026-11-23', outDir: out, workers: 2 });
  expectEqual((day2.manifest['inputs'] as Record<string, unknown>)['ledger_accepted_sends'], accepted.length);
  const withLedger = await readRunOutputs(day2.outputDir);
  const repeats = SCENARIOS.flatMap((s) => withLedger.scenarios[s].filter((r) => sentPairs.has(`${r.profile_id}:${r.show_id}`)));
  expectEqual(repeats, [], 'day-2 rows repeating a day-1 delivery');

  // Without the ledger the same day-2 run does recommend some of those shows again: the exclusion above is the ledger's doing.
  const noLedger = await runCampaign({ dataDir: data, date: '2026-11-23', outDir: join(dir, 'out-no-ledger'), workers: 2 });
  const fresh = await readRunOutputs(noLedger.outputDir);
  const wouldRepeat = SCENARIOS.flatMap((s) => fresh.scenarios[s].filter((r) => sentPairs.has(`${r.profile_id}:${r.show_id}`)));
  assert.ok(wouldRepeat.length > 0, 'without the ledger some day-1 shows come back');

  // The independent reference, given the ledger's accepted sends, agrees row for row.
  const reference = await runReference({ dataDir: data, date: '2026-11-23', config: defaultConfig(), extraSends: accepted, threads: 1 });
  for (const s of SCENARIOS) expectEqual(withLedger.scenarios[s], reference.scenarios[s], `${s} rows`);
  expectEqual(withLedger.selection, reference.selection, 'selection rows');
});
