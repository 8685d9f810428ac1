import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'vitest';
import type { DeliveryConfig } from '../../../engine/config/config-types.js';
import { deliverRun } from '../../../engine/delivery/deliver-run.js';
import type { DeliverySummary } from '../../../engine/delivery/delivery-types.js';
import type { SandboxFaults } from '../../../bench/workloads/sandbox/sandbox-faults.js';
import { Sandbox, SANDBOX_DEFAULT_ACCOUNT_ID, SANDBOX_DEFAULT_PASSCODE } from '../../../bench/workloads/sandbox/sandbox-server.js';
import { listLedgerRecords } from '../../../io/ledger/list-ledger.js';
import { cleanup } from '../../support/cleanup.js';
import { expectEqual } from '../../support/expect-equal.js';
import { tempDir } from '../../support/temp-dir.js';
import { fixtureKey, testDelivery, writeRunFixture } from './run-fixture.js';
import type { RunFixture } from './run-fixture.js';

const MAIN = fileURLToPath(new URL('../../../cli/main.js', import.meta.url));

interface Setup {
  out: string;
  fx: RunFixture;
  sandbox: Sandbox;
}

/** 450 send records; the sandbox allows far more concurrent requests than the client may use, so its peak is the client's. */
async function setup(faults: SandboxFaults): Promise<Setup> {
  const sandbox = await Sandbox.start({ faults, maxConcurrent: 100 });
  cleanup(() => sandbox.close());
  const out = tempDir();
  const fx = await writeRunFixture(out, { accounts: 500 });
  return { out, fx, sandbox };
}

function deliver(s: Setup, config: Partial<DeliveryConfig>, extra: { retryDeadLetters?: boolean } = {}): Promise<DeliverySummary> {
  return deliverRun({
    outDir: s.out,
    date: s.fx.date,
    config: testDelivery(config),
    credentials: { accountId: SANDBOX_DEFAULT_ACCOUNT_ID, passcode: SANDBOX_DEFAULT_PASSCODE, endpoint: s.sandbox.url },
    ...extra,
  });
}

/** Resolves once the sandbox has accepted `n` records in all (late ones included). */
async function acceptedReaches(sandbox: Sandbox, n: number): Promise<void> {
  for (let i = 0; i < 600 && sandbox.stats().accepted < n; i++) await new Promise((r) => setTimeout(r, 25));
  expectEqual(sandbox.stats().accepted, n, 'records the sandbox accepted');
}

function timesAccepted(s: Setup): number[] {
  const counts = s.sandbox.acceptedCounts();
  return s.fx.sends.map((r) => counts.get(fixtureKey(r, s.fx.date)) ?? 0);
}

// The first 3 requests wait 5 s, past the 2.5 s timeout (generous: a loaded machine must not time out the others), and their records are accepted even though
// the client gave up: the server is slower than timeout_ms.
const lateServer: SandboxFaults = { slow: { ms: 5000, next: 3, processLate: true } };
const lateConfig: Partial<DeliveryConfig> = { timeout_ms: 2500, concurrency: 3 };

test('hold: batches that timed out at a server that accepts them late are held with the reason, never re-sent', async () => {
  const s = await setup(lateServer);
  const summary = await deliver(s, { ...lateConfig, in_flight_policy: 'hold' });
  expectEqual([summary.accepted, summary.held.total, summary.unknown_outcomes, summary.possible_duplicates, summary.pending, summary.in_flight], [300, 150, 3, 0, 0, 0]);
  expectEqual(summary.held.by_reason, { 'timeout after 2500 ms': 150 });
  await acceptedReaches(s.sandbox, 450);
  expectEqual(timesAccepted(s).filter((n) => n !== 1).length, 0, 'records not accepted exactly once');
  assert.ok(s.sandbox.stats().peakConcurrent <= 3, `${s.sandbox.stats().peakConcurrent} requests at once at the server`);

  const held = await listLedgerRecords(join(s.out, 'state'), s.fx.date, ['held']);
  expectEqual(held.length, 150);
  assert.match(held[0]!.reason ?? '', /^timeout after 2500 ms; outcome unknown: CleverTap may have accepted it$/);
  // A later delivery does not touch them; dead-letters lists them with the reason.
  const again = await deliver(s, { in_flight_policy: 'hold' });
  expectEqual([again.to_send, again.ledger.held, s.sandbox.stats().accepted], [0, 150, 450]);
  const listed = spawnSync(process.execPath, [MAIN, 'dead-letters', '--out', s.out, '--date', s.fx.date], { encoding: 'utf8', timeout: 20_000 });
  expectEqual(listed.status, 0, listed.stderr);
  assert.match(listed.stdout, /^ {2}150 × held: timeout after 2500 ms; outcome unknown: CleverTap may have accepted it$/m);
});

test('resend: batches that timed out at a server that accepts them late are re-sent, and every duplicate is counted', async () => {
  const s = await setup(lateServer);
  const summary = await deliver(s, { ...lateConfig, in_flight_policy: 'resend' });
  expectEqual([summary.accepted, summary.held.total, summary.unknown_outcomes, summary.possible_duplicates, summary.ledger.accepted, summary.ledger.in_flight], [450, 0, 3, 150, 450, 0]);
  await acceptedReaches(s.sandbox, 600);
  const duplicates = s.sandbox.stats().duplicates;
  assert.ok(duplicates <= summary.possible_duplicates, `${duplicates} duplicates, ${summary.possible_duplicates} counted`);
  expectEqual(duplicates, 150);
  expectEqual(timesAccepted(s).filter((n) => n < 1 || n > 2).length, 0);
  assert.ok(s.sandbox.stats().peakConcurrent <= 3, `${s.sandbox.stats().peakConcurrent} requests at once at the server`);
});

test('a connection dropped after the server processed the batch: held under hold, counted under resend', async () => {
  const held = await setup({ drop: { next: 2, afterProcessing: true } });
  const h = await deliver(held, { in_flight_policy: 'hold' });
  expectEqual([h.accepted, h.held.total, h.unknown_outcomes, h.possible_duplicates], [350, 100, 2, 0]);
  assert.match(Object.keys(h.held.by_reason).join(), /^connection lost after the request was sent/);
  expectEqual([held.sandbox.stats().accepted, held.sandbox.stats().duplicates], [450, 0]);

  const resent = await setup({ drop: { next: 2, afterProcessing: true } });
  const r = await deliver(resent, { in_flight_policy: 'resend' });
  expectEqual([r.accepted, r.held.total, r.unknown_outcomes, r.possible_duplicates], [450, 0, 2, 100]);
  expectEqual(resent.sandbox.stats().duplicates, 100);
});

test('a connection refused before the request left is not an unknown outcome: retried even under hold', async () => {
  const s = await setup({});
  await s.sandbox.close();
  // Nothing listens any more: every attempt is refused before a byte is sent; the circuit opens.
  const stopped = await deliver(s, { in_flight_policy: 'hold', circuit_failures: 3, max_attempts: 50 }).then(
    () => assert.fail('the delivery should stop'),
    (err: { summary: DeliverySummary }) => err.summary,
  );
  expectEqual([stopped.held.total, stopped.unknown_outcomes, stopped.ledger.pending, stopped.ledger.held], [0, 0, 450, 0]);
  assert.match(stopped.stopped ?? '', /connection error \(ECONNREFUSED\)/);
});
