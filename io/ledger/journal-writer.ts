import { open } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { fsyncDir } from './durable-files.js';

interface Waiter {
  resolve: () => void;
  reject: (err: Error) => void;
}

/**
 * An append-only file where every `append` resolves once its line is on disk (written and
 * fdatasync'ed). Appends that arrive while a sync is running are written together by the next one
 * (group commit), so 15 concurrent batches cost one fsync, not fifteen.
 * After a failed write every later append fails too: a journal with a hole must not go on.
 */
export class JournalWriter {
  private pending: string[] = [];
  private waiters: Waiter[] = [];
  private draining: Promise<void> | null = null;
  private failure: Error | null = null;

  private constructor(
    private readonly handle: FileHandle,
    readonly path: string,
  ) {}

  /** Opens for appending, creating the file (durably) when it does not exist. */
  static async open(path: string, truncateTo: number | null): Promise<JournalWriter> {
    const handle = await open(path, 'a');
    if (truncateTo !== null) {
      await handle.truncate(truncateTo);
      await handle.sync();
    }
    await fsyncDir(dirname(path));
    return new JournalWriter(handle, path);
  }

  append(line: string): Promise<void> {
    if (this.failure !== null) return Promise.reject(this.failure);
    this.pending.push(line);
    const done = new Promise<void>((resolve, reject) => this.waiters.push({ resolve, reject }));
    this.draining ??= this.drain();
    return done;
  }

  private async drain(): Promise<void> {
    while (this.pending.length > 0) {
      const text = this.pending.join('');
      const waiters = this.waiters;
      this.pending = [];
      this.waiters = [];
      try {
        await this.handle.appendFile(text);
        await this.handle.datasync();
        for (const w of waiters) w.resolve();
      } catch (err) {
        this.failure = new Error(`cannot write the delivery journal ${this.path}: ${(err as Error).message}`);
        for (const w of [...waiters, ...this.waiters]) w.reject(this.failure);
        this.pending = [];
        this.waiters = [];
      }
    }
    this.draining = null;
  }

  /** Waits for every append so far to be on disk. */
  async flush(): Promise<void> {
    while (this.draining !== null) await this.draining;
    if (this.failure !== null) throw this.failure;
  }

  async close(): Promise<void> {
    try {
      await this.flush();
    } finally {
      await this.handle.close();
    }
  }
}
