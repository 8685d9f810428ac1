import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, test } from 'vitest';
import { DeliveryError } from '../../../engine/errors.js';
import { deliverRun } from '../../../engine/delivery/deliver-run.js';
import type { DeliveryCredentials } from '../../../io/clevertap/credentials.js';
import { Sandbox, SANDBOX_DEFAULT_ACCOUNT_ID, SANDBOX_DEFAULT_PASSCODE } from '../../../bench/workloads/sandbox/sandbox-server.js';
import { listLedgerRecords } from '../../../io/ledger/list-ledger.js';
import { readAcceptedSends } from '../../../io/ledger/read-accepted-sends.js';
import { cleanup } from '../../support/cleanup.js';
import { expectEqual } from '../../support/expect-equal.js';
import { tempDir } from '../../support/temp-dir.js';
import { fixtureKey, testDelivery, writeRunFixture } from './run-fixture.js';

// One sandbox for the file; tests that count accepted records use their own (fresh counts).
const sandbox = await Sandbox.start();
afterAll(() => sandbox.close());
const credentials: DeliveryCredentials = { accountId: SANDBOX_DEFAULT_ACCOUNT_ID, passcode: SANDBOX_DEFAULT_PASSCODE, endpoint: sandbox.url };

async function freshSandbox(): Promise<{ sandbox: Sandbox; credentials: DeliveryCredentials }> {
  const own = await Sandbox.start();
  cleanup(() => own.close());
  return { sandbox: own, credentials: { ...credentials, endpoint: own.url } };
}

test('happy path: every send record accepted exactly once, holdouts never sent, ledger and manifest written', async () => {
  const { sandbox, credentials } = await freshSandbox();
  const out = tempDir();
  const fx = await writeRunFixture(out, { accounts: 500 });
  const before = sandbox.stats();
  const summary = await deliverRun({ outDir: out, date: fx.date, config: testDelivery(), credentials });
  expectEqual([summary.records, summary.to_send, summary.accepted, summary.dead_letter.total, summary.pending, summary.stopped], [450, 450, 450, 0, 0, null]);
  expectEqual(summary.requests, 9, 'batches of 50');
  const counts = sandbox.acceptedCounts();
  for (const r of fx.sends) assert.equal(counts.get(fixtureKey(r, fx.date)), 1, `account ${r.account_id}`);
  expectEqual(sandbox.stats().accepted - before.accepted, 450, 'holdouts (every 10th account) not sent');

  const manifest = JSON.parse(readFileSync(join(fx.runDir, 'manifest.json'), 'utf8')) as Record<string, unknown>;
  expectEqual(manifest['run_id'], 'run-2026-11-22', 'the rest of the manifest is kept');
  expectEqual((manifest['delivery'] as { accepted: number }).accepted, 450);

  const accepted = await readAcceptedSends(join(out, 'state'));
  expectEqual(accepted.length, 450);
  expectEqual(accepted[0], { send_date: fx.date, account_id: 1, profile_id: 11, show_id: fx.sends[0]!.show_id, scenario: 'trending' });

  const again = await deliverRun({ outDir: out, date: fx.date, config: testDelivery(), credentials });
  expectEqual([again.already_accepted, again.to_send, again.requests], [450, 0, 0], 'a re-run sends nothing');
});

test('the delivery config comes from the run manifest when none is given', async () => {
  const out = tempDir();
  const fx = await writeRunFixture(out, { accounts: 100, delivery: { batch_size: 30, concurrency: 2, backoff_base_ms: 1 } });
  const summary = await deliverRun({ outDir: out, date: fx.date, credentials });
  expectEqual([summary.accepted, summary.requests], [90, 3]);
});

test('dry run validates and counts, sends nothing and writes nothing', async () => {
  const out = tempDir();
  const fx = await writeRunFixture(out, { accounts: 200 });
  const manifestBefore = readFileSync(join(fx.runDir, 'manifest.json'), 'utf8');
  const requests = sandbox.stats().requests;
  const summary = await deliverRun({ outDir: out, date: fx.date, config: testDelivery(), dryRun: true });
  expectEqual([summary.dry_run, summary.records, summary.to_send, summary.accepted, summary.requests], [true, 180, 180, 0, 0]);
  expectEqual(sandbox.stats().requests, requests);
  assert.equal(existsSync(join(out, 'state')), false);
  expectEqual(readFileSync(join(fx.runDir, 'manifest.json'), 'utf8'), manifestBefore);
});

async function refused(edit: (line: string, i: number) => string, pattern: RegExp): Promise<void> {
  const out = tempDir();
  const fx = await writeRunFixture(out, { accounts: 100, editLine: edit });
  const requests = sandbox.stats().requests;
  await assert.rejects(deliverRun({ outDir: out, date: fx.date, config: testDelivery(), credentials }), (err: unknown) => err instanceof DeliveryError && pattern.test(err.message));
  expectEqual(sandbox.stats().requests, requests, 'nothing sent');
  assert.equal(existsSync(join(out, 'state', 'ledger')), false, 'no ledger written');
}

test('a malformed payload line is refused before anything is sent, naming the line', async () => {
  await refused((l, i) => (i === 6 ? l.slice(0, 20) : l), /payloads\.ndjson: line 7: not valid JSON/);
  await refused((l, i) => (i === 41 ? '' : l), /line 42: not valid JSON/);
  await refused((l, i) => (i === 3 ? l.replace('"type":"event"', '"type":"profile"') : l), /line 4: type must be "event"/);
  await refused((l, i) => (i === 0 ? l.replace('"ts":', '"ts_":') : l), /line 1: ts undefined is not \d+/);
});

test('a payload line that disagrees with its selection row is refused, naming the line', async () => {
  await refused((l, i) => (i === 9 ? l.replace('"profile_id":111', '"profile_id":112') : l), /line 10: evtData.profile_id 112 does not match 111/);
  await refused((l, i) => (i === 2 ? l.replace('"identity":"crm-3"', '"identity":"crm-x"') : l), /line 3: identity does not match the crm_id of send row 3/);
  await refused((l, i) => (i === 89 ? `${l}\n${l}` : l), /line 91: no matching send row/);
  await refused((l, i) => (i === 89 ? '' : l).trim() === '' ? '' : l, /line 90: not valid JSON/);
});

test('a payload with fewer lines than send rows is refused', async () => {
  const out = tempDir();
  const fx = await writeRunFixture(out, { accounts: 20 });
  const path = join(fx.runDir, 'payloads.ndjson');
  const { writeFileSync } = await import('node:fs');
  writeFileSync(path, readFileSync(path, 'utf8').split('\n').slice(0, 10).join('\n'));
  await assert.rejects(deliverRun({ outDir: out, date: fx.date, config: testDelivery(), credentials }), /10 lines but .* has 18 send rows \(line 11 missing\)/);
});

test('a missing run directory is a clear error', async () => {
  await assert.rejects(deliverRun({ outDir: tempDir(), date: '2026-11-22', credentials }), (err: unknown) => err instanceof DeliveryError && /manifest\.json: cannot read the run manifest \(ENOENT\)/.test(err.message));
});

test('dead letters are listed by the ledger and re-attempted with retryDeadLetters', async () => {
  const { sandbox, credentials } = await freshSandbox();
  const out = tempDir();
  const fx = await writeRunFixture(out, { accounts: 100 });
  sandbox.setFaults({ unprocessed: { permanent: 0.2 } });
  let first;
  try {
    first = await deliverRun({ outDir: out, date: fx.date, config: testDelivery(), credentials });
  } finally {
    sandbox.setFaults({});
  }
  assert.ok(first.dead_letter.total > 5 && first.dead_letter.total < 40, `dead letters: ${first.dead_letter.total}`);
  expectEqual(first.dead_letter.by_reason, { '512 Invalid event structure': first.dead_letter.total });
  expectEqual(first.accepted + first.dead_letter.total, 90);
  const dead = await listLedgerRecords(join(out, 'state'), fx.date, ['dead_letter', 'held']);
  expectEqual(dead.length, first.dead_letter.total);
  expectEqual([dead[0]!.code, dead[0]!.reason, dead[0]!.attempts], [512, 'Invalid event structure', 1]);

  const plain = await deliverRun({ outDir: out, date: fx.date, config: testDelivery(), credentials });
  expectEqual(plain.to_send, 0, 'dead letters are not re-sent without asking');
  const retried = await deliverRun({ outDir: out, date: fx.date, config: testDelivery(), credentials, retryDeadLetters: true });
  expectEqual([retried.retried_dead_letters, retried.to_send, retried.accepted, retried.ledger.accepted, retried.ledger.dead_letter], [dead.length, dead.length, dead.length, 90, 0]);
  const counts = sandbox.acceptedCounts();
  for (const r of fx.sends) assert.equal(counts.get(fixtureKey(r, fx.date)), 1);
});

test('two days in a row: the dedup history holds both days, accepted records only', async () => {
  const out = tempDir();
  const day1 = await writeRunFixture(out, { accounts: 60, date: '2026-11-22' });
  const day2 = await writeRunFixture(out, { accounts: 40, date: '2026-11-23' });
  await deliverRun({ outDir: out, date: day1.date, config: testDelivery(), credentials });
  sandbox.setFaults({ unprocessed: { permanent: 0.3 } });
  let second;
  try {
    second = await deliverRun({ outDir: out, date: day2.date, config: testDelivery(), credentials });
  } finally {
    sandbox.setFaults({});
  }
  const history = await readAcceptedSends(join(out, 'state'));
  const byDate = (d: string): number[] => history.filter((h) => h.send_date === d).map((h) => h.account_id);
  expectEqual(byDate(day1.date), day1.sends.map((s) => s.account_id));
  const dead = new Set((await listLedgerRecords(join(out, 'state'), day2.date, ['dead_letter'])).map((r) => r.account_id));
  expectEqual(byDate(day2.date), day2.sends.map((s) => s.account_id).filter((a) => !dead.has(a)));
  expectEqual(byDate(day2.date).length, second.accepted);
  const shows = history.find((h) => h.send_date === day2.date)!;
  expectEqual(shows.show_id, day2.sends.find((s) => s.account_id === shows.account_id)!.show_id);
});

test('credentials are required for a real delivery and missing ones are named, not shown', async () => {
  const out = tempDir();
  const fx = await writeRunFixture(out, { accounts: 10 });
  const saved = { ...process.env };
  try {
    delete process.env['CLEVERTAP_ACCOUNT_ID'];
    process.env['CLEVERTAP_PASSCODE'] = 'TOP-SECRET-PASS';
    await assert.rejects(deliverRun({ outDir: out, date: fx.date, config: testDelivery() }), (err: unknown) => {
      const message = (err as Error).message;
      return /CLEVERTAP_ACCOUNT_ID/.test(message) && !message.includes('TOP-SECRET-PASS');
    });
  } finally {
    process.env = saved;
  }
});
