import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { onTestFinished, test } from 'vitest';
import type { DeliveryConfig } from '../../../engine/config/config-types.js';
import { AbortedError, DeliveryError, LockError } from '../../../engine/errors.js';
import { deliverRun } from '../../../engine/delivery/deliver-run.js';
import type { DeliveryCredentials } from '../../../io/clevertap/credentials.js';
import type { DeliverySummary } from '../../../engine/delivery/delivery-types.js';
import type { SandboxFaults } from '../../../bench/workloads/sandbox/sandbox-faults.js';
import { Sandbox, SANDBOX_DEFAULT_ACCOUNT_ID, SANDBOX_DEFAULT_PASSCODE } from '../../../bench/workloads/sandbox/sandbox-server.js';
import { listLedgerRecords } from '../../../io/ledger/list-ledger.js';
import { readAcceptedSends } from '../../../io/ledger/read-accepted-sends.js';
import { cleanup } from '../../support/cleanup.js';
import { expectEqual } from '../../support/expect-equal.js';
import { tempDir } from '../../support/temp-dir.js';
import { fixtureKey, testDelivery, writeRunFixture } from './run-fixture.js';
import type { RunFixture } from './run-fixture.js';

interface Setup {
  out: string;
  fx: RunFixture;
  sandbox: Sandbox;
  credentials: DeliveryCredentials;
}

async function setup(faults: SandboxFaults, accounts = 500): Promise<Setup> {
  const sandbox = await Sandbox.start({ faults });
  cleanup(() => sandbox.close());
  const out = tempDir();
  const fx = await writeRunFixture(out, { accounts });
  return { out, fx, sandbox, credentials: { accountId: SANDBOX_DEFAULT_ACCOUNT_ID, passcode: SANDBOX_DEFAULT_PASSCODE, endpoint: sandbox.url } };
}

function deliver(s: Setup, config: Partial<DeliveryConfig> = {}, extra: { signal?: AbortSignal; retryDeadLetters?: boolean; credentials?: DeliveryCredentials } = {}): Promise<DeliverySummary> {
  return deliverRun({ outDir: s.out, date: s.fx.date, config: testDelivery(config), credentials: s.credentials, ...extra });
}

/** Every send record was accepted exactly once, except `duplicated` accounts which were accepted twice. */
function assertDelivered(s: Setup, counts: ReadonlyMap<string, number>, duplicated = new Set<number>()): void {
  for (const r of s.fx.sends) assert.equal(counts.get(fixtureKey(r, s.fx.date)) ?? 0, duplicated.has(r.account_id) ? 2 : 1, `account ${r.account_id}`);
}

async function stopped(promise: Promise<DeliverySummary>, pattern: RegExp): Promise<DeliverySummary> {
  try {
    await promise;
  } catch (err) {
    assert.ok(err instanceof DeliveryError, String(err));
    assert.match(err.message, pattern);
    return err.summary as DeliverySummary;
  }
  assert.fail('the delivery should have stopped');
}

test('a 429 storm with Retry-After pauses every worker, then all records go through once', async () => {
  const s = await setup({ rateLimit: { next: 6, retryAfterSeconds: 1 } });
  const summary = await deliver(s);
  expectEqual([summary.accepted, summary.rate_limited, summary.dead_letter.total], [450, 6, 0]);
  assert.ok(summary.wall_ms >= 950, `Retry-After honoured (${summary.wall_ms} ms)`);
  assertDelivered(s, s.sandbox.acceptedCounts());
});

test('random 429s never dead-letter a record, even with a single attempt allowed', async () => {
  const s = await setup({ rateLimit: { probability: 0.4 }, seed: 3 });
  const summary = await deliver(s, { max_attempts: 1 });
  expectEqual([summary.accepted, summary.dead_letter.total], [450, 0]);
  assert.ok(summary.rate_limited > 0);
  assertDelivered(s, s.sandbox.acceptedCounts());
});

test('5xx answers are retried with backoff', async () => {
  const s = await setup({ serverError: { next: 5, probability: 0.2, status: 503 }, seed: 5 });
  const summary = await deliver(s);
  expectEqual([summary.accepted, summary.dead_letter.total], [450, 0]);
  assert.ok(summary.retries >= 5);
  assertDelivered(s, s.sandbox.acceptedCounts());
});

test('slow answers time out and are retried; unprocessed by the server, they arrive once', async () => {
  const s = await setup({ slow: { ms: 400, next: 3 } });
  const summary = await deliver(s, { timeout_ms: 100 });
  expectEqual([summary.accepted, summary.retries], [450, 3]);
  assertDelivered(s, s.sandbox.acceptedCounts());
});

test('a timeout after the server processed the batch is re-sent: at-least-once, duplicates only there', async () => {
  const s = await setup({ slow: { ms: 400, next: 2, afterProcessing: true } });
  const summary = await deliver(s, { timeout_ms: 100, concurrency: 1 });
  expectEqual(summary.accepted, 450);
  // Both slowed requests were processed but never answered: exactly their 2 × 50 records come twice.
  expectEqual(s.sandbox.stats().duplicates, 100);
  const counts = s.sandbox.acceptedCounts();
  const firstBatches = new Set(s.fx.sends.slice(0, 100).map((r) => r.account_id));
  for (const r of s.fx.sends) {
    const n = counts.get(fixtureKey(r, s.fx.date)) ?? 0;
    assert.ok(firstBatches.has(r.account_id) ? n >= 1 : n === 1, `account ${r.account_id}: ${n}`);
  }
});

test('dropped connections are retried; dropped before processing, nothing is duplicated', async () => {
  const s = await setup({ drop: { next: 3 } });
  const summary = await deliver(s);
  expectEqual([summary.accepted, summary.retries], [450, 3]);
  assertDelivered(s, s.sandbox.acceptedCounts());
});

test('partial unprocessed: transient codes are retried, permanent ones dead-lettered with the code', async () => {
  const s = await setup({ unprocessed: { transient: 0.2, permanent: 0.05, permanentCode: 525 }, seed: 11 });
  const summary = await deliver(s);
  const dead = await listLedgerRecords(join(s.out, 'state'), s.fx.date, ['dead_letter']);
  assert.ok(dead.length > 5 && dead.length < 60, `${dead.length} dead letters`);
  expectEqual(summary.dead_letter.by_reason, { '525 Timestamp not in UNIX epoch format': dead.length });
  expectEqual(summary.accepted + dead.length, 450);
  assert.ok(summary.retries > 0);
  const counts = s.sandbox.acceptedCounts();
  const deadIds = new Set(dead.map((d) => d.account_id));
  for (const r of s.fx.sends) assert.equal(counts.get(fixtureKey(r, s.fx.date)) ?? 0, deadIds.has(r.account_id) ? 0 : 1);
});

test('a server crash mid-stream stops the delivery cleanly; a resume delivers the rest exactly once', async () => {
  const s = await setup({ crash: { afterRecords: 200 } });
  const first = await stopped(deliver(s, { circuit_failures: 5 }), /stopped: the endpoint 127\.0\.0\.1:\d+ failed \d+ requests in a row.*run deliver again to resume/);
  const crashed = s.sandbox.stats();
  expectEqual([crashed.crashed, first.accepted, first.dead_letter.total, first.pending + first.in_flight], [true, crashed.accepted, 0, 450 - crashed.accepted]);
  // The requests the crash cut had been sent whole: their outcome is unknown, so they stay in flight.
  assert.ok(first.in_flight > 0 && first.unknown_outcomes > 0, `${first.in_flight} in flight`);
  expectEqual(first.ledger, { accepted: crashed.accepted, dead_letter: 0, held: 0, pending: first.pending, in_flight: first.in_flight });

  const restarted = await Sandbox.start();
  onTestFinished(() => restarted.close());
  const second = await deliver(s, {}, { credentials: { ...s.credentials, endpoint: restarted.url } });
  expectEqual([second.already_accepted, second.accepted, second.recovered_in_flight.resent, second.possible_duplicates], [crashed.accepted, 450 - crashed.accepted, first.in_flight, first.in_flight]);
  const both = new Map(s.sandbox.acceptedCounts());
  for (const [key, n] of restarted.acceptedCounts()) both.set(key, (both.get(key) ?? 0) + n);
  assertDelivered(s, both);
});

test('401 opens the circuit at once: nothing accepted, everything pending, the passcode never shown', async () => {
  const s = await setup({});
  const wrong = { ...s.credentials, passcode: 'WRONG-PASSCODE-4411' };
  const summary = await stopped(deliver(s, {}, { credentials: wrong }), /refused the credentials \(HTTP 401\)/);
  assert.ok(summary.requests <= 4, `${summary.requests} requests`);
  expectEqual([summary.accepted, summary.ledger.pending, summary.ledger.in_flight], [0, 450, 0]);
  assert.equal(JSON.stringify(summary).includes('WRONG-PASSCODE-4411'), false);
});

test('an endpoint that keeps failing opens the circuit before records are dead-lettered', async () => {
  const s = await setup({ serverError: { probability: 1 } });
  const summary = await stopped(deliver(s, { circuit_failures: 6 }), /the endpoint 127\.0\.0\.1:\d+ failed \d+ requests in a row .*\(last: HTTP 503\)/);
  expectEqual([summary.accepted, summary.dead_letter.total, summary.ledger.pending], [0, 0, 450]);
});

// 15 requests out and 20 × 503 in a row: the first 15 fail together, the next 5 before any backoff.
const burst: Partial<DeliveryConfig> = { batch_size: 10, concurrency: 15, circuit_failures: 20, backoff_base_ms: 300, backoff_max_ms: 20_000 };

test('a short burst of 503s (20 in a row, all at once) is ridden out by the backoff: every record delivered once', async () => {
  const s = await setup({ serverError: { next: 20 } });
  const summary = await deliver(s, burst);
  expectEqual([summary.stopped, summary.accepted, summary.dead_letter.total, s.sandbox.stats().serverErrors], [null, 450, 0, 20]);
  assertDelivered(s, s.sandbox.acceptedCounts());
});

test('an outage that outlasts the backoff still opens the circuit, with every record pending', async () => {
  const s = await setup({ serverError: { probability: 1 } });
  // It opens once the failures span 300 + 600 + 1200 + 2400 ms = 4.5 s, or earlier if a batch used
  // up its 8 attempts meanwhile: then the endpoint is down, not the batch, and nothing is dead-lettered.
  const summary = await stopped(deliver(s, burst), /stopped: the endpoint 127\.0\.0\.1:\d+ failed \d+ requests in a row over \d+\.\d s \(last: HTTP 503\)/);
  expectEqual([summary.accepted, summary.dead_letter.total, summary.ledger.pending, summary.ledger.in_flight], [0, 0, 450, 0]);
  assert.ok(summary.requests >= 20, `${summary.requests} requests`);
});

test('an exhausted retry budget stops the delivery', async () => {
  const s = await setup({ serverError: { probability: 1 } });
  const summary = await stopped(deliver(s, { circuit_failures: 1000, retry_budget: 3, concurrency: 1 }), /retry budget of 3 retries exhausted/);
  expectEqual([summary.retries, summary.ledger.pending], [3, 450]);
});

test('a batch whose requests fail max_attempts times is not dead-lettered: it stays pending, the delivery fails naming the endpoint, the next one sends it', async () => {
  const s = await setup({ serverError: { next: 2 } });
  // No backoff: the failed batch's retry is due at once and goes before the next batch.
  const first = await stopped(
    deliver(s, { max_attempts: 2, concurrency: 1, backoff_base_ms: 0 }),
    new RegExp(`^delivery of 2026-11-22 stopped: the endpoint 127\\.0\\.0\\.1:${new URL(s.sandbox.url).port} failed all 2 attempts of 50 records \\(last: HTTP 503\\)\\. 400 accepted, 50 pending, 0 in flight; the ledger is intact — run deliver again to resume$`),
  );
  expectEqual([first.accepted, first.dead_letter.total, first.pending, first.ledger], [400, 0, 50, { accepted: 400, dead_letter: 0, held: 0, pending: 50, in_flight: 0 }]);
  const retried = await deliver(s);
  expectEqual([retried.to_send, retried.accepted, retried.ledger.accepted, retried.stopped], [50, 50, 450, null]);
  assertDelivered(s, s.sandbox.acceptedCounts());
  expectEqual((await readAcceptedSends(join(s.out, 'state'))).length, 450);
});

/** Cuts a delivery's requests while they are out; returns how many records were out (in flight under resend, held under hold). */
async function abortMidway(s: Setup, extra: Partial<DeliveryConfig> & Pick<DeliveryConfig, 'in_flight_policy'>): Promise<number> {
  const abort = new AbortController();
  let watch: NodeJS.Timeout | undefined;
  const promise = deliverRun({
    outDir: s.out,
    date: s.fx.date,
    config: testDelivery({ concurrency: 2, ...extra }),
    credentials: s.credentials,
    signal: abort.signal,
    cutSignal: abort.signal,
    onProgress: (p) => {
      // The sandbox answers each request 150 ms after it has read its body: once it has read one
      // more than it had when 100 records were accepted, that request is surely out (a fixed
      // delay instead was not, on a loaded machine).
      if (p.accepted < 100 || watch !== undefined) return;
      const read = s.sandbox.stats().requests;
      watch = setInterval(() => {
        if (s.sandbox.stats().requests === read) return;
        clearInterval(watch);
        abort.abort();
      }, 2);
    },
  });
  await assert.rejects(promise, AbortedError);
  clearInterval(watch);
  const cut = await listLedgerRecords(join(s.out, 'state'), s.fx.date, [extra.in_flight_policy === 'hold' ? 'held' : 'in_flight']);
  assert.ok(cut.length > 0, 'requests were out when the abort came');
  return cut.length;
}

test('in_flight_policy hold: records out when a delivery was cut are held, listed, and sent only on request', async () => {
  const s = await setup({ slow: { ms: 150, probability: 1 } });
  const inFlight = await abortMidway(s, { in_flight_policy: 'hold' });
  s.sandbox.setFaults({});
  const resumed = await deliver(s, { in_flight_policy: 'hold' });
  expectEqual([resumed.recovered_in_flight, resumed.ledger.held], [{ resent: 0, held: 0 }, inFlight]);
  const held = await listLedgerRecords(join(s.out, 'state'), s.fx.date, ['held']);
  expectEqual(held.length, inFlight);
  const counts = s.sandbox.acceptedCounts();
  for (const h of held) assert.equal(counts.get(fixtureKey(h, s.fx.date)) ?? 0, 0, 'held records were not sent');
  const released = await deliver(s, { in_flight_policy: 'hold' }, { retryDeadLetters: true });
  expectEqual([released.retried_dead_letters, released.ledger.accepted], [inFlight, 450]);
  assertDelivered(s, s.sandbox.acceptedCounts());
});

test('in_flight_policy resend: records in flight when a delivery died are sent again on resume', async () => {
  const s = await setup({ slow: { ms: 150, probability: 1 } });
  const inFlight = await abortMidway(s, { in_flight_policy: 'resend' });
  s.sandbox.setFaults({});
  const resumed = await deliver(s, { in_flight_policy: 'resend' });
  expectEqual([resumed.recovered_in_flight.resent, resumed.ledger.accepted, resumed.ledger.in_flight], [inFlight, 450, 0]);
  // The slow fault answers before processing, so the aborted requests were never processed: no duplicates.
  assertDelivered(s, s.sandbox.acceptedCounts());
});

test('a second delivery on the same state directory is refused while the first runs', async () => {
  const s = await setup({ slow: { ms: 100, probability: 1 } }, 100);
  const first = deliver(s, { concurrency: 1 });
  const lock = join(s.out, 'state', 'deliver.lock');
  for (let i = 0; i < 200 && !existsSync(lock); i++) await new Promise((resolve) => setTimeout(resolve, 10));
  // Refused by the date's run lock, which a delivery takes before the state directory's.
  await assert.rejects(deliver(s), (err: unknown) => err instanceof LockError && /another run or delivery of 2026-11-22 is in progress \(lock .*, pid \d+ .*deliver 2026-11-22/.test(err.message));
  expectEqual((await first).accepted, 90);
});
