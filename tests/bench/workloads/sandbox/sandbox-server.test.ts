import assert from 'node:assert/strict';
import { afterAll, test } from 'vitest';
import { parseFaultSpec } from '../../../../bench/workloads/sandbox/sandbox-faults.js';
import { Sandbox, SANDBOX_DEFAULT_ACCOUNT_ID, SANDBOX_DEFAULT_PASSCODE } from '../../../../bench/workloads/sandbox/sandbox-server.js';
import { expectEqual } from '../../../support/expect-equal.js';

const auth = { 'X-CleverTap-Account-Id': SANDBOX_DEFAULT_ACCOUNT_ID, 'X-CleverTap-Passcode': SANDBOX_DEFAULT_PASSCODE, 'Content-Type': 'application/json; charset=utf-8' };

function event(i: number): Record<string, unknown> {
  return { identity: `crm-${i}`, type: 'event', evtName: 'crm_recommendation', ts: 1795305600, evtData: { profile_id: i } };
}

async function upload(sandbox: Sandbox, body: unknown, headers: Record<string, string> = auth): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(`${sandbox.url}/1/upload`, { method: 'POST', headers, body: typeof body === 'string' ? body : JSON.stringify(body), signal: AbortSignal.timeout(5000) });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

const sandbox = await Sandbox.start();
afterAll(() => sandbox.close());

test('valid records are accepted in CleverTap shape and counted, duplicates too', async () => {
  const first = await upload(sandbox, { d: [event(1), event(2)] });
  expectEqual(first, { status: 200, json: { status: 'success', processed: 2, unprocessed: [] } });
  await upload(sandbox, { d: [event(2)] });
  const stats = (await (await fetch(`${sandbox.url}/_sandbox/accepted?records=1`)).json()) as Record<string, unknown>;
  expectEqual([stats['accepted'], stats['unique'], stats['duplicates']], [3, 2, 1]);
  expectEqual(stats['records'], { 'crm-1|crm_recommendation|1795305600|1': 1, 'crm-2|crm_recommendation|1795305600|2': 2 });
});

test('missing or wrong credentials get 401; other paths and methods are refused', async () => {
  expectEqual((await upload(sandbox, { d: [] }, { 'Content-Type': 'application/json' })).status, 401);
  expectEqual((await upload(sandbox, { d: [] }, { ...auth, 'X-CleverTap-Passcode': 'wrong' })).status, 401);
  expectEqual((await fetch(`${sandbox.url}/1/upload`, { headers: auth })).status, 405);
  expectEqual((await fetch(`${sandbox.url}/1/other`, { method: 'POST', headers: auth, body: '{}' })).status, 404);
});

test('bad bodies and more than 1000 records get 400', async () => {
  expectEqual((await upload(sandbox, 'not json')).status, 400);
  expectEqual((await upload(sandbox, { records: [] })).status, 400);
  const big = await upload(sandbox, { d: Array.from({ length: 1001 }, (_, i) => event(i)) });
  expectEqual(big.status, 400);
  assert.match(String(big.json['error']), /1000/);
});

test('invalid records come back in unprocessed with CleverTap codes; the rest are accepted', async () => {
  const bad = [{ ...event(10), identity: '' }, { ...event(11), type: 'profile' }, { ...event(12), evtName: '' }, { ...event(13), ts: 'yesterday' }, { ...event(14), evtData: 'x' }];
  const res = await upload(sandbox, { d: [event(9), ...bad] });
  expectEqual(res.json['processed'], 1);
  expectEqual((res.json['unprocessed'] as { code: number; status: string }[]).map((u) => [u.status, u.code]), [['fail', 523], ['fail', 524], ['fail', 509], ['fail', 525], ['fail', 512]]);
  expectEqual(((res.json['unprocessed'] as { record: unknown }[])[0]!).record, bad[0]);
});

test('more than maxConcurrent uploads at once get 429', async () => {
  const small = await Sandbox.start({ maxConcurrent: 2, faults: { slow: { ms: 300, next: 2 } } });
  try {
    const results = await Promise.all([1, 2, 3, 4].map((i) => upload(small, { d: [event(i)] })));
    expectEqual(results.map((r) => r.status).sort(), [200, 200, 429, 429]);
    expectEqual(small.stats().peakConcurrent, 2);
  } finally {
    await small.close();
  }
});

test('injected faults: 429 with Retry-After, 5xx, dropped connections, partial unprocessed', async () => {
  const faulty = await Sandbox.start({ faults: { rateLimit: { next: 1, retryAfterSeconds: 2 }, serverError: { next: 1, status: 502 } } });
  try {
    const limited = await fetch(`${faulty.url}/1/upload`, { method: 'POST', headers: auth, body: JSON.stringify({ d: [event(1)] }) });
    expectEqual([limited.status, limited.headers.get('retry-after')], [429, '2']);
    expectEqual((await upload(faulty, { d: [event(1)] })).status, 502);
    expectEqual((await upload(faulty, { d: [event(1)] })).status, 200);
    faulty.setFaults({ drop: { next: 1 } });
    await assert.rejects(upload(faulty, { d: [event(2)] }));
    faulty.setFaults({ unprocessed: { permanent: 1 } });
    const refused = await upload(faulty, { d: [event(3)] });
    expectEqual((refused.json['unprocessed'] as { code: number }[]).map((u) => u.code), [512]);
    expectEqual(faulty.stats().unique, 1);
  } finally {
    await faulty.close();
  }
});

test('the crash fault closes the server once the record budget would be passed', async () => {
  let crashed = false;
  const fragile = await Sandbox.start({ faults: { crash: { afterRecords: 3 } }, onCrash: () => (crashed = true) });
  expectEqual((await upload(fragile, { d: [event(1), event(2)] })).status, 200);
  await assert.rejects(upload(fragile, { d: [event(3), event(4)] }));
  expectEqual([crashed, fragile.stats().accepted, fragile.stats().crashed], [true, 2, true]);
  await assert.rejects(fetch(`${fragile.url}/_sandbox/accepted`, { signal: AbortSignal.timeout(2000) }));
});

test('fault specs parse from the CLI syntax and from JSON; mistakes are named', () => {
  expectEqual(parseFaultSpec('429:next=20,retry-after=1; 5xx:p=0.05,status=500; slow:ms=500,p=0.1,after-processing; drop:next=2; unprocessed:transient=0.01,permanent=0.001; crash:after=50000; seed:7'), {
    rateLimit: { next: 20, retryAfterSeconds: 1 },
    serverError: { probability: 0.05, status: 500 },
    slow: { ms: 500, probability: 0.1, afterProcessing: true },
    drop: { next: 2 },
    unprocessed: { transient: 0.01, permanent: 0.001 },
    crash: { afterRecords: 50000 },
    seed: 7,
  });
  expectEqual(parseFaultSpec('{"drop":{"next":1}}'), { drop: { next: 1 } });
  assert.throws(() => parseFaultSpec('explode:next=1'), /unknown fault 'explode'/);
  assert.throws(() => parseFaultSpec('429:soon=1'), /unknown setting 'soon'/);
  assert.throws(() => parseFaultSpec('429:next=-1'), /not a non-negative number/);
});

test('with parse threads the answers and counts are the same', async () => {
  const threaded = await Sandbox.start({ parseThreads: 2 });
  try {
    const bad = { ...event(2), evtName: '' };
    const res = await upload(threaded, { d: [event(1), bad, event(1)] });
    expectEqual(res.json, { status: 'success', processed: 2, unprocessed: [{ status: 'fail', code: 509, error: 'Event name mandatory', record: bad }] });
    expectEqual((await upload(threaded, 'not json')).status, 400);
    expectEqual([threaded.stats().unique, threaded.stats().duplicates], [1, 1]);
  } finally {
    await threaded.close();
  }
});
