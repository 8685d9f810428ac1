import { Piscina } from 'piscina';
import { runTask } from './worker-protocol.js';
import type { TaskKind, WorkerReply, WorkerTask } from './worker-protocol.js';

/** Runs shard tasks: on a Piscina pool of worker threads, or inline on this thread (`workers: 0`). */
export interface ShardRunner {
  readonly threads: number;
  /** Runs one task; the reply's type follows the task's kind. */
  run<K extends TaskKind>(task: WorkerTask<K>): Promise<WorkerReply<K>>;
  /** How busy the workers have been since the runner started (for the manifest's worker use). */
  usage(): WorkerUsage;
  /** Waits for every task in flight to settle, then stops the threads. */
  close(): Promise<void>;
}

export interface WorkerUsage {
  /** Worker-milliseconds spent running tasks: Σ over time of min(tasks in flight, threads). */
  busyMs: number;
  /** Milliseconds in which no task ran at all: the main thread (and DuckDB's) alone. */
  noTaskMs: number;
}

export function createShardRunner(workers: number): ShardRunner {
  const clock = busyClock(Math.max(1, workers));
  const tasks = inFlight();
  if (workers === 0) {
    // Inline tasks are promises on this thread: a failed run still lets them finish before it returns.
    return { threads: 0, run: <K extends TaskKind>(task: WorkerTask<K>) => tasks.track(clock.track(runTask(task))), usage: clock.usage, close: tasks.settled };
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
    run: <K extends TaskKind>(task: WorkerTask<K>) => tasks.track(clock.track(pool.run(task) as Promise<WorkerReply<K>>)),
    usage: clock.usage,
    async close() {
      // A run that fails while workers still decode (a duplicate id found on this thread during
      // the plays ingest) must not terminate a worker inside a DuckDB call: the native callback
      // then throws into a dead environment and the process aborts (exit 134, lock left behind).
      await tasks.settled();
      await pool.destroy();
    },
  };
}

/** The tasks not yet settled, and a promise that waits for all of them (whatever their outcome). */
function inFlight(): { track<T>(p: Promise<T>): Promise<T>; settled(): Promise<void> } {
  const pending = new Set<Promise<unknown>>();
  return {
    track<T>(p: Promise<T>): Promise<T> {
      const done: Promise<unknown> = p.then(
        () => pending.delete(done),
        () => pending.delete(done),
      );
      pending.add(done);
      return p;
    },
    async settled(): Promise<void> {
      await Promise.allSettled([...pending]);
    },
  };
}

/** Integrates the number of busy workers over time; a queued task counts once a worker is free for it. */
function busyClock(threads: number): { track<T>(p: Promise<T>): Promise<T>; usage(): WorkerUsage } {
  let inFlight = 0;
  let last = performance.now();
  let busyMs = 0;
  let noTaskMs = 0;
  const advance = (): void => {
    const now = performance.now();
    busyMs += Math.min(inFlight, threads) * (now - last);
    if (inFlight === 0) noTaskMs += now - last;
    last = now;
  };
  return {
    track<T>(p: Promise<T>): Promise<T> {
      advance();
      inFlight++;
      const done = (): void => {
        advance();
        inFlight--;
      };
      return p.then(
        (v) => {
          done();
          return v;
        },
        (err: unknown) => {
          done();
          throw err;
        },
      );
    },
    usage(): WorkerUsage {
      advance();
      return { busyMs, noTaskMs };
    },
  };
}
