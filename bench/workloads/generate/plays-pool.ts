import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { EncodedRowGroup } from '../../../io/parquet/encode/row-group.js';
import type { PlaysRequest, PlaysResponse, PlaysWorkerData } from './plays-protocol.js';

/** Most worker threads worth starting: generation and Snappy encoding are CPU-bound. */
const MAX_WORKERS = 4;

/**
 * Worker threads that generate and encode plays row groups, one per CPU, so a big dataset uses
 * every core. Each worker rebuilds the model from the seed, which costs about a second at 1M
 * profiles and overlaps with the main thread writing the small tables.
 */
export class PlaysPool {
  readonly size: number;
  private readonly workers: Worker[];
  private readonly waiting = new Map<number, { resolve: (r: { rows: number; group: EncodedRowGroup }) => void; reject: (e: Error) => void }>();
  private nextId = 0;
  private failure: Error | null = null;

  constructor(data: PlaysWorkerData) {
    this.size = Math.max(1, Math.min(MAX_WORKERS, availableParallelism()));
    this.workers = Array.from({ length: this.size }, () => {
      const worker = new Worker(new URL('./plays-worker.js', import.meta.url), { workerData: data });
      worker.on('message', (response: PlaysResponse) => this.settle(response));
      worker.on('error', (err) => this.fail(err));
      worker.on('exit', (code) => {
        if (code !== 0) this.fail(new Error(`plays worker exited with code ${code}`));
      });
      return worker;
    });
  }

  /** Plays of profiles [from, to) as one encoded row group. */
  encode(from: number, to: number): Promise<{ rows: number; group: EncodedRowGroup }> {
    if (this.failure !== null) return Promise.reject(this.failure);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.workers[id % this.size]!.postMessage({ id, from, to } satisfies PlaysRequest);
    });
  }

  async close(): Promise<void> {
    this.failure ??= new Error('plays pool closed');
    await Promise.all(this.workers.map((w) => w.terminate()));
  }

  private settle(response: PlaysResponse): void {
    const waiter = this.waiting.get(response.id);
    if (waiter === undefined) return;
    this.waiting.delete(response.id);
    if ('error' in response) waiter.reject(new Error(`plays worker: ${response.error}`));
    else waiter.resolve({ rows: response.rows, group: response.group });
  }

  private fail(err: Error): void {
    if (this.failure !== null) return;
    this.failure = err;
    for (const waiter of this.waiting.values()) waiter.reject(err);
    this.waiting.clear();
  }
}
