/**
 * A delivery checks, before every batch and before writing its summary into the manifest, that
 * `<out>/<D>` still names the run it read; here the published run is swapped by hand (bypassing the
 * date's run lock) while a real HTTP server holds a request.
 */
import assert from 'node:assert/strict';
import { readFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'vitest';
import { DeliveryError } from '../../../engine/errors.js';
import { deliverRun } from '../../../engine/delivery/deliver-run.js';
import { LEDGER_STATUSES } from '../../../io/ledger/ledger-types.js';
import { listLedgerRecords } from '../../../io/ledger/list-ledger.js';
import { expectEqual } from '../../support/expect-equal.js';
import { startHookedUploadServer } from '../../support/hooked-upload-server.js';
import { tempDir } from '../../support/temp-dir.js';
import { testDelivery, writeRunFixture } from './run-fixture.js';

const credentials = (url: string) => ({ accountId: 'ACC', passcode: 'pass', endpoint: url });

/** Replaces the published run `<out>/<date>/` by another (run id `run-B`), as a lock-ignoring re-run would. */
async function swapRun(out: string, date: string): Promise<void> {
  renameSync(join(out, date), join(out, `${date}-old`));
  await writeRunFixture(out, { accounts: 500, date, runId: 'run-B' });
}

function manifestOf(dir: string): Record<string, unknown> {
  return JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as Record<string, unknown>;
}

/**
 * Delivers run-A (450 send records, batches of 50, one request at a time) while the server swaps
 * in run-B during request `swapAt`; returns the error message the delivery stopped with.
 */
async function deliverSwappingAt(swapAt: number): Promise<{ out: string; date: string; requests: number; runIds: string[]; message: string }> {
  const out = tempDir();
  const fx = await writeRunFixture(out, { accounts: 500, runId: 'run-A' });
  const server = await startHookedUploadServer(async (n) => {
    if (n === swapAt) await swapRun(out, fx.date);
  });
  const err = await deliverRun({ outDir: out, date: fx.date, config: testDelivery({ concurrency: 1 }), credentials: credentials(server.url) }).then(
    () => assert.fail('the delivery went through'),
    (e: unknown) => e,
  );
  assert.ok(err instanceof DeliveryError, String(err));
  return { out, date: fx.date, requests: server.requests(), runIds: server.acceptedRunIds(), message: err.message };
}

test('a run published during the delivery stops it before the next batch, which goes back to pending; nothing is recorded in the new run', async () => {
  const r = await deliverSwappingAt(1);
  assert.match(r.message, /the published run of 2026-11-22 changed during the delivery \(.* is no longer run run-A\): it stopped before sending another batch; 50 accepted, 400 pending, 0 in flight/);
  expectEqual([r.requests, new Set(r.runIds)], [1, new Set(['run-A'])], 'requests, all of the run read');
  expectEqual(manifestOf(join(r.out, r.date))['delivery'], undefined, 'the new run’s manifest has no delivery');
  const statuses = (await listLedgerRecords(join(r.out, 'state'), r.date, LEDGER_STATUSES)).map((x) => x.status);
  expectEqual([statuses.filter((s) => s === 'accepted').length, statuses.filter((s) => s === 'in_flight').length, statuses.filter((s) => s === 'pending').length], [50, 0, 400], 'ledger: the batch that did not leave is pending again');
});

test('a run published after the last batch: the summary is not merged into the new run’s manifest', async () => {
  const r = await deliverSwappingAt(9);
  assert.match(r.message, /changed during the delivery .*: after its last batch; 450 accepted, 0 pending, 0 in flight in the ledger; the summary was not written into the new run's manifest/);
  expectEqual(r.requests, 9, 'every batch of run-A went');
  const manifest = manifestOf(join(r.out, r.date));
  expectEqual([manifest['run_id'], manifest['delivery']], ['run-B', undefined], 'run-B’s manifest untouched');
});

test('a delivery for a given run (run --deliver) refuses, sending nothing, when another run of the date is published', async () => {
  const out = tempDir();
  const fx = await writeRunFixture(out, { accounts: 100, runId: 'run-B' });
  const server = await startHookedUploadServer(() => undefined);
  await assert.rejects(
    deliverRun({ outDir: out, date: fx.date, runId: 'run-A', config: testDelivery(), credentials: credentials(server.url) }),
    (err: unknown) => err instanceof DeliveryError && err.message.includes(`is run run-B, not run run-A this delivery was started for`) && err.message.endsWith('nothing was sent'),
  );
  expectEqual(server.requests(), 0, 'requests');
  const summary = await deliverRun({ outDir: out, date: fx.date, runId: 'run-B', config: testDelivery(), credentials: credentials(server.url) });
  expectEqual(summary.accepted, 90, 'the published run, when it is the one asked for');
});
