import assert from 'node:assert/strict';
import { appendFileSync, copyFileSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'vitest';
import { DateLedger } from '../../../io/ledger/date-ledger.js';
import { LedgerCorruptError } from '../../../io/ledger/ledger-snapshot.js';
import { LEDGER_STATUSES } from '../../../io/ledger/ledger-types.js';
import type { LedgerRecord, RecordInfo } from '../../../io/ledger/ledger-types.js';
import { expectEqual } from '../../support/expect-equal.js';
import { tempDir } from '../../support/temp-dir.js';

const DATE = '2026-11-22';

function info(a: number): RecordInfo {
  return { account_id: a, profile_id: a * 10, show_id: 100 + a, scenario: 'trending', crm_id: `crm-${a}` };
}

function state(ledger: DateLedger): LedgerRecord[] {
  return ledger.table.select(LEDGER_STATUSES);
}

function files(stateDir: string): string[] {
  return readdirSync(join(stateDir, 'ledger', DATE)).sort();
}

test('a first registration is written as a snapshot; operations go to a journal and replay on open', async () => {
  const dir = tempDir();
  const ledger = await DateLedger.open(dir, DATE, 'write');
  await ledger.register([info(1), info(2), info(3)]);
  expectEqual(files(dir), ['snapshot.tsv']);
  await ledger.write([{ op: 'send', ids: [1, 2, 3] }]);
  await ledger.write([{ op: 'accept', ids: [1] }, { op: 'dead', ids: [2], code: 512, reason: 'Invalid event structure' }, { op: 'release', ids: [3] }]);
  await ledger.close();
  expectEqual(files(dir), ['journal-000000.ndjson', 'snapshot.tsv']);

  const reopened = await DateLedger.open(dir, DATE, 'read');
  expectEqual(state(reopened), [
    { ...info(1), status: 'accepted', attempts: 1, code: null, reason: null },
    { ...info(2), status: 'dead_letter', attempts: 1, code: 512, reason: 'Invalid event structure' },
    { ...info(3), status: 'pending', attempts: 1, code: null, reason: null },
  ]);
});

test('compaction folds the journal into the snapshot and deletes it; state is unchanged', async () => {
  const dir = tempDir();
  const ledger = await DateLedger.open(dir, DATE, 'write');
  await ledger.register([info(1), info(2)]);
  await ledger.write([{ op: 'send', ids: [1, 2] }, { op: 'accept', ids: [1, 2] }]);
  const before = state(ledger);
  await ledger.compact();
  await ledger.write([{ op: 'register', rows: [[3, 30, 103, 'avod', 'crm-3']] }]);
  await ledger.close();
  expectEqual(files(dir), ['journal-000001.ndjson', 'snapshot.tsv']);
  const reopened = await DateLedger.open(dir, DATE, 'read');
  expectEqual(state(reopened), [...before, { account_id: 3, profile_id: 30, show_id: 103, scenario: 'avod', crm_id: 'crm-3', status: 'pending', attempts: 0, code: null, reason: null }]);
});

test('a torn last journal line (crash mid-write) is ignored, and cut off before the next append', async () => {
  const dir = tempDir();
  const ledger = await DateLedger.open(dir, DATE, 'write');
  await ledger.register([info(1), info(2)]);
  await ledger.write([{ op: 'send', ids: [1, 2] }]);
  await ledger.close();
  const journal = join(dir, 'ledger', DATE, 'journal-000000.ndjson');
  appendFileSync(journal, '{"op":"accept","ids":[1,');

  const resumed = await DateLedger.open(dir, DATE, 'write');
  expectEqual(resumed.get(1)?.status, 'in_flight', 'the unfinished accept does not count');
  await resumed.write([{ op: 'accept', ids: [2] }]);
  await resumed.close();
  expectEqual(readFileSync(journal, 'utf8').split('\n').filter((l) => l !== '').length, 2, 'torn bytes removed');
  const again = await DateLedger.open(dir, DATE, 'read');
  expectEqual([again.get(1)?.status, again.get(2)?.status], ['in_flight', 'accepted']);
});

test('an unreadable line before the end of the journal is corruption, named by file and line', async () => {
  const dir = tempDir();
  const ledger = await DateLedger.open(dir, DATE, 'write');
  await ledger.register([info(1)]);
  await ledger.write([{ op: 'send', ids: [1] }]);
  await ledger.close();
  const journal = join(dir, 'ledger', DATE, 'journal-000000.ndjson');
  appendFileSync(journal, 'garbage\n{"op":"accept","ids":[1]}\n');
  await assert.rejects(DateLedger.open(dir, DATE, 'read'), (err: unknown) => err instanceof LedgerCorruptError && /journal-000000\.ndjson: line 2: unreadable/.test(err.message));
});

test('a journal left behind by a crash during compaction is deleted, not replayed twice', async () => {
  const dir = tempDir();
  const ledger = await DateLedger.open(dir, DATE, 'write');
  await ledger.register([info(1)]);
  await ledger.write([{ op: 'send', ids: [1] }, { op: 'release', ids: [1] }]);
  const journal = join(dir, 'ledger', DATE, 'journal-000000.ndjson');
  const saved = join(dir, 'saved.ndjson');
  copyFileSync(journal, saved);
  await ledger.compact();
  await ledger.close();
  copyFileSync(saved, journal); // as if the crash hit between the snapshot rename and the journal delete

  const reopened = await DateLedger.open(dir, DATE, 'write');
  expectEqual(reopened.get(1)?.attempts, 1, 'the send was counted once');
  await reopened.close();
  expectEqual(files(dir), ['snapshot.tsv']);
});

test('snapshot fields round-trip tabs, newlines, backslashes and the null marker', async () => {
  const dir = tempDir();
  const ledger = await DateLedger.open(dir, DATE, 'write');
  const odd: RecordInfo = { account_id: 7, profile_id: 70, show_id: 107, scenario: 'cluster_discovery', crm_id: 'a\tb\nc\\N\\d\r' };
  await ledger.register([odd, info(8)]);
  await ledger.write([{ op: 'send', ids: [7, 8] }, { op: 'dead', ids: [7], code: null, reason: '\\N' }, { op: 'dead', ids: [8], code: 555, reason: 'tab\there' }]);
  await ledger.compact();
  await ledger.close();
  const reopened = await DateLedger.open(dir, DATE, 'read');
  expectEqual(reopened.get(7), { ...odd, status: 'dead_letter', attempts: 1, code: null, reason: '\\N' });
  expectEqual(reopened.get(8)?.reason, 'tab\there');
});

test('a snapshot whose row count disagrees with its header is refused', async () => {
  const dir = tempDir();
  const ledger = await DateLedger.open(dir, DATE, 'write');
  await ledger.register([info(1), info(2)]);
  await ledger.close();
  const path = join(dir, 'ledger', DATE, 'snapshot.tsv');
  const lines = readFileSync(path, 'utf8').split('\n');
  writeFileSync(path, `${lines.slice(0, 2).join('\n')}\n`);
  await assert.rejects(DateLedger.open(dir, DATE, 'read'), /header promises 2 records, found 1/);
});

test('register keeps the outcome of known records and refreshes only pending ones', async () => {
  const dir = tempDir();
  const ledger = await DateLedger.open(dir, DATE, 'write');
  await ledger.register([info(1), info(2)]);
  await ledger.write([{ op: 'send', ids: [1] }, { op: 'accept', ids: [1] }]);
  await ledger.register([{ ...info(1), show_id: 999 }, { ...info(2), show_id: 998 }, info(3)]);
  expectEqual([ledger.get(1)?.show_id, ledger.get(2)?.show_id, ledger.get(3)?.status], [101, 998, 'pending']);
  await ledger.close();
});

test('temp files left by a crash mid-write are removed when the ledger is opened for writing', async () => {
  const dir = tempDir();
  const ledger = await DateLedger.open(dir, DATE, 'write');
  await ledger.register([info(1)]);
  await ledger.close();
  writeFileSync(join(dir, 'ledger', DATE, '.snapshot.tsv.123.456.tmp'), 'half a snapshot');
  await (await DateLedger.open(dir, DATE, 'read')).close();
  expectEqual(files(dir).length, 2, 'a reader leaves them');
  await (await DateLedger.open(dir, DATE, 'write')).close();
  expectEqual(files(dir), ['snapshot.tsv']);
});
