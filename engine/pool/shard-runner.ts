import { Piscina } from 'piscina';
import { runTask } from './worker-protocol.js';
import type { WorkerReply, WorkerTask } from './worker-protocol.js';

/** Runs shard tasks: on a Piscina pool of worker threads, or inline on this thread (`workers: 0`). */
export interface ShardRunner {
  readonly threads: number;
  run(task: WorkerTask): Promise<WorkerReply>;
  close(): Promise<void>;
}

export function createShardRunner(workers: number): ShardRunner {
  if (workers === 0) {
    return { threads: 0, run: runTask, close: async () => undefined };
  }
  const pool = new Piscina({
    filename: new URL('./shard-worker.js', import.meta.url).href,
    minThreads: workers,
    maxThreads: workers,
    idleTimeout: 60_000,
  });
  return {
    threads: workers,
    run: (task) => pool.run(task) as Promise<WorkerReply>,
    close: () => pool.destroy(),
  };
}
