import { resolve } from 'node:path';
import { stateLockPath } from '../../io/ledger/state-lock.js';
import { describeHolding, inspectLock, removeLockHolding } from '../../io/lock/lock-file.js';
import type { LockHolding } from '../../io/lock/lock-file.js';
import { parseDay } from '../dates.js';
import { CampaignError, LockError } from '../errors.js';
import { runLockPath } from './run-lock.js';

export interface UnlockOptions {
  /** With `date`: the output date's lock `<outDir>/.<date>.lock`. */
  outDir?: string;
  date?: string;
  /** The ledger's lock `<stateDir>/deliver.lock`. */
  stateDir?: string;
  /** Remove a lock whose holder may still be running (fresh lease, or a live process here). */
  force?: boolean;
}

/** One lock `unlock` looked at: its holder as found, and whether it was removed. */
export interface UnlockResult {
  path: string;
  /** Null when there was no lock file. */
  holding: LockHolding | null;
  /** The holder and its state, in words (null without a lock). */
  holder: string | null;
  removed: boolean;
}

/**
 * `campaign unlock`: removes the lock of an output date and/or of a ledger after a holder died
 * where its PID cannot be checked (another pod) and its lease has not lapsed yet, or for good.
 * A stale lock is removed; one whose holder may be running (a live process on this machine, or a
 * lease refreshed within its term) is refused with a LockError naming it unless `force`. The
 * removal uses the takeover protocol, so it removes exactly the holding it showed.
 */
export async function unlock(options: UnlockOptions): Promise<UnlockResult[]> {
  const paths: string[] = [];
  if ((options.outDir === undefined) !== (options.date === undefined)) throw new CampaignError('BAD_OPTION', 'give --out and --date together (the lock of one output date)');
  if (options.outDir !== undefined && options.date !== undefined) {
    parseDay(options.date, 'date');
    paths.push(runLockPath(resolve(options.outDir), options.date));
  }
  if (options.stateDir !== undefined) paths.push(stateLockPath(resolve(options.stateDir)));
  if (paths.length === 0) throw new CampaignError('BAD_OPTION', 'name a lock: --out DIR --date D (an output date) or --state DIR (a ledger)');
  const results: UnlockResult[] = [];
  for (const path of paths) {
    const holding = await inspectLock(path);
    if (holding === null) {
      results.push({ path, holding: null, holder: null, removed: false });
      continue;
    }
    const holder = describeHolding(holding);
    if (holding.state !== 'stale' && options.force !== true) {
      throw new LockError(`${path} is held by ${holder}; not removed: its holder may still be running — wait${holding.state === 'fresh' ? ' for its lease to lapse' : ''}, or add --force if you know it is gone`);
    }
    if (!(await removeLockHolding(path, holding.identity))) throw new LockError(`${path} changed hands while it was being removed (it was ${holder}); look again`);
    results.push({ path, holding, holder, removed: true });
  }
  return results;
}
