import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isPlainObject } from '../config/validate-config.js';
import { tryParseDay } from '../dates.js';
import { driftCounts } from './drift-counts.js';
import type { DriftCounts } from './drift-types.js';

export interface BaselineRun {
  date: string;
  runId: string | null;
  counts: DriftCounts;
  /** `selection.mode` of the baseline's effective config, when it recorded one. */
  selectionMode: string | null;
}

export interface BaselineSearch {
  baseline: BaselineRun | null;
  /** Earlier runs passed over, and why. */
  ignored: string[];
}

/**
 * The latest run published under `outDir` for a date before `date`: the greatest `<outDir>/<YYYY-MM-DD>/`
 * with a usable manifest. Other entries (staging directories, locks, the ledger) are not runs. A
 * run that failed the drift guard and was never delivered is passed over: it is the anomaly, and
 * comparing against it would flag the return to normal as drift too.
 */
export async function findBaseline(outDir: string, date: string): Promise<BaselineSearch> {
  const ignored: string[] = [];
  let entries;
  try {
    entries = await readdir(outDir, { withFileTypes: true });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { baseline: null, ignored };
    throw err;
  }
  const earlier = entries
    .filter((e) => (e.isDirectory() || e.isSymbolicLink()) && tryParseDay(e.name) !== null && e.name < date)
    .map((e) => e.name)
    .sort()
    .reverse();
  for (const candidate of earlier) {
    const path = join(outDir, candidate, 'manifest.json');
    let manifest: unknown;
    try {
      manifest = JSON.parse(await readFile(path, 'utf8'));
    } catch (err) {
      ignored.push(`ignored ${path} as a baseline: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
      continue;
    }
    if (!isPlainObject(manifest)) {
      ignored.push(`ignored ${path} as a baseline: not a JSON object`);
      continue;
    }
    const counts = driftCounts(manifest['counts']);
    if (typeof counts === 'string') {
      ignored.push(`ignored ${path} as a baseline: ${counts}`);
      continue;
    }
    const drift = manifest['drift'];
    if (isPlainObject(drift) && drift['status'] === 'failed' && manifest['delivery'] === undefined) {
      ignored.push(`passed over the run of ${candidate} as a baseline: it failed the drift guard and was never delivered`);
      continue;
    }
    const config = manifest['effective_config'];
    const selection = isPlainObject(config) && isPlainObject(config['selection']) ? config['selection'] : {};
    return {
      baseline: {
        date: candidate,
        runId: typeof manifest['run_id'] === 'string' ? manifest['run_id'] : null,
        counts,
        selectionMode: typeof selection['mode'] === 'string' ? selection['mode'] : null,
      },
      ignored,
    };
  }
  return { baseline: null, ignored };
}
