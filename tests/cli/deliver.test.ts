import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'vitest';
import type { SandboxFaults } from '../../bench/workloads/sandbox/sandbox-faults.js';
import { Sandbox } from '../../bench/workloads/sandbox/sandbox-server.js';
import { listLedgerRecords } from '../../io/ledger/list-ledger.js';
import { cleanup } from '../support/cleanup.js';
import { expectEqual } from '../support/expect-equal.js';
import { tempDir } from '../support/temp-dir.js';
import { fixtureKey, writeRunFixture } from '../engine/delivery/run-fixture.js';
import type { RunFixture } from '../engine/delivery/run-fixture.js';

const MAIN = fileURLToPath(new URL('../../cli/main.js', import.meta.url));
const ACCOUNT = 'ACCT-SECRET-7731';
const PASSCODE = 'PASS-SECRET-9924';

interface Ran {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs `campaign deliver …` in a child (async: the sandbox answering it lives in this process). */
function deliver(args: string[], env: Record<string, string>, onSpawn?: (kill: () => void) => void): Promise<Ran> {
  const child = spawn(process.execPath, [MAIN, 'deliver', ...args], { env: { PATH: process.env['PATH'] ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  onSpawn?.(() => child.kill('SIGKILL'));
  const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  return new Promise((resolve) => {
    child.once('close', (status, signal) => {
      clearTimeout(timer);
      resolve({ status, signal, stdout, stderr });
    });
  });
}

async function started(faults: SandboxFaults = {}): Promise<{ sandbox: Sandbox; env: Record<string, string> }> {
  const sandbox = await Sandbox.start({ accountId: ACCOUNT, passcode: PASSCODE, faults });
  cleanup(() => sandbox.close());
  return { sandbox, env: { CLEVERTAP_ACCOUNT_ID: ACCOUNT, CLEVERTAP_PASSCODE: PASSCODE, CLEVERTAP_ENDPOINT: sandbox.url } };
}

async function waitFor(condition: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 400 && !condition(); i++) await new Promise((r) => setTimeout(r, 25));
  assert.ok(condition(), `timed out waiting for ${what}`);
}

/** Starts a delivery, SIGKILLs it once `killAfter` records were accepted, and returns the in-flight account ids. */
async function killMidway(out: string, fx: RunFixture, sandbox: Sandbox, env: Record<string, string>, killAfter: number): Promise<Set<number>> {
  let kill = (): void => {};
  const running = deliver(['--out', out, '--date', fx.date], env, (k) => (kill = k));
  await waitFor(() => sandbox.stats().accepted >= killAfter, `${killAfter} accepted records`);
  kill();
  const killed = await running;
  expectEqual(killed.signal, 'SIGKILL', killed.stderr);
  const inFlight = await listLedgerRecords(join(out, 'state'), fx.date, ['in_flight']);
  return new Set(inFlight.map((r) => r.account_id));
}

const fixtureDelivery = { batch_size: 50, concurrency: 3, backoff_base_ms: 2, backoff_max_ms: 20 };

test('kill -9 mid-delivery, resume with in_flight_policy resend: all accepted, duplicates only among in-flight records', async () => {
  // Answers come 40 ms after the records were processed: a kill lands between processing and the answer.
  const { sandbox, env } = await started({ slow: { ms: 40, probability: 1, afterProcessing: true } });
  const out = tempDir();
  const fx = await writeRunFixture(out, { accounts: 2000, delivery: fixtureDelivery });
  const inFlight = await killMidway(out, fx, sandbox, env, 300);
  assert.ok(inFlight.size > 0, 'requests were out at the kill');
  assert.ok(statSync(join(out, 'state', 'deliver.lock')).isFile(), 'the dead process left its lock');

  sandbox.setFaults({});
  const resumed = await deliver(['--out', out, '--date', fx.date, '--json'], env);
  expectEqual(resumed.status, 0, resumed.stderr);
  const summary = JSON.parse(resumed.stdout) as { recovered_in_flight: { resent: number }; ledger: { accepted: number } };
  expectEqual([summary.recovered_in_flight.resent, summary.ledger.accepted], [inFlight.size, 1800]);
  const counts = sandbox.acceptedCounts();
  for (const r of fx.sends) {
    const n = counts.get(fixtureKey(r, fx.date)) ?? 0;
    if (inFlight.has(r.account_id)) assert.ok(n === 1 || n === 2, `in-flight account ${r.account_id}: ${n}`);
    else assert.equal(n, 1, `account ${r.account_id}`);
  }
});

test('kill -9 mid-delivery, resume with in_flight_policy hold: nothing duplicated, in-flight records held and listed', async () => {
  const { sandbox, env } = await started({ slow: { ms: 40, probability: 1, afterProcessing: true } });
  const out = tempDir();
  const fx = await writeRunFixture(out, { accounts: 1000, delivery: { ...fixtureDelivery, in_flight_policy: 'hold' } });
  const inFlight = await killMidway(out, fx, sandbox, env, 200);
  sandbox.setFaults({});
  const resumed = await deliver(['--out', out, '--date', fx.date], env);
  expectEqual(resumed.status, 0, resumed.stderr);
  assert.match(resumed.stdout, new RegExp(`in flight from an interrupted delivery: 0 re-sent, ${inFlight.size} held`));
  const counts = sandbox.acceptedCounts();
  for (const r of fx.sends) {
    const n = counts.get(fixtureKey(r, fx.date)) ?? 0;
    assert.equal(n, inFlight.has(r.account_id) ? n : 1, `account ${r.account_id}`);
    assert.ok(n <= 1, `account ${r.account_id} accepted ${n} times`);
  }
  const held = await listLedgerRecords(join(out, 'state'), fx.date, ['held']);
  expectEqual(held.map((h) => h.account_id).sort((a, b) => a - b), [...inFlight].sort((a, b) => a - b));
});

/** Starts a delivery in a child and sends it SIGINT once `after` records were accepted (the answers come 500 ms later). */
async function interruptMidway(out: string, fx: RunFixture, sandbox: Sandbox, env: Record<string, string>, after: number, twice: boolean): Promise<Ran> {
  const child = spawn(process.execPath, [MAIN, 'deliver', '--out', out, '--date', fx.date, '--json'], { env: { PATH: process.env['PATH'] ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const closed = new Promise<Ran>((resolve) => child.once('close', (status, signal) => resolve({ status, signal, stdout, stderr })));
  await waitFor(() => sandbox.stats().accepted >= after, `${after} accepted records`);
  child.kill('SIGINT');
  if (twice) {
    await waitFor(() => stderr.includes('interrupt again to cut them'), 'the interrupt acknowledged');
    child.kill('SIGINT');
  }
  return closed;
}

test('SIGINT mid-delivery: the requests out are answered and recorded before exit; the resume duplicates nothing', async () => {
  // Every answer comes 500 ms after its records were accepted: at the SIGINT, requests are out whose records CleverTap has.
  const { sandbox, env } = await started({ slow: { ms: 500, probability: 1, afterProcessing: true } });
  const out = tempDir();
  const fx = await writeRunFixture(out, { accounts: 2000, delivery: fixtureDelivery });
  const interrupted = await interruptMidway(out, fx, sandbox, env, 300, false);
  expectEqual(interrupted.status, 130, interrupted.stderr);
  assert.match(interrupted.stderr, /campaign: SIGINT: finishing the requests out/);
  assert.match(interrupted.stderr, /campaign: delivery of 2026-11-22 interrupted: \d+ accepted, 0 held, \d+ pending, 0 in flight; the ledger is intact/);
  const summary = JSON.parse(interrupted.stdout) as { accepted: number; in_flight: number; stopped: string };
  // What CleverTap accepted is exactly what the ledger calls accepted: nothing left in doubt.
  expectEqual([summary.in_flight, summary.stopped, summary.accepted], [0, 'interrupted', sandbox.stats().accepted]);
  assert.ok(summary.accepted < 1800, `${summary.accepted} accepted before the interrupt took effect`);

  sandbox.setFaults({});
  const resumed = await deliver(['--out', out, '--date', fx.date], env);
  expectEqual(resumed.status, 0, resumed.stderr);
  const counts = sandbox.acceptedCounts();
  expectEqual(fx.sends.filter((r) => counts.get(fixtureKey(r, fx.date)) !== 1).length, 0, 'records not accepted exactly once');
});

test('a second SIGINT cuts the requests out: under hold their records are held, never re-sent', async () => {
  const { sandbox, env } = await started({ slow: { ms: 4000, probability: 1, afterProcessing: true } });
  const out = tempDir();
  const fx = await writeRunFixture(out, { accounts: 1000, delivery: { ...fixtureDelivery, in_flight_policy: 'hold' } });
  const interrupted = await interruptMidway(out, fx, sandbox, env, 1, true);
  expectEqual(interrupted.status, 130, interrupted.stderr);
  const summary = JSON.parse(interrupted.stdout) as { held: { total: number; by_reason: Record<string, number> }; in_flight: number; ledger: { in_flight: number } };
  assert.ok(summary.held.total > 0, 'requests were out at the second SIGINT');
  expectEqual([summary.in_flight, summary.ledger.in_flight, Object.keys(summary.held.by_reason)], [0, 0, ['interrupted while in flight']]);

  sandbox.setFaults({});
  const resumed = await deliver(['--out', out, '--date', fx.date], env);
  expectEqual(resumed.status, 0, resumed.stderr);
  const held = new Set((await listLedgerRecords(join(out, 'state'), fx.date, ['held'])).map((r) => r.account_id));
  expectEqual(held.size, summary.held.total);
  const counts = sandbox.acceptedCounts();
  expectEqual(fx.sends.filter((r) => !held.has(r.account_id) && counts.get(fixtureKey(r, fx.date)) !== 1).length, 0, 'records not held and not accepted exactly once');
  expectEqual(fx.sends.filter((r) => (counts.get(fixtureKey(r, fx.date)) ?? 0) > 1).length, 0, 'records accepted twice');
});

function everyFile(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

test('credentials never appear in output, the ledger or the manifest — on failure or success', async () => {
  const { sandbox, env } = await started();
  const out = tempDir();
  const fx = await writeRunFixture(out, { accounts: 100, delivery: fixtureDelivery });
  const refused = await deliver(['--out', out, '--date', fx.date], { ...env, CLEVERTAP_PASSCODE: 'PASS-WRONG-5150' });
  // Refused credentials need a person: INVALID (3), not a retry.
  expectEqual(refused.status, 3);
  assert.match(refused.stderr, /campaign: delivery of 2026-11-22 stopped: CleverTap refused the credentials \(HTTP 401\)/);
  assert.match(refused.stdout, /STOPPED/);
  const ok = await deliver(['--out', out, '--date', fx.date, '--json'], env);
  expectEqual(ok.status, 0, ok.stderr);
  const noEndpoint = await deliver(['--out', out, '--date', fx.date], { CLEVERTAP_ACCOUNT_ID: ACCOUNT, CLEVERTAP_PASSCODE: PASSCODE, CLEVERTAP_ENDPOINT: 'ftp://x' });
  expectEqual(noEndpoint.status, 3);
  const texts = [refused.stdout, refused.stderr, ok.stdout, ok.stderr, noEndpoint.stderr, ...everyFile(out).map((f) => readFileSync(f, 'latin1'))];
  for (const secret of [ACCOUNT, PASSCODE, 'PASS-WRONG-5150']) assert.equal(texts.some((t) => t.includes(secret)), false, `${secret} leaked`);
  expectEqual(sandbox.stats().unique, 90);
});

/**
 * A CleverTap stand-in that echoes the request headers (so the credentials) into every text it
 * sends back: the first record of each batch refused with them in `unprocessed[].error`, a 400
 * body for batches holding crm-25, and, once 40 records were accepted, 200 `{"status":"fail"}`
 * answers naming them, until the circuit opens.
 */
async function echoingServer(): Promise<string> {
  let accepted = 0;
  const server = createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on('data', (p: Buffer) => parts.push(p));
    req.on('end', () => {
      const records = (JSON.parse(Buffer.concat(parts).toString()) as { d: { identity: string }[] }).d;
      const echo = `headers ${JSON.stringify(req.headers)}, passcode ${String(req.headers['x-clevertap-passcode'])}, account ${String(req.headers['x-clevertap-account-id'])}`;
      const answer = (status: number, body: string): void => {
        res.writeHead(status, { 'Content-Type': 'application/json' });
        res.end(body);
      };
      if (accepted >= 40) return answer(200, JSON.stringify({ status: 'fail', error: `overloaded; you sent ${echo}` }));
      if (records.some((r) => r.identity === 'crm-25')) return answer(400, `rejected: ${echo}`);
      accepted += records.length - 1;
      answer(200, JSON.stringify({ status: 'success', processed: records.length - 1, unprocessed: [{ status: 'fail', code: 512, error: `Invalid event structure (${echo})`, record: records[0] }] }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanup(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function campaign(args: string[]): Promise<Ran> {
  const child = spawn(process.execPath, [MAIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) => child.once('close', (status, signal) => resolve({ status, signal, stdout, stderr })));
}

test('credentials a server echoes back are blanked out of the ledger, the manifest, dead-letters and every message', async () => {
  const endpoint = await echoingServer();
  const out = tempDir();
  const fx = await writeRunFixture(out, { accounts: 100, delivery: { batch_size: 10, concurrency: 1, circuit_failures: 6, backoff_base_ms: 0 } });
  // Quote and backslash: the JSON-escaped echo differs from the raw one.
  const env = { CLEVERTAP_ACCOUNT_ID: 'ACCT-SECRET-7731', CLEVERTAP_PASSCODE: 'PASS"SECRET\\9924', CLEVERTAP_ENDPOINT: endpoint };
  const delivered = await deliver(['--out', out, '--date', fx.date], env);
  // An endpoint that keeps failing is an outage: UNAVAILABLE (69), retry later.
  expectEqual(delivered.status, 69, delivered.stderr);
  assert.match(delivered.stderr, /stopped: the endpoint failed 6 requests in a row .*HTTP 200 without per-record answer: overloaded; you sent headers .*\[redacted\]/);
  const table = await campaign(['dead-letters', '--out', out, '--date', fx.date]);
  const json = await campaign(['dead-letters', '--out', out, '--date', fx.date, '--json']);
  assert.match(table.stdout, /dead_letter +512 .*Invalid event structure \(headers .*\[redacted\]/);
  assert.match(table.stdout, /dead_letter +400 .*HTTP 400: rejected: headers .*\[redacted\]/);
  const texts = [delivered.stdout, delivered.stderr, table.stdout, json.stdout, ...everyFile(out).map((f) => readFileSync(f, 'latin1'))];
  expectEqual(texts.filter((t) => t.includes('SECRET')).length, 0, 'texts holding a secret');
});

test('a passcode or account id with a line break or a non-Latin-1 character is refused in one line before anything is journalled', async () => {
  const { sandbox, env } = await started();
  const out = tempDir();
  const fx = await writeRunFixture(out, { accounts: 100, delivery: fixtureDelivery });
  const cases: [Record<string, string>, RegExp][] = [
    [{ CLEVERTAP_PASSCODE: `${PASSCODE}\nX` }, /^campaign: CLEVERTAP_PASSCODE contains a line break \(character 17 of 18\); CleverTap credentials are printable ASCII\n$/],
    [{ CLEVERTAP_PASSCODE: `${PASSCODE}€` }, /^campaign: CLEVERTAP_PASSCODE contains a non-ASCII character \(character 17 of 17\)/],
    [{ CLEVERTAP_ACCOUNT_ID: `${ACCOUNT}\r` }, /^campaign: CLEVERTAP_ACCOUNT_ID contains a carriage return/],
  ];
  for (const [change, message] of cases) {
    const r = await deliver(['--out', out, '--date', fx.date], { ...env, ...change });
    expectEqual(r.status, 3, r.stderr);
    assert.match(r.stderr, message);
    assert.equal(r.stderr.includes(PASSCODE) || r.stderr.includes(ACCOUNT), false);
  }
  expectEqual([existsSync(join(out, 'state')), sandbox.stats().requests], [false, 0]);
});

test('--dry-run validates and counts without sending or credentials', async () => {
  const out = tempDir();
  const fx = await writeRunFixture(out, { accounts: 50 });
  const r = await deliver(['--out', out, '--date', fx.date, '--dry-run'], {});
  expectEqual(r.status, 0, r.stderr);
  assert.match(r.stdout, /dry run, nothing sent/);
  assert.match(r.stdout, /would send 45/);
});

test('a malformed payload is refused with the line number and exit 3', async () => {
  const out = tempDir();
  const fx = await writeRunFixture(out, { accounts: 50, editLine: (l, i) => (i === 4 ? '{"identity":' : l) });
  const r = await deliver(['--out', out, '--date', fx.date, '--dry-run'], {});
  expectEqual(r.status, 3);
  assert.match(r.stderr, /payloads\.ndjson: line 5: not valid JSON/);
});

test('bad arguments exit 2 with a message naming the option', async () => {
  const cases: [string[], RegExp][] = [
    [['--date', '2026-11-22'], /--out is required/],
    [['--out', 'x'], /--date is required/],
    [['--out', 'x', '--date', '2026-02-30'], /--date must be a calendar date/],
    [['--out', 'x', '--date', '2026-11-22', '--bogus'], /unknown option '--bogus'/],
  ];
  for (const [args, message] of cases) {
    const r = await deliver(args, {});
    expectEqual(r.status, 2, args.join(' '));
    assert.match(r.stderr, message);
  }
});
