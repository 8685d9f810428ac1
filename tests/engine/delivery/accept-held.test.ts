import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { onTestFinished, test } from 'vitest';
import { deliverRun } from '../../../engine/delivery/deliver-run.js';
import { Sandbox, SANDBOX_DEFAULT_ACCOUNT_ID, SANDBOX_DEFAULT_PASSCODE } from '../../../bench/workloads/sandbox/sandbox-server.js';
import { listLedgerRecords } from '../../../io/ledger/list-ledger.js';
import { readAcceptedSends } from '../../../io/ledger/read-accepted-sends.js';
import { expectEqual } from '../../support/expect-equal.js';
import { tempDir } from '../../support/temp-dir.js';
import { testDelivery, writeRunFixture } from './run-fixture.js';

const MAIN = fileURLToPath(new URL('../../../cli/main.js', import.meta.url));

function campaign(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [MAIN, ...args], { encoding: 'utf8', timeout: 20_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('held records CleverTap turned out to have are recorded as accepted without sending, and enter the dedup history', async () => {
  // Two connections dropped after the server took the batch: 100 records held, though CleverTap has them.
  const sandbox = await Sandbox.start({ faults: { drop: { next: 2, afterProcessing: true } } });
  onTestFinished(() => sandbox.close());
  const out = tempDir();
  const fx = await writeRunFixture(out, { accounts: 500 });
  const config = testDelivery({ in_flight_policy: 'hold' });
  const credentials = { accountId: SANDBOX_DEFAULT_ACCOUNT_ID, passcode: SANDBOX_DEFAULT_PASSCODE, endpoint: sandbox.url };
  const first = await deliverRun({ outDir: out, date: fx.date, config, credentials });
  expectEqual([first.accepted, first.held.total, sandbox.stats().accepted], [350, 100, 450]);

  const refused = campaign('deliver', '--out', out, '--date', fx.date, '--accept-held', '--retry-dead-letters');
  expectEqual(refused.status, 2);
  assert.match(refused.stderr, /--accept-held sends nothing/);

  const resolved = campaign('deliver', '--out', out, '--date', fx.date, '--accept-held');
  expectEqual([resolved.status, resolved.stdout.trim()], [0, `100 held records of ${fx.date} recorded as accepted; nothing was sent`]);
  const state = join(out, 'state');
  expectEqual([(await listLedgerRecords(state, fx.date, ['held'])).length, (await readAcceptedSends(state)).length], [0, 450]);
  const again = await deliverRun({ outDir: out, date: fx.date, config, credentials, retryDeadLetters: true });
  expectEqual([again.to_send, again.already_accepted, sandbox.stats().accepted, sandbox.stats().duplicates], [0, 450, 450, 0]);
});
