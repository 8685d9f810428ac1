import { ingestCachedPieces } from './cached-plays.js';
import type { CachedPiecesReport, CachedPiecesTask } from './cached-plays.js';
import { currentTaskSignal } from '../pool/task-abort.js';
import { ingestHistorySlice } from './ingest-history.js';
import type { HistorySliceReport, HistorySliceTask } from './ingest-history.js';
import { ingestPlaysRange } from './ingest-plays.js';
import type { PlaysRangeReport, PlaysRangeTask } from './ingest-plays.js';

/**
 * The ingest's work items — the plays' ranges first (the largest), then the pieces of the plays
 * cache, then the history's slices —
 * drawn by every worker from one shared counter. A worker takes its next item the moment it
 * finishes one, without a round trip through the main thread, whose event loop is busy loading
 * the people meanwhile; and the items spread over the workers however long each one takes.
 */
export interface IngestQueueTask {
  /** Shared: the index of the next item to take. */
  next: Int32Array;
  plays: PlaysRangeTask[];
  /** Pieces of the plays cache to read (cached-plays.ts). */
  cached: CachedPiecesTask[];
  history: HistorySliceTask[];
  /** Shared: input rows read (the load's progress). */
  progress?: BigInt64Array;
}

/** The reports of the items this worker took, by item index, and the first item that failed. */
export interface IngestQueueReply {
  plays: { at: number; report: PlaysRangeReport }[];
  cached: { at: number; report: CachedPiecesReport }[];
  history: { at: number; report: HistorySliceReport }[];
  failure: { kind: 'plays' | 'cached' | 'history'; at: number; message: string } | null;
}

export async function drainIngestQueue(task: IngestQueueTask): Promise<IngestQueueReply> {
  const reply: IngestQueueReply = { plays: [], cached: [], history: [], failure: null };
  const playsCount = task.plays.length;
  const cachedEnd = playsCount + task.cached.length;
  const total = cachedEnd + task.history.length;
  const aborted = currentTaskSignal();
  for (let item = Atomics.add(task.next, 0, 1); item < total && aborted?.aborted !== true; item = Atomics.add(task.next, 0, 1)) {
    const kind = item < playsCount ? 'plays' : item < cachedEnd ? 'cached' : 'history';
    const at = kind === 'plays' ? item : kind === 'cached' ? item - playsCount : item - cachedEnd;
    try {
      if (kind === 'plays') reply.plays.push({ at, report: await ingestPlaysRange(task.plays[at]!, task.progress) });
      else if (kind === 'cached') reply.cached.push({ at, report: ingestCachedPieces(task.cached[at]!) });
      else reply.history.push({ at, report: await ingestHistorySlice(task.history[at]!) });
    } catch (err) {
      // The run fails: the other workers stop at their next item.
      Atomics.store(task.next, 0, total);
      reply.failure = { kind, at, message: err instanceof Error ? err.message : String(err) };
      break;
    }
  }
  return reply;
}
