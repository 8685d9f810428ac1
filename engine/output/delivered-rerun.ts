import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ledgerRoot } from '../../io/ledger/date-ledger.js';
import { openForReading } from '../../io/ledger/read-accepted-sends.js';
import type { DeliverySummary } from '../delivery/delivery-types.js';
import { CampaignError, RunDirError } from '../errors.js';
import { runDirOf } from '../run-dir/run-layout.js';
import { readManifest } from '../run-dir/run-manifest.js';
import type { StoredManifest } from '../run-dir/run-manifest.js';

/**
 * A date CleverTap has (or may have) received records of keeps the run they came from: its
 * selection is what was sent and its holdout the control group measured against it. A re-run of
 * such a date is published only when it is that same run (same run id: same inputs, config,
 * ledger and engine, so byte-identical files), and then the published manifest's `delivery`
 * summary (if the delivery got to write one) is returned, to be carried over. Any other re-run is refused (CampaignError
 * `DELIVERED`) before anything is written. "Delivered" means any ledger record of the date that is
 * not `pending`: accepted, in flight, held or dead-lettered (a dead letter can follow timeouts of a
 * request CleverTap did process). A date whose records are all still pending may be re-run freely;
 * the next delivery sends the new run's records.
 *
 * The caller holds the date's run lock, which `deliver` takes too: the ledger of the date cannot
 * change meanwhile.
 */
export async function checkDeliveredRerun(stateDir: string, outDir: string, date: string, runId: string): Promise<DeliverySummary | undefined> {
  if (!existsSync(join(ledgerRoot(stateDir), date))) return undefined;
  const counts = (await openForReading(stateDir, date)).table.countByStatus();
  const delivered = counts.accepted + counts.in_flight + counts.held + counts.dead_letter;
  if (delivered === 0) return undefined;
  const published = publishedManifest(runDirOf(outDir, date));
  if (published?.run_id === runId) return published.delivery as DeliverySummary | undefined;
  const what = `${counts.accepted} accepted, ${counts.in_flight + counts.held} in flight or held, ${counts.dead_letter} dead-lettered`;
  const from = published === null ? `a run that is no longer published under ${outDir}` : `run ${String(published.run_id)}`;
  throw new CampaignError(
    'DELIVERED',
    `${date} was already delivered from ${from} (${what}; ledger ${join(ledgerRoot(stateDir), date)}); this run (${runId}) differs and would replace what CleverTap received and its holdout, so nothing was published — resume the delivery with 'campaign deliver', or run into another --out and --state`,
  );
}

function publishedManifest(runDir: string): StoredManifest | null {
  try {
    return readManifest(runDir);
  } catch (err) {
    if (err instanceof RunDirError) return null;
    throw err;
  }
}
