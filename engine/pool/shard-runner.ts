import { Piscina } from 'piscina';
import { AbortedError } from '../../io/errors.js';
import { newAbortFlag, raiseAbortFlag } from './task-abort.js';
import { loadsSettled, newLoadBoard } from './worker-loads.js';
import { runTask } from './worker-protocol.js';
import type { PoolWorkerData, TaskKind, WorkerReply, WorkerTask } from './worker-protocol.js';

/** The longest a closing pool waits for its threads to load their modules (they take ~0.6 s). */
const LOAD_WAIT_MS = 20_000;

/** Runs shard tasks: on a Piscina pool of worker threads, or inline on this thread (`workers: 0`). */
export interface ShardRunner {
  readonly threads: number;
  /** Runs one task; the reply's type follows the task's kind. */
  run<K extends TaskKind>(task: WorkerTask<K>): Promise<WorkerReply<K>>;
  /** How busy the workers have been since the runner started (for the manifest's worker use). */
  usage(): WorkerUsage;
  /**
   * Stops the work under way: the workers' DuckDB queries are interrupted (their sessions watch a
   * flag shared with the pool) and their loops stop at the next chunk or item.
   */
  abort(): void;
  /**
   * Stops the threads: the work under way is aborted, the tasks that run DuckDB are let settle
   * (within milliseconds, once interrupted), then the threads are terminated — plain JavaScript and
   * file I/O stop at once. Inline, every task in flight settles first.
   */
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
    return { threads: 0, run: <K extends TaskKind>(task: WorkerTask<K>) => tasks.track(clock.track(runTask(task))), usage: clock.usage, abort: () => undefined, close: tasks.settled };
  }
  const abortFlag = newAbortFlag();
  const workerData: PoolWorkerData = { abortFlag, loads: newLoadBoard() };
  let closing = false;
  const pool = new Piscina({
    filename: new URL('./shard-worker.js', import.meta.url).href,
    minThreads: workers,
    maxThreads: workers,
    idleTimeout: 60_000,
    workerData,
  });
  // Once the pool closes, a reply its threads had already posted (a task failing as the run fails,
  // on a full disk) reaches a pool that has forgotten the task: Piscina emits it as an 'error',
  // which without a listener would crash the process instead of the run's own one-line error.
  // Before that, an 'error' is Piscina's own fault and stays fatal.
  pool.on('error', (err: unknown) => {
    if (!closing) throw err;
  });
  return {
    threads: workers,
    // Piscina's run() is untyped; the worker answers each task with runTask's reply to it.
    run: <K extends TaskKind>(task: WorkerTask<K>) => {
      // A closing pool takes no task: a DuckDB task could begin after the wait for those in
      // flight, and any task given to a destroyed pool makes Piscina start new threads, which the
      // process's exit would then terminate while they load (worker-loads.ts).
      if (closing) return Promise.reject(new AbortedError('the worker pool is closing'));
      const reply = clock.track(pool.run(task) as Promise<WorkerReply<K>>);
      return usesDuckDB(task) ? tasks.track(reply) : reply;
    },
    usage: clock.usage,
    abort: () => raiseAbortFlag(abortFlag),
    async close() {
      // A run that fails or is aborted while workers still decode (a duplicate id found on this
      // thread during the plays ingest, a SIGTERM) must not terminate a worker inside a DuckDB
      // call: the native callback then throws into a dead environment and the process aborts
      // (exit 134, lock left behind). Interrupted, those calls end within milliseconds; the
      // other tasks are plain JavaScript and file I/O, which terminating stops at once.
      closing = true;
      raiseAbortFlag(abortFlag);
      await tasks.settled();
      // Nor may a thread still loading its modules be terminated (worker-loads.ts): a run that
      // stops in its first second waits for their loads.
      await loadsSettled(workerData.loads, pool.threads.map((t) => t.threadId).filter((id) => id >= 0), LOAD_WAIT_MS);
      await pool.destroy();
    },
  };
}

/** The task kinds that open DuckDB sessions on the worker (the plays' and the history's decoding). */
function usesDuckDB(task: { kind: TaskKind }): boolean {
  return task.kind === 'ingest';
}

/** The tasks not yet settled (on a pool: those that run DuckDB), and a promise that waits for all of them (whatever their outcome). */
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
