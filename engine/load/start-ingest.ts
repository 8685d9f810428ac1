import { availableParallelism } from 'node:os';
import { firstLine } from '../../io/input/read-table.js';
import { InputError } from '../errors.js';
import { sharedInt32 } from '../model/shared-arrays.js';
import type { ShardRunner } from '../pool/shard-runner.js';
import type { CachedPiecesReport } from './cached-plays.js';
import type { HistoryKeys, HistorySliceReport, HistorySliceTask } from './ingest-history.js';
import type { LedgerHistoryDate } from '../../io/ledger/index.js';
import type { Tombstones } from './load-tombstones.js';
import type { PlaysRangeReport } from './ingest-plays.js';
import type { IngestQueueReply, IngestQueueTask } from './ingest-queue.js';
import { table } from './load-context.js';
import type { LoadContext } from './load-context.js';
import type { LoadedCatalog } from './load-catalog.js';
import type { LoadedPeople, ProfileKeys } from './load-people.js';
import { planPlays } from './load-plays.js';
import type { LoadedPlays } from './load-plays.js';
import { HistoryIngest, sortedRemoved } from './load-sends.js';
import type { LoadedSends } from './load-sends.js';

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
 * Starts the big reads as soon as the profile keys exist: the plays' ranges first, then the send
 * history, planned meanwhile (its null probes and scenario dictionary take this thread a while),
 * every worker drawing items from a shared queue (ingest-queue.ts), while this thread goes on
 * loading the accounts. Returns once both are queued.
 */
export async function startIngest(
  ctx: LoadContext,
  keys: ProfileKeys,
  catalog: LoadedCatalog,
  tombstones: Tombstones,
  ledger: { window: readonly LedgerHistoryDate[]; all: readonly LedgerHistoryDate[] },
  runner: ShardRunner,
  step: (name: string) => void,
  progress?: BigInt64Array,
): Promise<IngestJob> {
  const readers = Math.max(1, runner.threads);
  const removed = sortedRemoved(keys.removedProfileIds);
  const plays = await planPlays(ctx, keys, catalog, removed, readers, progress);
  // With the plays cache, the plays' plan settles once their hashes are known: their queue starts then.
  const playsQueue = { kind: 'ingest' as const, next: sharedInt32(1), plays: [], cached: [], history: [], ...(progress === undefined ? {} : { progress }) } as IngestQueueTask & { kind: 'ingest' };
  const playsDrains = plays.tasks.then(({ ranges, cached }) => drain(runner, Object.assign(playsQueue, { plays: ranges, cached }), readers));
  playsDrains.catch(() => undefined);
  step('sends');
  let history: HistoryIngest;
  let historyKeys: HistoryKeys;
  let slices: HistorySliceTask[];
  try {
    history = await HistoryIngest.plan(ctx, tombstones, ledger.window, ledger.all, readers);
    historyKeys = history.keys(keys, catalog, removed);
    slices = history.tasks(historyKeys, Math.max(1, Math.floor(availableParallelism() / readers)));
  } catch (err) {
    await stop(playsQueue, playsDrains);
    throw err;
  }
  const historyQueue = { kind: 'ingest' as const, next: sharedInt32(1), plays: [], cached: [], history: slices };
  const historyDrains = drain(runner, historyQueue, readers);

  return {
    async abandon() {
      await Promise.all([stop(playsQueue, playsDrains), stop(historyQueue, historyDrains)]);
    },
    async finish(people: LoadedPeople) {
      const historyReports = new Array<HistorySliceReport>(slices.length);
      const replies: IngestQueueReply[] = [...(await playsDrains), ...(await historyDrains)];
      const playsReports = new Array<PlaysRangeReport>(playsQueue.plays.length);
      const cachedReports = new Array<CachedPiecesReport>(playsQueue.cached.length);
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

/** One drain of `queue` per reader; a failed one is kept from being reported as unhandled before it is awaited. */
function drain(runner: ShardRunner, queue: IngestQueueTask & { kind: 'ingest' }, readers: number): Promise<IngestQueueReply[]> {
  const drains = Promise.all(Array.from({ length: readers }, () => runner.run(queue)));
  drains.catch(() => undefined);
  return drains;
}

/** Stops the drains of `queue` at their next item (or before their first) and waits for the items in hand. */
async function stop(queue: IngestQueueTask, drains: Promise<IngestQueueReply[]>): Promise<void> {
  Atomics.store(queue.next, 0, 2 ** 30);
  await drains.catch(() => undefined);
}
