import { Piscina } from 'piscina';
import type { WorkerReply } from './worker-protocol.js';

/** Wraps a profile-pass reply so Piscina transfers its count buffer to the main thread instead of copying it. */
export class MovedReply {
  constructor(private readonly reply: WorkerReply<'profile-pass'>) {}
  get [Piscina.transferableSymbol](): object {
    return [this.reply.packed.buffer];
  }
  get [Piscina.valueSymbol](): object {
    return this.reply;
  }
}
