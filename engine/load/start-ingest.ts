import { availableParallelism } from 'node:os';
import { firstLine } from '../../io/input/read-table.js';
import { InputError } from '../errors.js';
import { sharedInt32 } from '../model/shared-arrays.js';
import type { ShardRunner } from '../pool/shard-runner.js';
import type { CachedPiecesReport } from './cached-plays.js';
import type { HistorySliceReport } from './ingest-history.js';
import type { PlaysRangeReport } from './ingest-plays.js';
import type { IngestQueueReply } from './ingest-queue.js';
import { table } from './load-context.js';
import type { LoadContext } from './load-context.js';
import type { LoadedCatalog } from './load-catalog.js';
import type { LoadedPeople, ProfileKeys } from './load-people.js';
import { planPlays } from './load-plays.js';
import type { LoadedPlays } from './load-plays.js';
import { sortedRemoved } from './load-sends.js';
import type { HistoryIngest, LoadedSends } from './load-sends.js';

/** The plays and the send history being decoded on the workers; `finish` waits for them and groups both by profile. */
export interface IngestJob {
  finish(people: LoadedPeople): Promise<{ plays: LoadedPlays; sends: LoadedSends }>;
  /**
   * Stops the workers at their next item and waits for the items they are decoding: the run is
   * failing, and a worker torn down inside a DuckDB call would take the process with it.
   */
  abandon(): Promise<void>;
}

/**
 * Starts the big reads once the profile keys exist: every worker draws the plays' ranges and
 * the history's slices from one queue (ingest-queue.ts), while this thread goes on loading the
 * accounts. Returns at once.
 */
export async function startIngest(ctx: LoadContext, keys: ProfileKeys, catalog: LoadedCatalog, history: HistoryIngest, runner: ShardRunner): Promise<IngestJob> {
  const readers = Math.max(1, runner.threads);
  const removed = sortedRemoved(keys.removedProfileIds);
  const plays = await planPlays(ctx, keys, catalog, removed, readers);
  const historyKeys = history.keys(keys, catalog, removed);
  const slices = history.tasks(historyKeys, Math.max(1, Math.floor(availableParallelism() / readers)));
  const next = sharedInt32(1);
  // The queue starts once the plays' plan is made (with the plays cache, once their hashes are known).
  const drains = plays.tasks.then(({ ranges, cached }) => {
    const queue = { kind: 'ingest' as const, next, plays: ranges, cached, history: slices };
    return Promise.all(Array.from({ length: readers }, () => runner.run(queue)));
  });
  // Keep a failed drain from being reported as unhandled before finish() awaits it.
  drains.catch(() => undefined);

  return {
    async abandon() {
      // Past every item: the workers stop at their next one, or take none.
      Atomics.store(next, 0, 2 ** 30);
      await drains.catch(() => undefined);
    },
    async finish(people: LoadedPeople) {
      const historyReports = new Array<HistorySliceReport>(slices.length);
      const replies: IngestQueueReply[] = await drains;
      const { ranges, cached } = await plays.tasks;
      const playsReports = new Array<PlaysRangeReport>(ranges.length);
      const cachedReports = new Array<CachedPiecesReport>(cached.length);
      for (const reply of replies) {
        const failure = reply.failure;
        if (failure !== null) {
          if (failure.kind === 'history') throw history.sliceError(failure.at, new Error(failure.message));
          throw new InputError(table(ctx, 'plays').source.label, `cannot read: ${firstLine(failure.message)}`);
        }
        for (const { at, report } of reply.plays) playsReports[at] = report;
        for (const { at, report } of reply.cached) cachedReports[at] = report;
        for (const { at, report } of reply.history) historyReports[at] = report;
      }
      const sends = await history.finish(historyReports, historyKeys, people, runner);
      return { plays: await plays.finish(playsReports, cachedReports, runner), sends };
    },
  };
}
