import { createStaging, discardStaging, publishStaging } from '../output/staging-dir.js';

/**
 * The run's staging directory `<out>/.staging-<D>-*` and the worker tasks still checking or writing
 * for it: a failed run must not remove the directory (or close the pool) under a worker still at work.
 */
export class RunStaging {
  private dirPath: string | null = null;
  private pending: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly outDir: string,
    private readonly date: string,
  ) {}

  /** Work to let finish before the directory is discarded; its failure is reported where it is awaited. */
  track(work: Promise<unknown>): void {
    this.pending = Promise.all([this.pending, work.catch(() => undefined)]);
  }

  create(): string {
    this.dirPath = createStaging(this.outDir, this.date);
    return this.dirPath;
  }

  get dir(): string {
    if (this.dirPath === null) throw new Error('no staging directory');
    return this.dirPath;
  }

  /** Renames the staged run into place as `outputDir`. */
  publish(outputDir: string): void {
    publishStaging(this.dir, outputDir);
    this.dirPath = null;
  }

  /** Waits for tracked work, then removes an unpublished staging directory. */
  async close(): Promise<void> {
    await this.pending;
    if (this.dirPath !== null) discardStaging(this.dirPath);
  }
}
