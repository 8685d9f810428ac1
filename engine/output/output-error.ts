import { CampaignError } from '../errors.js';

/**
 * The filesystem refused an output (disk full, quota, read-only or failing device, permissions):
 * a one-line CampaignError `OUTPUT` naming the file and the system's reason, e.g.
 * `cannot write /srv/out/.runs/2026-11-22-x/selection.parquet: ENOSPC (no space left on device)`.
 * A write error carries no path of its own, and one thrown on a worker thread arrives without its
 * code (only the message survives the thread boundary), hence the message is read too.
 */
export function outputError(path: string, err: unknown): unknown {
  if (err instanceof CampaignError || !(err instanceof Error)) return err;
  const code = (err as NodeJS.ErrnoException).code;
  const fromMessage = /^(E[A-Z0-9]+): ([^,]+)/.exec(err.message);
  if (typeof code === 'string' && /^E[A-Z0-9]+$/.test(code)) return new CampaignError('OUTPUT', `cannot write ${path}: ${code} (${fromMessage?.[2] ?? err.message})`);
  if (fromMessage !== null) return new CampaignError('OUTPUT', `cannot write ${path}: ${fromMessage[1]} (${fromMessage[2]})`);
  return err;
}

/** `write`, with a filesystem failure turned into outputError(path). */
export async function writingTo<T>(path: string, write: Promise<T> | (() => Promise<T> | T)): Promise<T> {
  try {
    return await (typeof write === 'function' ? write() : write);
  } catch (err) {
    throw outputError(path, err);
  }
}
