import { stat } from 'node:fs/promises';
import type { UploadOutcome } from '../../io/clevertap/upload-client.js';
import { DeliveryError } from '../errors.js';
import { readManifest } from '../run-dir/run-manifest.js';
import type { Uploader } from './delivery-loop.js';
import type { DeliverySummary } from './delivery-types.js';

/**
 * Which published run a delivery is reading and sending: the directory `<out>/<D>` resolves to
 * (device and inode; publishing always makes a new directory) and its manifest's run id. The
 * date's run lock keeps a re-run from publishing meanwhile; this guard is what makes a delivery
 * stop rather than send or record the wrong run should a run be published anyway (a process that
 * ignored the lock, a hand-made swap).
 */
export class PublishedRunGuard {
  private runId: string | null = null;
  private readonly stop = new AbortController();

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
    if (!(await this.unchanged())) throw new DeliveryError(`the published run of ${this.date} changed while its files were read (${this.runDir}); nothing was sent — run deliver again`);
    if (expected !== undefined && runId !== expected) {
      throw new DeliveryError(`${this.runDir} is run ${String(runId)}, not run ${expected} this delivery was started for (a re-run of ${this.date} was published in between); nothing was sent`);
    }
  }

  /** Fires when a check found another run published: the delivery loop's stop signal (no new request leaves). */
  get stopSignal(): AbortSignal {
    return this.stop.signal;
  }

  /**
   * `inner`, checking before every request that the run is still the one published. When it is
   * not, the request does not leave (an abort before sending: its records go back to pending) and
   * the delivery is stopped through stopSignal.
   */
  uploader(inner: Uploader): Uploader {
    return {
      post: async (body: Buffer, signal?: AbortSignal): Promise<UploadOutcome> => {
        if (this.stop.signal.aborted || !(await this.unchanged())) {
          this.stop.abort();
          return { kind: 'aborted', sent: false };
        }
        return inner.post(body, signal);
      },
      redact: (text: string): string => inner.redact(text),
    };
  }

  /**
   * Before the summary is merged into the manifest: still this run, by directory and by run id;
   * otherwise a DeliveryError carrying `summary`, and the other run's manifest is left alone.
   */
  async checkBeforeRecording(summary: DeliverySummary): Promise<void> {
    const now = (await this.unchanged()) ? readManifest(this.runDir).run_id : undefined;
    if (!this.stop.signal.aborted && now === this.runId) return;
    const when = this.stop.signal.aborted ? 'it stopped before sending another batch' : 'after its last batch';
    throw new DeliveryError(
      `the published run of ${this.date} changed during the delivery (${this.runDir} is no longer run ${String(this.runId)}): ${when}; ${summary.accepted} accepted, ${summary.pending} pending, ${summary.in_flight} in flight in the ledger; the summary was not written into the new run's manifest`,
      summary,
    );
  }

  private async unchanged(): Promise<boolean> {
    const s = await stat(this.runDir).catch(() => null);
    return s !== null && s.dev === this.dev && s.ino === this.ino;
  }
}
