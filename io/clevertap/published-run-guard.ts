import { stat } from 'node:fs/promises';
import { DeliveryError } from '../../engine/errors.js';
import type { Uploader } from './delivery-loop.js';
import { readRunManifest } from './run-files.js';
import type { UploadOutcome } from './upload-client.js';

/**
 * Which published run a delivery is reading and sending: the directory `<out>/<D>` resolves to
 * (device and inode; publishing always makes a new directory) and its manifest's run id. The
 * date's run lock keeps a re-run from publishing meanwhile; this guard is what makes a delivery
 * stop rather than send or record the wrong run should a run be published anyway (a process that
 * ignored the lock, a hand-made swap).
 */
export class PublishedRunGuard {
  private runId: string | null = null;

  private constructor(
    private readonly runDir: string,
    private readonly date: string,
    private readonly dev: number,
    private readonly ino: number,
  ) {}

  /** Notes the run `<out>/<date>` names now; call before reading any of its files. */
  static async capture(runDir: string, date: string): Promise<PublishedRunGuard> {
    const s = await stat(runDir).catch(() => null);
    return new PublishedRunGuard(runDir, date, s?.dev ?? -1, s?.ino ?? -1);
  }

  /**
   * After the run's files were read: they all came from the run captured (else they may mix two
   * runs), whose manifest said `runId`; with `expected` (the run `run --deliver` just published),
   * that run and no other.
   */
  async confirmRead(runId: string | null, expected: string | undefined): Promise<void> {
    this.runId = runId;
    await this.check('while its files were read; nothing was sent — run deliver again');
    if (expected !== undefined && runId !== expected) {
      throw new DeliveryError(`${this.runDir} is run ${String(runId)}, not run ${expected} this delivery was started for (a re-run of ${this.date} was published in between); nothing was sent`);
    }
  }

  /** Throws DeliveryError when `<out>/<date>` no longer names the run captured. */
  async check(when: string): Promise<void> {
    const s = await stat(this.runDir).catch(() => null);
    if (s !== null && s.dev === this.dev && s.ino === this.ino) return;
    throw new DeliveryError(
      `the published run of ${this.date} changed ${when} (${this.runDir} is no longer run ${String(this.runId)}); the ledger keeps every outcome recorded so far`,
    );
  }

  /** Before the summary is merged into the manifest: still this run, by directory and by run id. */
  async checkBeforeRecording(): Promise<void> {
    await this.check('during the delivery; the summary was not written into its manifest');
    const now = (await readRunManifest(this.runDir))['run_id'];
    if (now !== this.runId) throw new DeliveryError(`${this.runDir}/manifest.json now names run ${String(now)}, not ${String(this.runId)} that was delivered; the summary was not written into it`);
  }

  /** `inner`, checking before every request that the run is still the one published. */
  uploader(inner: Uploader): Uploader {
    return {
      post: async (body: Buffer, signal?: AbortSignal): Promise<UploadOutcome> => {
        // Thrown, it stops the delivery: no further request leaves; this batch is left in flight, unsent.
        await this.check('during the delivery, so it stopped before sending another batch');
        return inner.post(body, signal);
      },
    };
  }
}
