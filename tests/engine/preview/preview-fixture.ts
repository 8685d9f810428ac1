import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateDataset } from '../../../bench/workloads/generate/generate-dataset.js';
import type { SelectionRow } from '../../reference/reference-campaign.js';
import { query } from '../../io/parquet/duckdb-query.js';
import { readRunOutputs } from '../../support/read-run-outputs.js';
import { tempDir } from '../../support/temp-dir.js';

export const DATE = '2026-11-22';

const datasets = new Map<string, Promise<string>>();
// Made at import, so the directory lives as long as the test file, not just the first test that generates into it.
const root = tempDir('preview-data-');

/** A generated dataset (with sends and tombstones), made once per test file and size. */
export function generatedData(profiles = 3000, seed = 31): Promise<string> {
  const key = `${profiles}:${seed}`;
  let data = datasets.get(key);
  if (data === undefined) {
    const dir = join(root, `p${profiles}-s${seed}`);
    data = generateDataset({ profiles, seed, date: DATE, outDir: dir }).then(() => dir);
    datasets.set(key, data);
  }
  return data;
}

/** A run directory's selection rows, by account. */
export async function selectionOf(runDir: string): Promise<Map<number, SelectionRow>> {
  return new Map((await readRunOutputs(runDir)).selection.map((r) => [r.account_id, r]));
}

/** The bytes of each output file of a run directory (not the manifest, whose timings differ). */
export function outputBytes(runDir: string): Record<string, Buffer> {
  const files = ['selection.parquet', 'payloads.ndjson', ...['cluster_discovery', 're_engagement', 'trending', 'avod'].map((s) => join('scenarios', `${s}.parquet`))];
  return Object.fromEntries(files.map((f) => [f, readFileSync(join(runDir, f))]));
}

/** show_id → category, from the catalog (the first episode of the show, SPEC §2). */
export async function showCategories(data: string): Promise<Map<number, string>> {
  const rows = await query(`SELECT CAST(show_id AS DOUBLE), arg_min(category, content_id) FROM read_parquet('${join(data, 'catalog.parquet')}') GROUP BY show_id`);
  return new Map(rows as [number, string][]);
}

/** FNV-1a 32-bit over the UTF-8 bytes, written here from the SPEC (§7) rather than taken from the engine. */
export function fnv1a(text: string): number {
  let h = 2166136261;
  for (const byte of Buffer.from(text, 'utf8')) h = Math.imul(h ^ byte, 16777619) >>> 0;
  return h;
}
