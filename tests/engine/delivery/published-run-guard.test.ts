/**
 * A delivery checks, before every batch and before writing its summary into the manifest, that
 * `<out>/<D>` still names the run it read; here the published run is swapped by hand (bypassing the
 * date's run lock) while a real HTTP server holds a request.
 */
import assert from 'node:assert/strict';
import { readFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
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

test('a run published during the delivery stops it before the next batch, which goes back to pending; nothing is recorded in the new run', async () => {
  const out = tempDir();
  const fx = await writeRunFixture(out, { accounts: 500, runId: 'run-A' });
  const server = await startHookedUploadServer(async (n) => {
    if (n === 1) await swapRun(out, fx.date);
  });
  await assert.rejects(
    deliverRun({ outDir: out, date: fx.date, config: testDelivery({ concurrency: 1 }), credentials: credentials(server.url) }),
    (err: unknown) => err instanceof DeliveryError && /the published run of 2026-11-22 changed during the delivery \(.* is no longer run run-A\): it stopped before sending another batch; 50 accepted, 400 pending, 0 in flight/.test(err.message),
  );
  expectEqual(server.requests(), 1, 'requests after the swap');
  expectEqual(new Set(server.acceptedRunIds()), new Set(['run-A']), 'only the run read was sent');
  expectEqual(manifestOf(join(out, fx.date))['delivery'], undefined, 'the new run’s manifest has no delivery');
  const statuses = (await listLedgerRecords(join(out, 'state'), fx.date, LEDGER_STATUSES)).map((r) => r.status);
  expectEqual([statuses.filter((s) => s === 'accepted').length, statuses.filter((s) => s === 'in_flight').length, statuses.filter((s) => s === 'pending').length], [50, 0, 400], 'ledger: the batch that did not leave is pending again');
});

test('a run published after the last batch: the summary is not merged into the new run’s manifest', async () => {
  const out = tempDir();
  const fx = await writeRunFixture(out, { accounts: 500, runId: 'run-A' });
  const server = await startHookedUploadServer(async (n) => {
    if (n === 9) await swapRun(out, fx.date);
  });
  await assert.rejects(
    deliverRun({ outDir: out, date: fx.date, config: testDelivery({ concurrency: 1 }), credentials: credentials(server.url) }),
    (err: unknown) => err instanceof DeliveryError && /changed during the delivery .*: after its last batch; 450 accepted, 0 pending, 0 in flight in the ledger; the summary was not written into the new run's manifest/.test(err.message),
  );
  expectEqual(server.requests(), 9, 'every batch of run-A went');
  expectEqual(manifestOf(join(out, fx.date)), { ...manifestOf(join(out, fx.date)), run_id: 'run-B', delivery: undefined }, 'run-B’s manifest untouched');
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
