import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { createServer as createNetServer } from 'node:net';
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

/** The credentials of the echo test: a quote and a backslash make the JSON-escaped echo differ from the raw one. */
const ECHO_ACCOUNT = 'ACCT-SECRET-7731';
const ECHO_PASSCODE = 'PASS"SECRET\\9924';

/** Every form in which the echoing server sends the credentials back, each as the test writes it independently. */
function echoForms(account: string, passcode: string): string[] {
  const b64 = (t: string): string => Buffer.from(t).toString('base64');
  const everyByte = (t: string, upper: boolean): string => [...Buffer.from(t)].map((b) => `%${b.toString(16).padStart(2, '0')}`).map((x) => (upper ? x.toUpperCase() : x)).join('');
  const basic = `${account}:${passcode}`;
  return [
    `${account} ${passcode}`,
    `Basic ${b64(basic)}`,
    b64(basic).toLowerCase(),
    b64(basic).toUpperCase(),
    b64(basic).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, ''),
    `xyz${b64(`..${basic}`)}`,
    `${b64(account)} ${b64(passcode)}`,
    basic.toLowerCase(),
    basic.toUpperCase(),
    everyByte(basic, false),
    everyByte(basic, true),
    encodeURIComponent(basic),
    encodeURIComponent(basic).toLowerCase(),
    JSON.stringify(basic),
    [...basic].map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`).join(''),
    Buffer.from(basic).toString('hex').toUpperCase(),
    encodeURIComponent(JSON.stringify(basic)),
  ];
}

/** The secrets as a reader of a leaked text could recover them: every echo form and the raw values, compared ignoring case. */
function leaks(text: string): string[] {
  const lower = text.toLowerCase();
  const forms = [ECHO_ACCOUNT, ECHO_PASSCODE, 'secret-7731', 'secret\\9924', ...echoForms(ECHO_ACCOUNT, ECHO_PASSCODE).map((f) => f.replace(/^(Basic |xyz)/, ''))];
  return forms.filter((f) => lower.includes(f.toLowerCase()));
}

/**
 * A CleverTap stand-in that echoes the credentials it was sent, in one of echoForms per request
 * (in turn), into every text it sends back: the first record of each batch refused with them in
 * `unprocessed[].error` (permanent code 512), a JSON 400 for batches holding crm-25 (its `error`
 * field) and an HTML one for crm-55, every 6th request a 200 `{"status":"fail"}` naming them in
 * `status` and `error`; once 120 records were accepted, only such answers, until the delivery
 * gives up.
 */
async function echoingServer(): Promise<string> {
  let accepted = 0;
  let requests = 0;
  const server = createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on('data', (p: Buffer) => parts.push(p));
    req.on('end', () => {
      const records = (JSON.parse(Buffer.concat(parts).toString()) as { d: { identity: string }[] }).d;
      const forms = echoForms(String(req.headers['x-clevertap-account-id']), String(req.headers['x-clevertap-passcode']));
      const echo = forms[requests++ % forms.length]!;
      const answer = (status: number, body: string, type = 'application/json'): void => {
        res.writeHead(status, { 'Content-Type': type });
        res.end(body);
      };
      if (accepted >= 120 || requests % 6 === 0) return answer(200, JSON.stringify({ status: `fail ${echo}`, error: `overloaded; you sent ${echo}` }));
      if (records.some((r) => r.identity === 'crm-25')) return answer(400, JSON.stringify({ status: 'fail', error: `rejected: ${echo}`, echo: req.headers }));
      if (records.some((r) => r.identity === 'crm-55')) return answer(400, `<html><body>rejected ${echo} ${JSON.stringify(req.headers)}</body></html>`, 'text/html');
      accepted += records.length - 1;
      answer(200, JSON.stringify({ status: 'success', processed: records.length - 1, unprocessed: [{ status: 'fail', code: 512, error: `Invalid event structure (${echo})`, record: { ...records[0], echo } }] }));
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

test('credentials a server echoes back, in any encoding, never reach the ledger, the manifest, deliver (text or --json) or dead-letters', async () => {
  const endpoint = await echoingServer();
  const out = tempDir();
  const fx = await writeRunFixture(out, { accounts: 200, delivery: { batch_size: 5, concurrency: 1, max_attempts: 2, backoff_base_ms: 0 } });
  const env = { CLEVERTAP_ACCOUNT_ID: ECHO_ACCOUNT, CLEVERTAP_PASSCODE: ECHO_PASSCODE, CLEVERTAP_ENDPOINT: endpoint };
  const delivered = await deliver(['--out', out, '--date', fx.date], env);
  // An endpoint that keeps failing is an outage: UNAVAILABLE (69), retry later.
  expectEqual(delivered.status, 69, delivered.stderr);
  assert.match(delivered.stderr, /stopped: the endpoint 127\.0\.0\.1:\d+ failed all 2 attempts of \d+ records \(last: HTTP 200 without per-record answer: overloaded; you sent .*\)/);
  const json = await deliver(['--out', out, '--date', fx.date, '--json'], env);
  expectEqual(json.status, 69, json.stderr);
  const table = await campaign(['dead-letters', '--out', out, '--date', fx.date]);
  const listed = await campaign(['dead-letters', '--out', out, '--date', fx.date, '--json']);
  // What is kept of each answer: the code and the allow-listed error text, scrubbed.
  assert.match(table.stdout, /dead_letter +512 .*Invalid event structure \(\[redacted\]/);
  assert.match(table.stdout, /dead_letter +400 .*HTTP 400: rejected: (\[redacted\]|\[withheld: the server echoed the credentials\])/);
  assert.match(table.stdout, /^55 +dead_letter +400 +\d+ +551 +\d+ +HTTP 400$/m);
  assert.equal(table.stdout.includes('<html>'), false, 'an HTML body is not kept');
  const texts: [string, string][] = [
    ['deliver stdout', delivered.stdout],
    ['deliver stderr', delivered.stderr],
    ['deliver --json stdout', json.stdout],
    ['deliver --json stderr', json.stderr],
    ['dead-letters', table.stdout],
    ['dead-letters --json', listed.stdout],
    ...everyFile(out).map((f): [string, string] => [f, readFileSync(f, 'latin1')]),
  ];
  assert.ok(texts.some(([name]) => name.endsWith('snapshot.tsv')) && texts.some(([name]) => name.endsWith('manifest.json')), 'the ledger snapshot and the manifest are checked');
  expectEqual(texts.map(([name, text]) => [name, leaks(text)]).filter(([, found]) => found.length > 0), [], 'texts holding a secret');
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

/** A server that accepts TCP connections and resets each at once (RST): no request is ever read. */
async function resettingServer(): Promise<string> {
  const server = createNetServer((socket) => socket.resetAndDestroy());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanup(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

interface Ledger {
  pending: number;
  in_flight: number;
  dead_letter: number;
  held: number;
}

async function ledgerOf(out: string, date: string): Promise<Ledger> {
  const count = async (status: 'pending' | 'in_flight' | 'dead_letter' | 'held'): Promise<number> => (await listLedgerRecords(join(out, 'state'), date, [status])).length;
  return { pending: await count('pending'), in_flight: await count('in_flight'), dead_letter: await count('dead_letter'), held: await count('held') };
}

const outageMessage = (endpoint: string, error: string, pending: string, inFlight: string): RegExp =>
  new RegExp(`^campaign: delivery of 2026-11-22 stopped: the endpoint ${endpoint.replace(/\./g, '\\.')} failed all 8 attempts of 1800 records \\(last: ${error}\\)\\. 0 accepted, ${pending} pending, ${inFlight} in flight; the ledger is intact — run deliver again to resume$`, 'm');

test('an outage (connection refused, then reset) dead-letters nothing: deliver exits 69 (unavailable) naming it, the records stay pending, the next delivery sends each once', async () => {
  const out = tempDir();
  // The default delivery settings (8 attempts, circuit after 20 failures in a row) with a fast backoff: two batches never reach 20 failures.
  const fx = await writeRunFixture(out, { accounts: 2000, delivery: { backoff_base_ms: 2, backoff_max_ms: 20 } });
  const credentials = { CLEVERTAP_ACCOUNT_ID: ACCOUNT, CLEVERTAP_PASSCODE: PASSCODE };
  const refused = await deliver(['--out', out, '--date', fx.date], { ...credentials, CLEVERTAP_ENDPOINT: 'http://127.0.0.1:1' });
  expectEqual(refused.status, 69, refused.stderr);
  assert.match(refused.stderr, outageMessage('127.0.0.1:1', 'connection error \\(ECONNREFUSED\\)', '1800', '0'));
  assert.match(refused.stdout, /accepted 0 · dead-lettered 0 · held 0 · pending 1,800 · in flight 0/);
  expectEqual(await ledgerOf(out, fx.date), { pending: 1800, in_flight: 0, dead_letter: 0, held: 0 }, 'ledger after the refused delivery');

  const reset = await resettingServer();
  const cut = await deliver(['--out', out, '--date', fx.date], { ...credentials, CLEVERTAP_ENDPOINT: reset });
  expectEqual(cut.status, 69, cut.stderr);
  // Reset once the whole request was handed over, a request may have been read: its records stay in
  // flight (an unknown outcome), and the default in_flight_policy (resend) sends them again next time.
  const resetError = '(connection error \\(ECONNRESET\\)|connection lost after the request was sent \\(ECONNRESET\\); outcome unknown: CleverTap may have accepted it)';
  assert.match(cut.stderr, outageMessage(new URL(reset).host, resetError, '\\d+', '\\d+'));
  const afterReset = await ledgerOf(out, fx.date);
  expectEqual([afterReset.pending + afterReset.in_flight, afterReset.dead_letter, afterReset.held], [1800, 0, 0], 'ledger after the resetting server');

  const { sandbox, env } = await started();
  const healthy = await deliver(['--out', out, '--date', fx.date, '--json'], env);
  expectEqual(healthy.status, 0, healthy.stderr);
  const summary = JSON.parse(healthy.stdout) as { accepted: number; dead_letter: { total: number }; ledger: Ledger & { accepted: number } };
  expectEqual([summary.accepted, summary.dead_letter.total, summary.ledger], [1800, 0, { accepted: 1800, dead_letter: 0, held: 0, pending: 0, in_flight: 0 }]);
  const counts = sandbox.acceptedCounts();
  expectEqual(fx.sends.filter((r) => counts.get(fixtureKey(r, fx.date)) !== 1).length, 0, 'records not accepted exactly once');
});

test('https:// at an HTTP server (TLS handshake fails, EPROTO): the request never left, so nothing is held or counted as a possible duplicate', async () => {
  const { sandbox, env } = await started();
  const out = tempDir();
  const fx = await writeRunFixture(out, { accounts: 2000, delivery: { backoff_base_ms: 2, backoff_max_ms: 20, in_flight_policy: 'hold' } });
  const tls = await deliver(['--out', out, '--date', fx.date, '--json'], { ...env, CLEVERTAP_ENDPOINT: sandbox.url.replace('http:', 'https:') });
  expectEqual(tls.status, 69, tls.stderr);
  assert.match(tls.stderr, outageMessage(new URL(sandbox.url).host, 'connection error \\(EPROTO\\)', '1800', '0'));
  const summary = JSON.parse(tls.stdout) as { held: { total: number }; unknown_outcomes: number; possible_duplicates: number; pending: number };
  expectEqual([summary.held.total, summary.unknown_outcomes, summary.possible_duplicates, summary.pending], [0, 0, 0, 1800]);
  expectEqual(await ledgerOf(out, fx.date), { pending: 1800, in_flight: 0, dead_letter: 0, held: 0 });
  expectEqual(sandbox.stats().requests, 0, 'requests the server read');

  const healthy = await deliver(['--out', out, '--date', fx.date], env);
  expectEqual(healthy.status, 0, healthy.stderr);
  const counts = sandbox.acceptedCounts();
  expectEqual(fx.sends.filter((r) => counts.get(fixtureKey(r, fx.date)) !== 1).length, 0, 'records not accepted exactly once');
});

test('a delivery timeout past the bound (Node would clamp it to 1 ms) is refused before anything is sent, from the run manifest or --config', async () => {
  const { sandbox, env } = await started();
  const out = tempDir();
  const fx = await writeRunFixture(out, { accounts: 100, delivery: { timeout_ms: 3_000_000_000 } });
  const fromManifest = await deliver(['--out', out, '--date', fx.date], env);
  expectEqual([fromManifest.status, fromManifest.stderr], [3, 'campaign: delivery.timeout_ms: must be ≤ 600000, got 3000000000\n']);
  const config = join(out, 'delivery.yaml');
  writeFileSync(config, 'delivery: {timeout_ms: 3000000000}\n');
  const fromConfig = await deliver(['--out', out, '--date', fx.date, '--config', config], env);
  expectEqual([fromConfig.status, fromConfig.stderr], [3, `campaign: config ${config}:\n  delivery.timeout_ms: must be ≤ 600000, got 3000000000\n`]);
  expectEqual([sandbox.stats().requests, existsSync(join(out, 'state'))], [0, false], 'requests and ledger');
});
