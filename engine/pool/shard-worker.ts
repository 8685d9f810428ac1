import { threadId } from 'node:worker_threads';
import { Piscina } from 'piscina';
import { MovedReply, movedBuffers } from './moved-reply.js';
import { watchAbortFlag } from './task-abort.js';
import { recordLoaded } from './worker-loads.js';
import { runTask } from './worker-protocol.js';
import type { PoolWorkerData, WorkerTask } from './worker-protocol.js';

// What the runner shares with every worker it starts (shard-runner.ts).
const shared = Piscina.workerData as PoolWorkerData | undefined;
if (shared !== undefined) watchAbortFlag(shared.abortFlag);

/** Runs one shard task. */
async function shardWorker(task: WorkerTask): Promise<unknown> {
  const reply = await runTask(task);
  const buffers = movedBuffers(reply);
  // Piscina types its symbols as plain `symbol`, so the class cannot be typed as its Transferable.
  return buffers.length === 0 ? reply : Piscina.move(new MovedReply(reply, buffers) as unknown as ArrayBuffer);
}

/**
 * Piscina worker entry. Piscina awaits the module's default export for its handler once it has
 * loaded the module — past the last step of the load (the CommonJS facade of `require(esm)`) at
 * which terminating this thread aborts the process — so the export is a thenable, and awaiting it
 * records the load (worker-loads.ts).
 */
export default {
  then(resolve: (handler: typeof shardWorker) => void): void {
    if (shared !== undefined) recordLoaded(shared.loads, threadId);
    resolve(shardWorker);
  },
};
