/**
 * Which of a pool's worker threads have loaded their modules. On Node 20 a thread terminated while
 * it loads them takes the whole process down, with exit 134 instead of the run's own status and
 * its lock left behind: DuckDB's and roaring's native addons and the synchronous `require` of an
 * ES module graph (how Piscina loads the worker file) call into a V8 being torn down ("FATAL ERROR:
 * v8::ToLocalChecked Empty MaybeLocal", "v8::Module::IsGraphAsync must be used on an instantiated
 * module", "terminate called after throwing an instance of 'Napi::Error'"). It happened to about
 * one in 40 runs interrupted in their first second on a loaded machine, and to a process exiting
 * while its pool starts. So a pool closed early waits for the loads under way before it
 * terminates its threads: each worker records its thread id on an array shared through the pool's
 * `workerData` once Piscina holds its handler (shard-worker.ts).
 */

/** Slot 0 counts the loads recorded; the thread ids follow. */
const CAPACITY = 1024;

export function newLoadBoard(): Int32Array {
  return new Int32Array(new SharedArrayBuffer(4 * (1 + CAPACITY)));
}

/** Called by a worker once its modules are loaded. */
export function recordLoaded(board: Int32Array, threadId: number): void {
  const at = Atomics.add(board, 0, 1);
  if (at < CAPACITY) Atomics.store(board, 1 + at, threadId);
  Atomics.notify(board, 0);
}

/**
 * Resolves once every thread of `threadIds` has recorded its load, or after `timeoutMs` (a thread
 * that never loads, e.g. one whose import threw, is not waited for forever).
 */
export async function loadsSettled(board: Int32Array, threadIds: readonly number[], timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const count = Atomics.load(board, 0);
    const loaded = new Set(board.subarray(1, 1 + Math.min(count, CAPACITY)));
    // Past the board's capacity the ids are unknown: the count alone says every thread has loaded.
    if (count >= CAPACITY || threadIds.every((id) => loaded.has(id))) return;
    const left = deadline - performance.now();
    if (left <= 0) return;
    const wait = Atomics.waitAsync(board, 0, count, left);
    if (wait.async) await wait.value;
  }
}
