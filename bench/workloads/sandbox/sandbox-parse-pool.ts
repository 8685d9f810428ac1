import { Worker } from 'node:worker_threads';
import type { ParsedUpload } from './sandbox-upload-parse.js';

/**
 * Worker threads that parse upload bodies for the sandbox, so one sandbox process can keep up
 * with a delivery using several cores (JSON parsing is nearly all of its work). Each body goes
 * to the worker with the fewest jobs.
 */
export class SandboxParsePool {
  private readonly workers: { worker: Worker; jobs: number }[] = [];
  private readonly pending = new Map<number, (parsed: ParsedUpload) => void>();
  private nextId = 0;

  constructor(threads: number) {
    for (let i = 0; i < threads; i++) {
      const worker = new Worker(new URL('./sandbox-parse-worker.js', import.meta.url));
      const slot = { worker, jobs: 0 };
      worker.on('message', (reply: { id: number; parsed: ParsedUpload }) => {
        slot.jobs--;
        this.pending.get(reply.id)?.(reply.parsed);
        this.pending.delete(reply.id);
      });
      worker.unref();
      this.workers.push(slot);
    }
  }

  parse(body: Buffer): Promise<ParsedUpload> {
    const slot = this.workers.reduce((a, b) => (b.jobs < a.jobs ? b : a));
    const id = this.nextId++;
    // A private copy, handed over (transferred) rather than cloned.
    const copy = new Uint8Array(body);
    slot.jobs++;
    return new Promise((resolve) => {
      this.pending.set(id, resolve);
      slot.worker.postMessage({ id, body: copy }, [copy.buffer]);
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.worker.terminate()));
  }
}
