/**
 * How a run's abort reaches its worker threads. A worker's JavaScript is often inside a long
 * await (a DuckDB query on its own native threads), so a message would wait; instead the pool
 * shares one flag with its workers (Piscina `workerData`), which the runner raises and each worker
 * polls, turning it into an AbortSignal its DuckDB sessions and loops listen to.
 */
const POLL_MS = 20;

/** The flag a runner shares with its workers: non-zero once the run is aborted. */
export function newAbortFlag(): Int32Array {
  return new Int32Array(new SharedArrayBuffer(4));
}

export function raiseAbortFlag(flag: Int32Array): void {
  Atomics.store(flag, 0, 1);
}

let taskSignal: AbortSignal | undefined;

/** Called once by a worker thread at start with its pool's flag. */
export function watchAbortFlag(flag: Int32Array): void {
  const controller = new AbortController();
  taskSignal = controller.signal;
  const poll = setInterval(() => {
    if (Atomics.load(flag, 0) === 0) return;
    clearInterval(poll);
    controller.abort(new Error('the run was aborted'));
  }, POLL_MS);
  // The poll must not keep a finished worker alive.
  poll.unref();
}

/** In a worker, the signal of its pool's run; undefined on the main thread (inline runs use the run's own signal). */
export function currentTaskSignal(): AbortSignal | undefined {
  return taskSignal;
}
