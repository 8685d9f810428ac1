/**
 * Issue 17 item 8: a run that fails on this thread while the workers still decode (a duplicate
 * `account_id` is found after the plays ingest started) must end with the one-line input error at
 * every worker count, in `run` and `preview`, and leave no lock: closing the pool under a worker
 * inside a DuckDB call aborted the process natively (exit 134, "terminate called after throwing an
 * instance of 'Napi::Error'").
 */
import { join } from 'node:path';
import { beforeAll, describe, it } from 'vitest';
import { generateDataset } from '../../../bench/workloads/generate/generate-dataset.js';
import { D, assertNothingWritten, cli, copyParquet, lit, sql, variant } from '../../io/input/contract-fixture.js';
import { expectEqual } from '../../support/expect-equal.js';
import { tempDir } from '../../support/temp-dir.js';

const root = tempDir('close-in-flight-');
const base = join(root, 'base');

/** The base dataset with the first row of `table` written twice. */
async function withDuplicate(table: 'accounts' | 'profiles'): Promise<string> {
  return variant(base, join(root, `dup-${table}`), {
    [table]: async (file, to) => copyParquet(`SELECT * FROM read_parquet(${lit(file)}) UNION ALL (SELECT * FROM read_parquet(${lit(file)}) ORDER BY 1 LIMIT 1)`, join(to, `${table}.parquet`)),
  });
}

/** The id written twice: the smallest of the table's id column. */
async function smallestId(table: 'accounts' | 'profiles'): Promise<string> {
  const [[id]] = (await sql(`SELECT min(${table === 'accounts' ? 'account_id' : 'profile_id'}) FROM read_parquet(${lit(join(base, `${table}.parquet`))})`)) as [[bigint]];
  return String(id);
}

// Plays large enough (~1.8M rows) that their decode is still running when the accounts are checked.
beforeAll(async () => {
  await generateDataset({ profiles: 60000, seed: 17, date: D, outDir: base });
}, 120_000);

describe('a duplicate id found while the workers decode', () => {
  for (const workers of ['0', '1', '2']) {
    it(`run --workers ${workers}: the one-line input error, exit 3, no lock`, async () => {
      const data = await withDuplicate('accounts');
      const out = join(root, `out-run-${workers}`);
      const r = await cli(['run', '--data', data, '--date', D, '--out', out, '--workers', workers, '--quiet']);
      expectEqual(r, { code: 3, stdout: '', stderr: `campaign: accounts.parquet: account_id ${await smallestId('accounts')} appears more than once\n` });
      assertNothingWritten(out);
    }, 60_000);
  }

  it('run --workers 2 with a duplicate profile_id', async () => {
    const data = await withDuplicate('profiles');
    const out = join(root, 'out-profiles');
    const r = await cli(['run', '--data', data, '--date', D, '--out', out, '--workers', '2', '--quiet']);
    expectEqual(r, { code: 3, stdout: '', stderr: `campaign: profiles.parquet: profile_id ${await smallestId('profiles')} appears more than once\n` });
    assertNothingWritten(out);
  }, 60_000);

  for (const workers of ['1', '2']) {
    it(`preview --workers ${workers}: the same error`, async () => {
      const data = await withDuplicate('accounts');
      const r = await cli(['preview', '--data', data, '--date', D, '--workers', workers, '--quiet']);
      expectEqual(r, { code: 3, stdout: '', stderr: `campaign: accounts.parquet: account_id ${await smallestId('accounts')} appears more than once\n` });
    }, 60_000);
  }
});
