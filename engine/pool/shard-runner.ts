import { Piscina } from 'piscina';
import { newAbortFlag, raiseAbortFlag } from './task-abort.js';
import { runTask } from './worker-protocol.js';
import type { TaskKind, WorkerReply, WorkerTask } from './worker-protocol.js';

/** Runs shard tasks: on a Piscina pool of worker threads, or inline on this thread (`workers: 0`). */
export interface ShardRunner {
  readonly threads: number;
  /** Runs one task; the reply's type follows the task's kind. */
  run<K extends TaskKind>(task: WorkerTask<K>): Promise<WorkerReply<K>>;
  /** How busy the workers have been since the runner started (for the manifest's worker use). */
  usage(): WorkerUsage;
  /**
   * Stops the work under way: the workers' DuckDB queries are interrupted and their loops stop at
   * the next chunk; tasks that compute without a pause stop when `close` terminates the threads.
   */
  abort(): void;
  /**
   * Resolves once no task that runs DuckDB is in flight, or after `timeoutMs`: a worker thread is
   * not terminated while DuckDB works for it (its native callback would find no JavaScript to
   * return to and abort the process). Tasks of plain JavaScript and file I/O may be terminated.
   */
  idle(timeoutMs: number): Promise<void>;
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
  if (workers === 0) {
    return { threads: 0, run: <K extends TaskKind>(task: WorkerTask<K>) => clock.track(runTask(task), usesDuckDB(task)), usage: clock.usage, abort: () => undefined, idle: clock.idle, close: async () => undefined };
  }
  const abortFlag = newAbortFlag();
  const pool = new Piscina({
    filename: new URL('./shard-worker.js', import.meta.url).href,
    minThreads: workers,
    maxThreads: workers,
    idleTimeout: 60_000,
    workerData: { abortFlag },
  });
  return {
    threads: workers,
    // Piscina's run() is untyped; the worker answers each task with runTask's reply to it.
    run: <K extends TaskKind>(task: WorkerTask<K>) => clock.track(pool.run(task) as Promise<WorkerReply<K>>, usesDuckDB(task)),
    usage: clock.usage,
    abort: () => raiseAbortFlag(abortFlag),
    idle: clock.idle,
    close: () => pool.destroy(),
  };
}

/** The task kinds that open DuckDB sessions on the worker (the plays' and the history's decoding). */
function usesDuckDB(task: { kind: TaskKind }): boolean {
  return task.kind === 'ingest';
}

/**
 * Integrates the number of busy workers over time; a queued task counts once a worker is free for
 * it. Also counts the tasks in flight that run DuckDB, for `idle`.
 */
function busyClock(threads: number): { track<T>(p: Promise<T>, native: boolean): Promise<T>; usage(): WorkerUsage; idle(timeoutMs: number): Promise<void> } {
  let inFlight = 0;
  let nativeInFlight = 0;
  const waiters = new Set<() => void>();
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
    track<T>(p: Promise<T>, native: boolean): Promise<T> {
      advance();
      inFlight++;
      if (native) nativeInFlight++;
      const done = (): void => {
        advance();
        inFlight--;
        if (native) nativeInFlight--;
        if (nativeInFlight === 0) for (const wake of waiters) wake();
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
    idle(timeoutMs: number): Promise<void> {
      if (nativeInFlight === 0) return Promise.resolve();
      return new Promise<void>((resolve) => {
        const wake = (): void => {
          clearTimeout(timer);
          waiters.delete(wake);
          resolve();
        };
        const timer = setTimeout(wake, timeoutMs);
        waiters.add(wake);
      });
    },
  };
}
