import { existsSync } from 'node:fs';
import { decoderThreads } from '../../io/input/duckdb-session.js';
import { purgeLedger, readAcceptedSends } from '../../io/ledger/index.js';
import { formatDay } from '../dates.js';
import { loadDataset } from '../load/load-dataset.js';
import type { LoadedDataset } from '../load/load-dataset.js';
import type { SendRecord } from '../load/load-sends.js';
import type { RunContext } from './run-context.js';

export interface RunInputs {
  loaded: LoadedDataset;
  /** The ledger's accepted sends of the lookback window (they join the dedup history and the run id). */
  ledgerSends: SendRecord[];
}

/**
 * Phase `load`: the ledger's recent accepted sends, the dataset into the model, then the ledger
 * rows of tombstoned accounts and profiles purged (counted under `ledger`).
 */
export async function loadRunInputs(run: RunContext): Promise<RunInputs> {
  const { config, day, stateDir } = run;
  // Only the dedup window and the 7-day frequency cap look back: read no older ledger dates.
  const lookback = formatDay(day - Math.max(config.dedup_window_days, 7));
  const ledgerSends: SendRecord[] = existsSync(stateDir) ? await readAcceptedSends(stateDir, { from: lookback, to: formatDay(day - 1) }) : [];
  const loaded = await loadDataset({
    dataDir: run.dataDir,
    day,
    config,
    ledgerSends,
    duckdbThreads: decoderThreads(),
    deltaVersions: run.deltaVersions,
    onStep: (detail, rows) => run.emit({ phase: 'load', state: 'progress', detail, ...(rows === undefined ? {} : { done: rows }) }),
  });
  if (existsSync(stateDir) && (loaded.tombstones.accountIds.length > 0 || loaded.tombstones.profileIds.length > 0)) {
    const purged = await purgeLedger(stateDir, { accountIds: new Set(loaded.tombstones.accountIds), profileIds: new Set(loaded.tombstones.profileIds) });
    loaded.counts['ledger'] = { purged_by_tombstones: purged };
  }
  return { loaded, ledgerSends };
}
