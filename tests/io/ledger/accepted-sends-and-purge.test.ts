import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'vitest';
import { LockError } from '../../../engine/errors.js';
import { DateLedger } from '../../../io/ledger/date-ledger.js';
import { purgeLedger, readAcceptedSendColumns, readAcceptedSends } from '../../../io/ledger/index.js';
import { acquireStateLock } from '../../../io/ledger/state-lock.js';
import { expectEqual } from '../../support/expect-equal.js';
import { tempDir } from '../../support/temp-dir.js';

async function seed(dir: string): Promise<void> {
  for (const [date, base] of [['2026-11-21', 0], ['2026-11-22', 100]] as const) {
    const ledger = await DateLedger.open(dir, date, 'write');
    const ids = [base + 1, base + 2, base + 3, base + 4];
    await ledger.register(ids.map((a) => ({ account_id: a, profile_id: a * 10, show_id: 500 + a, scenario: 'trending', crm_id: `crm-${a}` })));
    await ledger.write([{ op: 'send', ids }, { op: 'accept', ids: [base + 1, base + 2] }, { op: 'dead', ids: [base + 3], code: 512, reason: 'x' }]);
    await ledger.close(); // account base+4 stays in flight, and the journal is not compacted
  }
}

test('readAcceptedSends returns only accepted records, over every date, journals included', async () => {
  const dir = tempDir();
  await seed(dir);
  expectEqual(await readAcceptedSends(dir), [
    { send_date: '2026-11-21', account_id: 1, profile_id: 10, show_id: 501, scenario: 'trending' },
    { send_date: '2026-11-21', account_id: 2, profile_id: 20, show_id: 502, scenario: 'trending' },
    { send_date: '2026-11-22', account_id: 101, profile_id: 1010, show_id: 601, scenario: 'trending' },
    { send_date: '2026-11-22', account_id: 102, profile_id: 1020, show_id: 602, scenario: 'trending' },
  ]);
  expectEqual(await readAcceptedSends(join(dir, 'absent')), []);
});

test('purgeLedger removes tombstoned accounts and profiles on every date, from the files too', async () => {
  const dir = tempDir();
  await seed(dir);
  const removed = await purgeLedger(dir, { accountIds: new Set([1, 103]), profileIds: new Set([1020]) });
  assert.equal(removed, 3);
  expectEqual((await readAcceptedSends(dir)).map((s) => s.account_id), [2, 101]);
  for (const date of ['2026-11-21', '2026-11-22']) {
    const files = readdirSync(join(dir, 'ledger', date));
    expectEqual(files, ['snapshot.tsv'], `${date} compacted`);
    const text = readFileSync(join(dir, 'ledger', date, 'snapshot.tsv'), 'utf8');
    for (const gone of ['crm-1\t', 'crm-103', 'crm-102']) assert.equal(text.includes(gone), false, `${gone} purged from ${date}`);
  }
  assert.equal(await purgeLedger(dir, { accountIds: new Set([999]), profileIds: new Set() }), 0);
});

test('purgeLedger refuses to run while a delivery holds the state directory', async () => {
  const dir = tempDir();
  await seed(dir);
  const lock = await acquireStateLock(dir, 'deliver 2026-11-22');
  await assert.rejects(purgeLedger(dir, { accountIds: new Set([1]), profileIds: new Set() }), LockError);
  await lock.release();
});

test('compacted dates are scanned directly; a date range limits what is read; columns match objects', async () => {
  const dir = tempDir();
  await seed(dir);
  const ledger = await DateLedger.open(dir, '2026-11-22', 'write');
  await ledger.compact();
  await ledger.close();
  expectEqual(readdirSync(join(dir, 'ledger', '2026-11-22')), ['snapshot.tsv']);
  const columns = await readAcceptedSendColumns(dir, { from: '2026-11-22' });
  expectEqual([columns.count, [...columns.accountId], [...columns.sendDay], columns.scenario], [2, [101, 102], [20779, 20779], ['trending', 'trending']]);
  expectEqual((await readAcceptedSends(dir, { to: '2026-11-21' })).map((s) => s.account_id), [1, 2]);
  expectEqual((await readAcceptedSends(dir, { from: '2026-11-22' }))[1], { send_date: '2026-11-22', account_id: 102, profile_id: 1020, show_id: 602, scenario: 'trending' });
});
