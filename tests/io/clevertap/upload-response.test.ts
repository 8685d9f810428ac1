import { test } from 'vitest';
import { isTransientRecordCode } from '../../../io/clevertap/record-codes.js';
import { readUploadAnswer } from '../../../io/clevertap/upload-response.js';
import type { BatchIdentities } from '../../../io/clevertap/upload-response.js';
import { expectEqual } from '../../support/expect-equal.js';

function batch(records: [string, number][]): BatchIdentities {
  return { size: records.length, identity: (p) => records[p]![0], profileId: (p) => records[p]![1] };
}

/** No credentials to hide in these answers. */
const same = (text: string): string => text;

const three = batch([['crm-1', 11], ['crm-2', 21], ['crm-2', 22]]);

function fail(code: number, identity: string, profileId?: number): unknown {
  return { status: 'fail', code, error: `e${code}`, record: { identity, type: 'event', evtData: profileId === undefined ? {} : { profile_id: profileId } } };
}

test('a clean success accepts the whole batch', () => {
  expectEqual(readUploadAnswer('{"status":"success","processed":3,"unprocessed":[]}', three, same), { kind: 'records', failures: [], ambiguous: false });
});

test('unprocessed entries are matched back by identity and evtData.profile_id, in any order', () => {
  const body = JSON.stringify({ status: 'success', processed: 1, unprocessed: [fail(555, 'crm-2', 22), fail(512, 'crm-1', 11)] });
  expectEqual(readUploadAnswer(body, three, same), {
    kind: 'records',
    failures: [
      { position: 2, code: 555, message: 'e555', transient: true },
      { position: 0, code: 512, message: 'e512', transient: false },
    ],
    ambiguous: false,
  });
});

test('an echo without profile_id matches by identity only when that identity is unique', () => {
  const unique = readUploadAnswer(JSON.stringify({ status: 'success', processed: 2, unprocessed: [fail(523, 'crm-1')] }), three, same);
  expectEqual(unique, { kind: 'records', failures: [{ position: 0, code: 523, message: 'e523', transient: false }], ambiguous: false });
  const shared = readUploadAnswer(JSON.stringify({ status: 'success', processed: 2, unprocessed: [fail(523, 'crm-2')] }), three, same);
  expectEqual(shared, { kind: 'records', failures: [], ambiguous: true });
});

test('counts that do not add up, or an unmatched entry, make the answer ambiguous', () => {
  expectEqual(readUploadAnswer('{"status":"success","processed":2,"unprocessed":[]}', three, same), { kind: 'records', failures: [], ambiguous: true });
  const stranger = readUploadAnswer(JSON.stringify({ status: 'success', processed: 2, unprocessed: [fail(512, 'someone-else', 1)] }), three, same);
  expectEqual(stranger, { kind: 'records', failures: [], ambiguous: true });
});

test('a 200 that is not a per-record answer is a failed batch', () => {
  expectEqual(readUploadAnswer('{"status":"fail","error":"Invalid JSON"}', three, same), { kind: 'failed', message: 'Invalid JSON' });
  expectEqual(readUploadAnswer('<html>', three, same), { kind: 'failed', message: 'answer is not JSON' });
});

test('documented record codes are permanent; 555 and unknown codes are retried', () => {
  expectEqual([509, 512, 513, 522, 523, 524, 525, 526, 528].map(isTransientRecordCode), Array(9).fill(false));
  expectEqual([555, 599, 1, null].map(isTransientRecordCode), [true, true, true, true]);
});

test('messages are redacted before they are cut to length: no prefix of a secret survives', () => {
  const secret = 'PASS-SECRET-9924';
  const redact = (text: string): string => text.split(secret).join('[redacted]');
  const long = `${'x'.repeat(195)}${secret}`;
  const failed = readUploadAnswer(JSON.stringify({ status: 'fail', error: long }), three, redact);
  expectEqual(failed, { kind: 'failed', message: `${'x'.repeat(195)}[reda` });
  const refused = readUploadAnswer(JSON.stringify({ status: 'success', processed: 2, unprocessed: [{ ...(fail(512, 'crm-1', 11) as object), error: `bad ${secret}` }] }), three, redact);
  expectEqual(refused.kind === 'records' ? refused.failures.map((f) => f.message) : [], ['bad [redacted]']);
});
