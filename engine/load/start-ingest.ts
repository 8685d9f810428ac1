import { availableParallelism } from 'node:os';
import { firstLine } from '../../io/input/read-table.js';
import { InputError } from '../errors.js';
import { sharedInt32 } from '../model/shared-arrays.js';
import type { ShardRunner } from '../pool/shard-runner.js';
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
}

/**
 * Starts the big reads once the profile keys exist: every worker draws the plays' ranges and
 * the history's slices from one queue (ingest-queue.ts), while this thread goes on loading the
 * accounts. Returns at once; a slice this thread's session must read (a Delta `sends` table)
 * is read in `finish`, beside the workers.
 */
export async function startIngest(ctx: LoadContext, keys: ProfileKeys, catalog: LoadedCatalog, history: HistoryIngest, runner: ShardRunner, progress?: BigInt64Array): Promise<IngestJob> {
  const readers = Math.max(1, runner.threads);
  const removed = sortedRemoved(keys.removedProfileIds);
  const plays = await planPlays(ctx, keys, catalog, removed, readers, progress);
  const historyKeys = history.keys(keys, catalog, removed);
  const slices = history.tasks(historyKeys, Math.max(1, Math.floor(availableParallelism() / readers)));
  const onWorkers = slices.map((_, i) => i).filter((i) => !history.isInline(i));
  const queue = { kind: 'ingest' as const, next: sharedInt32(1), plays: plays.ranges, history: onWorkers.map((i) => slices[i]!), ...(progress === undefined ? {} : { progress }) };
  const drains = Promise.all(Array.from({ length: readers }, () => runner.run(queue)));
  // Keep a failed drain from being reported as unhandled before finish() awaits it.
  drains.catch(() => undefined);

  return {
    async finish(people: LoadedPeople) {
      const historyReports = new Array<HistorySliceReport>(slices.length);
      for (const [i, task] of slices.entries()) if (history.isInline(i)) historyReports[i] = await history.runInline(task, i);
      const replies: IngestQueueReply[] = await drains;
      const playsReports = new Array<PlaysRangeReport>(plays.ranges.length);
      for (const reply of replies) {
        const failure = reply.failure;
        if (failure !== null) {
          if (failure.kind === 'plays') throw new InputError(table(ctx, 'plays').source.label, `cannot read: ${firstLine(failure.message)}`);
          throw history.sliceError(onWorkers[failure.at]!, new Error(failure.message));
        }
        for (const { at, report } of reply.plays) playsReports[at] = report;
        for (const { at, report } of reply.history) historyReports[onWorkers[at]!] = report;
      }
      const sends = await history.finish(historyReports, historyKeys, people, runner);
      return { plays: await plays.finish(playsReports, runner), sends };
    },
  };
}
