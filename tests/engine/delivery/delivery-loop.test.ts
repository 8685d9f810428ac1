import assert from 'node:assert/strict';
import { test } from 'vitest';
import { DeliveryLoop } from '../../../engine/delivery/delivery-loop.js';
import type { Uploader } from '../../../engine/delivery/delivery-loop.js';
import { loadRunRecords, recordInfo } from '../../../engine/delivery/run-records.js';
import type { RunRecords } from '../../../engine/delivery/run-records.js';
import type { UploadOutcome } from '../../../io/clevertap/upload-client.js';
import { DateLedger } from '../../../io/ledger/date-ledger.js';
import { LEDGER_STATUSES } from '../../../io/ledger/ledger-types.js';
import { expectEqual } from '../../support/expect-equal.js';
import { tempDir } from '../../support/temp-dir.js';
import { testDelivery, writeRunFixture } from './run-fixture.js';

/** An uploader scripted per request: it sees the records of the body and answers. */
function scripted(answer: (records: { identity: string; evtData: { profile_id: number } }[], call: number) => UploadOutcome): Uploader & { calls: number } {
  const uploader = {
    calls: 0,
    redact: (text: string): string => text,
    post(body: Buffer): Promise<UploadOutcome> {
      const records = (JSON.parse(body.toString()) as { d: { identity: string; evtData: { profile_id: number } }[] }).d;
      return Promise.resolve(answer(records, uploader.calls++));
    },
  };
  return uploader;
}

const ok = (n: number): UploadOutcome => ({ kind: 'response', status: 200, body: JSON.stringify({ status: 'success', processed: n, unprocessed: [] }), retryAfterMs: null });

async function prepare(accounts: number): Promise<{ run: RunRecords; ledger: DateLedger; toSend: number[] }> {
  const out = tempDir();
  const fx = await writeRunFixture(out, { accounts });
  const run = await loadRunRecords(fx.runDir, fx.date, 'crm_recommendation');
  const ledger = await DateLedger.open(`${out}/state`, fx.date, 'write');
  await ledger.register(Array.from({ length: run.count }, (_, i) => recordInfo(run, i)));
  return { run, ledger, toSend: Array.from({ length: run.count }, (_, i) => i) };
}

test('a 400 for a batch is narrowed down by halving until the bad record is dead-lettered alone', async () => {
  const { run, ledger, toSend } = await prepare(100);
  const uploader = scripted((records) =>
    records.some((r) => r.identity === 'crm-37') ? { kind: 'response', status: 400, body: '{"status":"fail","error":"Bad record","code":400}', retryAfterMs: null } : ok(records.length),
  );
  const stats = await new DeliveryLoop({ campaignDate: '2026-11-22', endpoint: '127.0.0.1:9', ledger, run, toSend, config: testDelivery({ batch_size: 90, concurrency: 1 }), uploader }).run();
  expectEqual([stats.accepted, stats.deadLetter, stats.stopped], [89, 1, null]);
  expectEqual([...stats.deadByReason], [['HTTP 400', 1]]);
  const bad = ledger.get(37)!;
  expectEqual([bad.status, bad.code, bad.reason], ['dead_letter', 400, 'HTTP 400: Bad record']);
  assert.ok(uploader.calls <= 16, `${uploader.calls} requests`);
  await ledger.close();
});

test('an answer that cannot be matched to the batch accepts nothing it does not name; the batch goes again', async () => {
  const { run, ledger, toSend } = await prepare(20);
  const uploader = scripted((records, call) =>
    call === 0
      ? { kind: 'response', status: 200, body: JSON.stringify({ status: 'success', processed: records.length - 1, unprocessed: [{ status: 'fail', code: 555, error: 'x', record: { identity: 'nobody' } }] }), retryAfterMs: null }
      : ok(records.length),
  );
  const stats = await new DeliveryLoop({ campaignDate: '2026-11-22', endpoint: '127.0.0.1:9', ledger, run, toSend, config: testDelivery({ concurrency: 1 }), uploader }).run();
  expectEqual([stats.accepted, stats.ambiguous, stats.retries, uploader.calls], [18, 1, 1, 2]);
  expectEqual(ledger.table.select(LEDGER_STATUSES).every((r) => r.status === 'accepted' && r.attempts === 2), true);
  await ledger.close();
});

test('connection errors and timeouts before the request was whole are retried; the ledger counts every attempt', async () => {
  const { run, ledger, toSend } = await prepare(20);
  const uploader = scripted((records, call) => (call === 0 ? { kind: 'network', message: 'ECONNREFUSED', sent: false } : call === 1 ? { kind: 'timeout', sent: false } : ok(records.length)));
  const stats = await new DeliveryLoop({ campaignDate: '2026-11-22', endpoint: '127.0.0.1:9', ledger, run, toSend, config: testDelivery({ concurrency: 1 }), uploader }).run();
  expectEqual([stats.accepted, stats.retries], [18, 2]);
  expectEqual(ledger.get(1)!.attempts, 3);
  await ledger.close();
});

test('an unexpected status (404: wrong endpoint) stops the delivery with the records pending', async () => {
  const { run, ledger, toSend } = await prepare(20);
  const uploader = scripted(() => ({ kind: 'response', status: 404, body: 'Not found', retryAfterMs: null }));
  const stats = await new DeliveryLoop({ campaignDate: '2026-11-22', endpoint: '127.0.0.1:9', ledger, run, toSend, config: testDelivery({ concurrency: 1 }), uploader }).run();
  assert.match(stats.stopped ?? '', /HTTP 404: check CLEVERTAP_ENDPOINT/);
  expectEqual(ledger.table.select(LEDGER_STATUSES).map((r) => r.status), Array(18).fill('pending'));
  await ledger.close();
});
