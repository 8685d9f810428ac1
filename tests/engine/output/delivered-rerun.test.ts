/**
 * A re-run of a date already (partly) delivered: the same run is published again and keeps its
 * delivery summary; a different one is refused and writes nothing; a date whose delivery sent
 * nothing may be re-run freely.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, it } from 'vitest';
import { CampaignError, DeliveryError } from '../../../engine/errors.js';
import { deliverRun } from '../../../engine/delivery/deliver-run.js';
import { Sandbox, SANDBOX_DEFAULT_ACCOUNT_ID } from '../../../bench/workloads/sandbox/sandbox-server.js';
import { config } from '../../reference/fixtures.js';
import { cli, D, run, writeBase } from '../../io/input/contract-fixture.js';
import { expectEqual } from '../../support/expect-equal.js';
import { startHookedUploadServer } from '../../support/hooked-upload-server.js';
import { tempDir } from '../../support/temp-dir.js';

const root = tempDir('delivered-rerun-');
const base = join(root, 'base');
const sendAll = config({ holdout: { bps: 0 } });
// Every account held out: no send, which the empty-campaign guard (freshness) would stop; this test is about re-runs.
const holdAll = config({ holdout: { bps: 10000 }, freshness: { mode: 'off' } });

beforeAll(() => writeBase(base));

function manifest(out: string): { run_id: string; delivery?: { run_id: string; accepted: number } } {
  return JSON.parse(readFileSync(join(out, D, 'manifest.json'), 'utf8')) as { run_id: string; delivery?: { run_id: string; accepted: number } };
}

async function deliveredRun(out: string): Promise<string> {
  const first = await run(base, out, { config: sendAll });
  const server = await startHookedUploadServer(() => undefined);
  const summary = await deliverRun({ outDir: out, date: D, credentials: { accountId: 'ACC', passcode: 'pass', endpoint: server.url } });
  expectEqual(summary.accepted, 3, 'accepted');
  return first.runId;
}

describe('re-running a delivered date', () => {
  it('the same run (same inputs and config) is published again and keeps the delivery summary', async () => {
    const out = join(root, 'same');
    const runId = await deliveredRun(out);
    const again = await run(base, out, { config: sendAll });
    expectEqual(again.runId, runId, 'run id');
    expectEqual([manifest(out).run_id, manifest(out).delivery?.run_id, manifest(out).delivery?.accepted], [runId, runId, 3], 'manifest');
  });

  it('a different run is refused before anything is written, naming the date, the run delivered, the counts and the ledger', async () => {
    const out = join(root, 'different');
    const runId = await deliveredRun(out);
    const before = readFileSync(join(out, D, 'manifest.json'), 'utf8');
    const runsBefore = readdirSync(join(out, '.runs'));
    await assert.rejects(run(base, out, { config: holdAll }), (err: unknown) => {
      assert.ok(err instanceof CampaignError && err.code === 'DELIVERED', String(err));
      for (const piece of [`${D} was already delivered from run ${runId}`, '3 accepted, 0 in flight or held, 0 dead-lettered', join(out, 'state', 'ledger', D), 'nothing was published']) assert.ok(err.message.includes(piece), `${piece} in: ${err.message}`);
      return true;
    });
    expectEqual(readFileSync(join(out, D, 'manifest.json'), 'utf8'), before, 'published manifest');
    expectEqual([readdirSync(join(out, '.runs')), readdirSync(out).sort()], [runsBefore, ['.runs', D, 'state']], 'nothing written');

    const viaCli = await cli(['run', '--data', base, '--date', D, '--out', out, '--config', writeConfig(out), '--workers', '0', '--quiet']);
    expectEqual([viaCli.code, viaCli.stdout, viaCli.stderr.split('\n').length], [3, '', 2], 'one line on stderr, exit 3');
    assert.match(viaCli.stderr, new RegExp(`^campaign: ${D} was already delivered from run ${runId} `));
  });

  it('a date whose delivery sent nothing (every record pending) may be re-run', async () => {
    const out = join(root, 'nothing-sent');
    const first = await run(base, out, { config: sendAll });
    const sandbox = await Sandbox.start();
    try {
      await assert.rejects(deliverRun({ outDir: out, date: D, credentials: { accountId: SANDBOX_DEFAULT_ACCOUNT_ID, passcode: 'wrong', endpoint: sandbox.url } }), DeliveryError);
    } finally {
      await sandbox.close();
    }
    const second = await run(base, out, { config: holdAll });
    assert.notEqual(second.runId, first.runId);
    expectEqual(manifest(out).run_id, second.runId, 'the re-run is published');
  });
});

function writeConfig(out: string): string {
  const path = join(out, '..', 'hold-all.json');
  writeFileSync(path, JSON.stringify({ holdout: { bps: 10000 }, freshness: { mode: 'off' } }));
  return path;
}
