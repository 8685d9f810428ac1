import { Piscina } from 'piscina';
import type { WorkerReply } from './worker-protocol.js';

/**
 * Wraps a reply whose large buffers (a profile pass's counts, a part of the payload lines) Piscina
 * transfers to the main thread instead of copying them.
 */
export class MovedReply {
  constructor(
    private readonly reply: WorkerReply,
    private readonly buffers: ArrayBuffer[],
  ) {}
  get [Piscina.transferableSymbol](): object {
    return this.buffers;
  }
  get [Piscina.valueSymbol](): object {
    return this.reply;
  }
}

/** The buffers of `reply` to transfer (none for most kinds). */
export function movedBuffers(reply: WorkerReply): ArrayBuffer[] {
  if (reply.kind === 'profile-pass') return [reply.packed.buffer as ArrayBuffer];
  if (reply.kind === 'payload-lines') return [reply.bytes.buffer as ArrayBuffer];
  return [];
}
