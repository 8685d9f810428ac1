import { Piscina } from 'piscina';
import { MovedReply, movedBuffers } from './moved-reply.js';
import { watchAbortFlag } from './task-abort.js';
import { runTask } from './worker-protocol.js';
import type { WorkerTask } from './worker-protocol.js';

// The runner shares its abort flag with every worker it starts (shard-runner.ts).
const shared = Piscina.workerData as { abortFlag?: Int32Array } | undefined;
if (shared?.abortFlag !== undefined) watchAbortFlag(shared.abortFlag);

/** Piscina worker entry: runs one shard task. */
export default async function shardWorker(task: WorkerTask): Promise<unknown> {
  const reply = await runTask(task);
  const buffers = movedBuffers(reply);
  // Piscina types its symbols as plain `symbol`, so the class cannot be typed as its Transferable.
  return buffers.length === 0 ? reply : Piscina.move(new MovedReply(reply, buffers) as unknown as ArrayBuffer);
}
