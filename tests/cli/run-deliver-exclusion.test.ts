/**
 * `run` and `deliver` of one date exclude each other (real processes): a delivery started while a
 * re-run is in progress is refused and sends nothing, then delivers the re-run once it is published;
 * a re-run started while a delivery is sending is refused and publishes nothing.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, it } from 'vitest';
import { config } from '../reference/fixtures.js';
import { cli, D, run, writeBase } from '../io/input/contract-fixture.js';
import { expectEqual } from '../support/expect-equal.js';
import { startHookedUploadServer } from '../support/hooked-upload-server.js';
import { startPaused } from '../support/paused-cli.js';
import { tempDir } from '../support/temp-dir.js';

const root = tempDir('run-deliver-exclusion-');
const base = join(root, 'base');
const holdoutAll = join(root, 'holdout-all.json');

beforeAll(async () => {
  await writeBase(base);
  // Every account held out: no send, which the empty-campaign guard (freshness) would stop; this test is about re-runs.
  writeFileSync(holdoutAll, JSON.stringify({ holdout: { bps: 10000 }, freshness: { mode: 'off' } }));
});

const env = (url: string): Record<string, string> => ({ CLEVERTAP_ACCOUNT_ID: 'ACC', CLEVERTAP_PASSCODE: 'pass', CLEVERTAP_ENDPOINT: url });

function manifest(out: string): { run_id: string; delivery?: { run_id: string; accepted: number } } {
  return JSON.parse(readFileSync(join(out, D, 'manifest.json'), 'utf8')) as { run_id: string; delivery?: { run_id: string; accepted: number } };
}

describe('run and deliver of one date', () => {
  it('deliver during a re-run (holdout raised) is refused and sends nothing; afterwards it delivers the re-run', async () => {
    const out = join(root, 'deliver-during-run');
    const first = await run(base, out, { config: config({ holdout: { bps: 0 } }) });
    const server = await startHookedUploadServer(() => undefined);
    const rerun = await startPaused(['run', '--data', base, '--date', D, '--out', out, '--config', holdoutAll, '--workers', '0', '--quiet'], 'publish-before-swap');

    const refused = await cli(['deliver', '--out', out, '--date', D], { env: env(server.url) });
    expectEqual(refused.code, 75, `deliver exit code (stderr: ${refused.stderr})`);
    assert.match(refused.stderr, new RegExp(`^campaign: another run or delivery of ${D} is in progress \\(lock .*, pid ${rerun.child.pid} .*\\(run ${D}, since`));
    expectEqual(server.requests(), 0, 'requests while the re-run was in progress');

    expectEqual((await rerun.resume()).code, 0, 're-run exit code');
    const published = manifest(out);
    assert.notEqual(published.run_id, first.runId);
    const delivered = await cli(['deliver', '--out', out, '--date', D, '--json'], { env: env(server.url) });
    expectEqual(delivered.code, 0, `deliver exit code (stderr: ${delivered.stderr})`);
    expectEqual([server.requests(), server.acceptedRunIds()], [0, []], 'the re-run holds every account out: nothing sent');
    expectEqual(manifest(out).delivery?.run_id, published.run_id, 'the manifest’s delivery is of its own run');
  });

  it('a re-run during a delivery is refused and publishes nothing; the delivery completes', async () => {
    const out = join(root, 'run-during-deliver');
    const first = await run(base, out, { config: config({ holdout: { bps: 0 } }) });
    let arrived!: () => void;
    const requestArrived = new Promise<void>((resolve) => (arrived = resolve));
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const server = await startHookedUploadServer(async () => {
      arrived();
      await gate;
    });
    const delivery = cli(['deliver', '--out', out, '--date', D], { env: env(server.url) });
    await requestArrived;

    const rerun = await cli(['run', '--data', base, '--date', D, '--out', out, '--config', holdoutAll, '--workers', '0', '--quiet']);
    expectEqual(rerun.code, 75, `re-run exit code (stderr: ${rerun.stderr})`);
    assert.match(rerun.stderr, new RegExp(`^campaign: another run or delivery of ${D} is in progress \\(lock .*\\(deliver ${D}, since`));
    expectEqual(manifest(out).run_id, first.runId, 'still the run being delivered');

    release();
    const done = await delivery;
    expectEqual(done.code, 0, `deliver exit code (stderr: ${done.stderr})`);
    expectEqual([server.acceptedRunIds().length, new Set(server.acceptedRunIds())], [3, new Set([first.runId])], 'records sent, all of the published run');
    expectEqual([manifest(out).run_id, manifest(out).delivery?.run_id], [first.runId, first.runId], 'manifest run and delivery');
  });
});
