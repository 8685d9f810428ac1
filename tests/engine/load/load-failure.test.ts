import { renameSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { DuckDBSession } from '../../../io/input/duckdb-session.js';
import { generateDataset } from '../../../bench/workloads/generate/generate-dataset.js';
import { PRODUCT_CLI, runCli } from '../../support/run-cli.js';
import { tempDir } from '../../support/temp-dir.js';

/**
 * The accounts are read while the workers decode the plays: an error there waits for the
 * workers' current slices before the run stops, so the process ends with the one-line message
 * (a worker torn down inside DuckDB would abort the process instead).
 */
test('a bad accounts table found while the workers decode the plays stops the run with its message', async () => {
  const dir = tempDir('load-failure-');
  const data = join(dir, 'data');
  await generateDataset({ profiles: 40_000, seed: 3, date: '2026-11-22', outDir: data, playsFiles: 4 });
  const accounts = join(data, 'accounts.parquet');
  await DuckDBSession.scoped(1, async (db) => {
    const [[id]] = (await db.rows(`SELECT CAST(min(account_id) AS VARCHAR) FROM '${accounts}'`)) as [[string]];
    await db.run(`COPY (SELECT * FROM '${accounts}' UNION ALL SELECT * FROM '${accounts}' WHERE account_id = ${id}) TO '${accounts}.dup' (FORMAT parquet)`);
    renameSync(`${accounts}.dup`, accounts);
    const r = runCli(PRODUCT_CLI, 'run', '--data', data, '--date', '2026-11-22', '--out', join(dir, 'out'), '--workers', '2', '--quiet');
    expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 3, stderr: `campaign: accounts.parquet: account_id ${id} appears more than once\n` });
  });
}, 120_000);
