import { outputError, writingTo } from '../output/output-error.js';
import { createStaging, discardStaging, publishStaging } from '../output/staging-dir.js';

/**
 * The run's staging directory `<out>/.runs/<D>-*` and the worker tasks still checking or writing
 * for it: a failed run must not remove the directory (or close the pool) under a worker still at work.
 */
export class RunStaging {
  private dirPath: string | null = null;
  private pending: Promise<unknown> = Promise.resolve();
  /** Set by close: an aborted run's work still winding down must neither create nor publish anything. */
  private closed = false;

  constructor(
    private readonly outDir: string,
    private readonly date: string,
  ) {}

  /**
   * Work to let finish before the directory is discarded; its failure is reported where it is
   * awaited. Pass every task, not only their Promise.all, which settles at the first failure.
   */
  track(...work: Promise<unknown>[]): void {
    this.pending = Promise.all([this.pending, Promise.allSettled(work)]);
  }

  create(): string {
    if (this.closed) throw new Error('the run was stopped: no staging directory');
    try {
      this.dirPath = createStaging(this.outDir, this.date);
    } catch (err) {
      throw outputError(this.outDir, err);
    }
    return this.dirPath;
  }

  get dir(): string {
    if (this.dirPath === null) throw new Error('no staging directory');
    return this.dirPath;
  }

  /** Publishes the staged run as `<out>/<D>/` (publishStaging, which owns the directory from here on). */
  async publish(): Promise<void> {
    if (this.closed) throw new Error('the run was stopped: nothing is published');
    const dir = this.dir;
    this.dirPath = null;
    await writingTo(dir, publishStaging(dir, this.outDir, this.date));
  }

  /** Waits for tracked work, then removes an unpublished staging directory. */
  async close(): Promise<void> {
    this.closed = true;
    await this.pending;
    if (this.dirPath !== null) discardStaging(this.dirPath);
  }
}
