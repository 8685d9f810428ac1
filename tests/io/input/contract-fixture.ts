/**
 * Shared by the input-contract, CLI and output tests: one small baseline dataset (written with the
 * shared `writeDataset`), DuckDB SQL to derive variants of it table by table, a quiet engine run,
 * the "nothing was written" check and a CLI runner.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll } from 'vitest';
import { DuckDBInstance } from '@duckdb/node-api';
import type { DuckDBConnection } from '@duckdb/node-api';
import { runCampaign } from '../../../engine/run-campaign.js';
import type { RunCampaignOptions, RunCampaignResult } from '../../../engine/run-campaign.js';
import { D, ago, day, writeDataset } from '../../reference/fixtures.js';
import type { Dataset, Play } from '../../reference/fixtures.js';

export { D };

export const TABLES = ['catalog', 'accounts', 'profiles', 'plays', 'regions'] as const;

/** Four kids profiles (ineligible, still viewers) of the AVOD account 20 in cluster 1 who watch shows 1, 2, 3, 4 and 7 this week. */
const viewerIds = [901, 902, 903, 904];

/**
 * Small but exercises every scenario: pools (trending/cluster/avod need 3 viewers), a re-engagement
 * candidate with a new episode, an AVOD-plan account, an expired show, and plays on every boundary
 * the readers must get right (D 00:00 is future, D−1 23:59:59.999 counts, D−90 00:00 is the first
 * instant of the history window, D−91 23:59:59.999 is outside it), plus short / unknown plays.
 */
export const BASE: Dataset = {
  catalog: [
    { content_id: 11, show_id: 1, category: 'drama' },
    { content_id: 12, show_id: 1, category: 'drama' },
    { content_id: 21, show_id: 2, category: 'comedy' },
    { content_id: 22, show_id: 2, category: 'comedy' },
    { content_id: 31, show_id: 3, category: 'drama' },
    { content_id: 41, show_id: 4, category: 'kids', avod: true },
    { content_id: 51, show_id: 5, category: 'drama' },
    { content_id: 52, show_id: 5, category: 'drama', release_date: day(3) },
    { content_id: 61, show_id: 6, category: 'comedy', expiry_date: day(10) },
    { content_id: 71, show_id: 7, category: 'documentary', avod: true },
    { content_id: 72, show_id: 7, category: 'documentary', avod: true, release_date: day(2) },
  ],
  accounts: [
    { account_id: 10, country: 'US' },
    { account_id: 20, plan: 'avod', country: 'US' },
    { account_id: 30, country: 'FR' },
    { account_id: 40, crm_id: null },
    { account_id: 50, push_opt_in: false },
  ],
  profiles: [
    { profile_id: 101, account_id: 10, cluster_id: 1 },
    { profile_id: 102, account_id: 10, cluster_id: 1, status: 'inactive' },
    { profile_id: 201, account_id: 20, cluster_id: 1 },
    { profile_id: 202, account_id: 20, cluster_id: 2 },
    { profile_id: 301, account_id: 30, cluster_id: 2, country: 'DE' },
    { profile_id: 302, account_id: 30, cluster_id: 1, country: 'US' },
    { profile_id: 401, account_id: 40 },
    { profile_id: 501, account_id: 50 },
    { profile_id: 601, account_id: 60 },
    ...viewerIds.map((profile_id) => ({ profile_id, account_id: 20, is_kids: true, cluster_id: 1 })),
  ],
  plays: [
    ...viewerIds.flatMap((profile_id, i) => [11, 21, 31, 41, 71].map((content_id): Play => ({ profile_id, content_id, ts: ago(1 + (i % 3), `0${i}:30:00`) }))),
    { profile_id: 901, content_id: 51, ts: ago(3) },
    { profile_id: 902, content_id: 51, ts: ago(4) },
    { profile_id: 903, content_id: 51, ts: ago(5) },
    { profile_id: 101, content_id: 11, ts: ago(2), watch_seconds: 1200 },
    { profile_id: 101, content_id: 51, ts: ago(20), watch_seconds: 700 },
    { profile_id: 101, content_id: 31, ts: ago(0, '00:00:00'), watch_seconds: 900 }, // D 00:00: future
    { profile_id: 101, content_id: 21, ts: ago(1, '23:59:59.999'), watch_seconds: 300 }, // last instant before D
    { profile_id: 201, content_id: 41, ts: ago(40), watch_seconds: 2000 },
    { profile_id: 202, content_id: 71, ts: ago(90, '00:00:00'), watch_seconds: 100 }, // first instant of the history window
    { profile_id: 202, content_id: 11, ts: ago(91, '23:59:59.999'), watch_seconds: 5000 }, // outside it
    { profile_id: 301, content_id: 21, ts: ago(60) },
    { profile_id: 302, content_id: 12, ts: ago(9), watch_seconds: 59 }, // short
    { profile_id: 302, content_id: 999, ts: ago(9) }, // unknown content
    { profile_id: 9999, content_id: 11, ts: ago(9) }, // unknown profile
    { profile_id: 401, content_id: 11, ts: ago(8) },
    { profile_id: 501, content_id: 21, ts: ago(12) },
  ],
  regions: [
    ['US', 'na'],
    ['FR', 'eu'],
    ['DE', 'eu'],
  ],
};

export async function writeBase(dir: string, dataset: Dataset = BASE, options: Parameters<typeof writeDataset>[2] = {}): Promise<string> {
  await writeDataset(dir, dataset, options);
  return dir;
}

let shared: Promise<{ instance: DuckDBInstance; conn: DuckDBConnection }> | null = null;

// Registered when the test file imports this module (top level), so it runs after the whole file,
// not after whichever test happened to open the connection first.
afterAll(async () => {
  if (shared === null) return;
  const { instance, conn } = await shared;
  conn.closeSync();
  instance.closeSync();
});

/** One DuckDB connection per test file (closed after it) for writing variants and reading files back. */
export async function duck(): Promise<DuckDBConnection> {
  shared ??= DuckDBInstance.create(':memory:', { threads: '1' }).then(async (instance) => {
    const conn = await instance.connect();
    await conn.run(`SET TimeZone = 'UTC'`);
    return { instance, conn };
  });
  return (await shared).conn;
}

export function lit(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}

/** Runs SQL and returns the rows as JS values (BIGINT as bigint). */
export async function sql(text: string): Promise<unknown[][]> {
  const reader = await (await duck()).runAndReadAll(text);
  return reader.getRowsJS();
}

/** `COPY (query) TO file (FORMAT parquet, options)`, creating the parent directory. */
export async function copyParquet(query: string, to: string, options = ''): Promise<void> {
  mkdirSync(dirname(to), { recursive: true });
  await (await duck()).run(`COPY (${query}) TO ${lit(to)} (FORMAT parquet${options === '' ? '' : `, ${options}`})`);
}

/** A table rewrite for {@link variant}: a SELECT over `{src}` (the base table) and COPY options. */
export interface TableRewrite {
  select?: string;
  options?: string;
}

/**
 * Copies the dataset `from` to `to`, rewriting the named tables through DuckDB. A rewrite may be a
 * function that writes the table itself (into `to`) given the base file; null deletes the table.
 */
export async function variant(from: string, to: string, rewrites: Partial<Record<string, TableRewrite | ((baseFile: string, to: string) => Promise<void>) | null>> = {}): Promise<string> {
  rmSync(to, { recursive: true, force: true });
  mkdirSync(to, { recursive: true });
  for (const entry of readdirSync(from)) {
    const table = entry.replace(/\.parquet$/, '');
    const baseFile = join(from, entry);
    const rewrite = rewrites[table];
    if (rewrite === null) continue;
    if (rewrite === undefined) {
      cpSync(baseFile, join(to, entry), { recursive: true });
      continue;
    }
    if (typeof rewrite === 'function') await rewrite(baseFile, to);
    else await copyParquet((rewrite.select ?? 'SELECT * FROM {src}').replaceAll('{src}', `read_parquet(${lit(baseFile)})`), join(to, entry), rewrite.options ?? '');
  }
  return to;
}

/** A run on the calling thread without progress output. */
export function run(dataDir: string, outDir: string, extra: Partial<RunCampaignOptions> = {}): Promise<RunCampaignResult> {
  return runCampaign({ dataDir, date: D, outDir, workers: 0, ...extra });
}

/** The published files of a run whose bytes must not depend on how the inputs were encoded. */
export const STABLE_OUTPUTS = ['scenarios/cluster_discovery.parquet', 'scenarios/re_engagement.parquet', 'scenarios/trending.parquet', 'scenarios/avod.parquet', 'selection.parquet'];

export function readOutputs(runDir: string, files: readonly string[] = STABLE_OUTPUTS): Record<string, string> {
  return Object.fromEntries(files.map((f) => [f, readFileSync(join(runDir, f)).toString('base64')]));
}

/** Nothing of a failed run is left: no `<out>/<date>/`, no staging directory, no lock. */
export function assertNothingWritten(outDir: string, date = D): void {
  assert.equal(existsSync(join(outDir, date)), false, `${join(outDir, date)} must not exist`);
  const left = existsSync(outDir) ? readdirSync(outDir).filter((f) => f.startsWith('.staging-') || f.endsWith('.lock') || f.includes('.publish-')) : [];
  const runs = join(outDir, '.runs');
  if (existsSync(runs)) left.push(...readdirSync(runs).filter((f) => f.startsWith(`${date}-`)));
  assert.deepEqual(left, [], `leftovers in ${outDir}`);
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export const CLI = fileURLToPath(new URL('../../../cli/main.js', import.meta.url));

/** Runs `node dist/cli/main.js ...args` and collects its output; `env` adds to the current environment. */
export function cli(args: string[], options: { env?: Record<string, string> } = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** `fn` over `items`, at most `limit` at a time (CLI processes on a 2-core box), results in order. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
