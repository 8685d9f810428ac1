import { currentTaskSignal } from '../pool/task-abort.js';
import { ingestHistorySlice } from './ingest-history.js';
import type { HistorySliceReport, HistorySliceTask } from './ingest-history.js';
import { ingestPlaysRange } from './ingest-plays.js';
import type { PlaysRangeReport, PlaysRangeTask } from './ingest-plays.js';

/**
 * The ingest's work items — the plays' ranges first (the largest), then the history's slices —
 * drawn by every worker from one shared counter. A worker takes its next item the moment it
 * finishes one, without a round trip through the main thread, whose event loop is busy loading
 * the people meanwhile; and the items spread over the workers however long each one takes.
 */
export interface IngestQueueTask {
  /** Shared: the index of the next item to take. */
  next: Int32Array;
  plays: PlaysRangeTask[];
  history: HistorySliceTask[];
  /** Shared: input rows read (the load's progress). */
  progress?: BigInt64Array;
}

/** The reports of the items this worker took, by item index, and the first item that failed. */
export interface IngestQueueReply {
  plays: { at: number; report: PlaysRangeReport }[];
  history: { at: number; report: HistorySliceReport }[];
  failure: { kind: 'plays' | 'history'; at: number; message: string } | null;
}

export async function drainIngestQueue(task: IngestQueueTask): Promise<IngestQueueReply> {
  const reply: IngestQueueReply = { plays: [], history: [], failure: null };
  const playsCount = task.plays.length;
  const total = playsCount + task.history.length;
  const aborted = currentTaskSignal();
  for (let item = Atomics.add(task.next, 0, 1); item < total && aborted?.aborted !== true; item = Atomics.add(task.next, 0, 1)) {
    const kind = item < playsCount ? 'plays' : 'history';
    const at = kind === 'plays' ? item : item - playsCount;
    try {
      if (kind === 'plays') reply.plays.push({ at, report: await ingestPlaysRange(task.plays[at]!, task.progress) });
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
