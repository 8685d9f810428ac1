import { Piscina } from 'piscina';
import { runTask } from './worker-protocol.js';
import type { TaskKind, WorkerReply, WorkerTask } from './worker-protocol.js';

/** Runs shard tasks: on a Piscina pool of worker threads, or inline on this thread (`workers: 0`). */
export interface ShardRunner {
  readonly threads: number;
  /** Runs one task; the reply's type follows the task's kind. */
  run<K extends TaskKind>(task: WorkerTask<K>): Promise<WorkerReply<K>>;
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
    // Piscina's run() is untyped; the worker answers each task with runTask's reply to it.
    run: <K extends TaskKind>(task: WorkerTask<K>) => pool.run(task) as Promise<WorkerReply<K>>,
    close: () => pool.destroy(),
  };
}
