import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, readlinkSync, renameSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { test } from 'vitest';
import { Sandbox } from '../../../bench/workloads/index.js';
import { defaultConfig } from '../../../engine/config/default-config.js';
import { deepMerge } from '../../../engine/config/resolve-config.js';
import { deliverRun } from '../../../engine/delivery/index.js';
import { acquireRunLock } from '../../../engine/output/run-lock.js';
import { previewCampaign } from '../../../engine/preview/preview-campaign.js';
import { runCampaign } from '../../../engine/run-campaign.js';
import { acquireStateLock, readAcceptedSends } from '../../../io/ledger/index.js';
import { query } from '../../io/parquet/duckdb-query.js';
import { expectEqual } from '../../support/expect-equal.js';
import { tempDir } from '../../support/temp-dir.js';
import { DATE, generatedData, outputBytes } from './preview-fixture.js';

/** Every file under `dir`: its content hash and modification time; a link (a published run), its target. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const path = join(d, e.name);
      if (e.isDirectory()) walk(path);
      else if (e.isSymbolicLink()) out[path] = `-> ${readlinkSync(path)}`;
      else out[path] = `${createHash('sha256').update(readFileSync(path)).digest('hex')} ${statSync(path).mtimeMs}`;
    }
  };
  walk(dir);
  return out;
}

/**
 * A preview next to a real nightly setup: a delivered day (ledger with accepted sends), the
 * published run of the date, a tombstone that arrived since. It reads the ledger as the run does,
 * compares against the published run's config by default, is judged by the drift guard against the
 * day before — and writes nothing under the output root or the state directory, purges nothing, and
 * takes no lock (it runs while both locks are held by others).
 */
test('preview reads the published runs and the ledger, writes nothing there, takes no lock', async () => {
  const data = await generatedData(1500, 3);
  const out = join(tempDir('preview-ro-'), 'out');
  const state = join(out, 'state');
  const sandbox = await Sandbox.start();
  try {
    await runCampaign({ dataDir: data, date: '2026-11-21', outDir: out, workers: 2 });
    const delivery = await deliverRun({ outDir: out, date: '2026-11-21', credentials: { accountId: 'SANDBOX-ACCOUNT', passcode: 'sandbox-passcode', endpoint: sandbox.url } });
    assert.ok(delivery.accepted > 50, `delivered ${delivery.accepted}`);
  } finally {
    await sandbox.close();
  }
  const published = await runCampaign({ dataDir: data, date: DATE, outDir: out, config: deepMerge(defaultConfig(), { boosts: { drama: 2 } }), workers: 2 });

  // A deletion arrives after the published run: the next run purges its ledger rows; a preview must not.
  const accepted = await readAcceptedSends(state);
  const deleted = accepted[0]!.account_id;
  const tombstones = join(data, 'tombstones.parquet');
  await query(`COPY (SELECT account_id, profile_id FROM read_parquet('${tombstones}') UNION ALL SELECT CAST(${deleted} AS BIGINT), CAST(NULL AS BIGINT)) TO '${tombstones}.new' (FORMAT parquet)`);
  renameSync(`${tombstones}.new`, tombstones);

  const before = snapshot(out);
  const runLock = await acquireRunLock(out, DATE);
  const stateLock = await acquireStateLock(state, 'a delivery in another process');
  const candidate = deepMerge(defaultConfig(), { boosts: { holiday: 20 } });
  const scratchDir = join(tempDir('preview-ro-scratch-'), 'scratch');
  let p;
  try {
    p = await previewCampaign({ outDir: out, date: DATE, config: candidate, scratchDir, workers: 2 });
  } finally {
    await stateLock.release();
    await runLock.release();
  }
  expectEqual(snapshot(out), before, 'files under the output root and the state directory');

  expectEqual(p.dataDir, resolve(data), 'dataset from the published run');
  expectEqual(p.old.source, { kind: 'run', runDir: published.outputDir, runId: published.runId, date: DATE }, 'compared with the published run');
  expectEqual(p.old.effectiveConfig, published.manifest.effective_config, 'old config');
  expectEqual(p.drift.new.baseline?.date, '2026-11-21', 'drift baseline');
  assert.ok(p.new.counts['sends']!['ledger_rows']! > 50, 'ledger read for the dedup history');
  expectEqual(p.new.counts['ledger'], undefined, 'no purge counted');

  // A nightly run of the candidate, reading the same ledger (and now purging it), selects the same, byte for byte.
  const run = await runCampaign({ dataDir: data, date: DATE, outDir: join(tempDir('preview-ro-run-'), 'out'), stateDir: state, config: candidate, workers: 2 });
  assert.ok(run.counts['ledger']!['purged_by_tombstones']! > 0, 'the run purged what the preview left');
  expectEqual(p.new.runId, run.runId, 'run id');
  expectEqual(outputBytes(p.new.runDir!), outputBytes(run.outputDir), 'outputs');
});
