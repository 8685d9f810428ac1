import { isPlainObject } from '../config/validate-config.js';
import { RunDirError } from '../errors.js';
import { runDatesBefore, runDirOf } from './run-layout.js';
import { readManifest } from './run-manifest.js';

/**
 * The phase timings of the run most like the one starting: the date's own published run (a
 * re-run), else the latest earlier one under `outDir` — what a progress display's ETA is based on.
 * Null when there is none with readable timings.
 */
export async function previousTimings(outDir: string, date: string): Promise<Record<string, number> | null> {
  for (const candidate of [date, ...(await runDatesBefore(outDir, date))]) {
    let manifest;
    try {
      manifest = readManifest(runDirOf(outDir, candidate));
    } catch (err) {
      if (err instanceof RunDirError) continue;
      throw err;
    }
    const timings = manifest.timings_ms;
    if (isPlainObject(timings) && Object.values(timings).every((v) => typeof v === 'number')) return timings as Record<string, number>;
  }
  return null;
}
