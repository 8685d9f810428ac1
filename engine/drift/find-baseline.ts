import { join } from 'node:path';
import { isPlainObject } from '../config/validate-config.js';
import { RunDirError } from '../errors.js';
import { MANIFEST_FILE, runDatesBefore, runDirOf } from '../run-dir/run-layout.js';
import { readManifest } from '../run-dir/run-manifest.js';
import type { StoredManifest } from '../run-dir/run-manifest.js';
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
  for (const candidate of await runDatesBefore(outDir, date)) {
    let manifest: StoredManifest;
    try {
      manifest = readManifest(runDirOf(outDir, candidate));
    } catch (err) {
      if (!(err instanceof RunDirError)) throw err;
      ignored.push(`ignored ${err.path} as a baseline: ${err.reason}`);
      continue;
    }
    const counts = driftCounts(manifest.counts);
    if (typeof counts === 'string') {
      ignored.push(`ignored ${join(runDirOf(outDir, candidate), MANIFEST_FILE)} as a baseline: ${counts}`);
      continue;
    }
    const drift = manifest.drift;
    if (isPlainObject(drift) && drift['status'] === 'failed' && manifest.delivery === undefined) {
      ignored.push(`passed over the run of ${candidate} as a baseline: it failed the drift guard and was never delivered`);
      continue;
    }
    const config = manifest.effective_config;
    const selection = isPlainObject(config) && isPlainObject(config['selection']) ? config['selection'] : {};
    return {
      baseline: {
        date: candidate,
        runId: typeof manifest.run_id === 'string' ? manifest.run_id : null,
        counts,
        selectionMode: typeof selection['mode'] === 'string' ? selection['mode'] : null,
      },
      ignored,
    };
  }
  return { baseline: null, ignored };
}
