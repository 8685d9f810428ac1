import { Piscina } from 'piscina';
import { runTask } from './worker-protocol.js';
import type { WorkerReply, WorkerTask } from './worker-protocol.js';

/** Wraps a reply so Piscina transfers its count buffer back to the main thread instead of copying it. */
class MovedReply {
  constructor(private readonly reply: WorkerReply & { kind: 'profile-pass' }) {}
  get [Piscina.transferableSymbol](): object {
    return [this.reply.packed.buffer];
  }
  get [Piscina.valueSymbol](): object {
    return this.reply;
  }
}

/** Piscina worker entry: runs one shard task. */
export default function shardWorker(task: WorkerTask): unknown {
  const reply = runTask(task);
  // Piscina types its symbols as plain `symbol`, so the class cannot be typed as its Transferable.
  return reply.kind === 'profile-pass' ? Piscina.move(new MovedReply(reply) as unknown as ArrayBuffer) : reply;
}
