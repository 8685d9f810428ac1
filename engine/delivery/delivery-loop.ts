import { setMaxListeners } from 'node:events';
import type { DeliveryConfig } from '../config/config-types.js';
import type { DateLedger } from '../../io/ledger/date-ledger.js';
import type { JournalOp } from '../../io/ledger/journal-ops.js';
import { fullJitterDelay, MAX_RETRY_AFTER_MS, Wakeup } from './backoff.js';
import type { DeliveryProgress } from './delivery-types.js';
import type { RunRecords } from './run-files.js';
import type { UploadOutcome } from '../../io/clevertap/upload-client.js';
import { readUploadAnswer } from '../../io/clevertap/upload-response.js';

/** The part of UploadClient the loop needs (tests may stand in for it). */
export interface Uploader {
  post(body: Buffer, signal?: AbortSignal): Promise<UploadOutcome>;
}

/** Records (by run index) that travel together in one request. */
interface Unit {
  positions: number[];
  /** This delivery's attempt number for these records, 1-based (429s excluded). */
  attempt: number;
  /** 429 answers so far: they lengthen the backoff but spend no attempt. */
  throttles: number;
  notBefore: number;
}

export interface LoopStats {
  accepted: number;
  deadLetter: number;
  deadByReason: Map<string, number>;
  requests: number;
  retries: number;
  rateLimited: number;
  ambiguous: number;
  /** Records whose request was cut by an abort: `in_flight` in the ledger. */
  inFlight: number;
  stopped: string | null;
  aborted: boolean;
}

export interface LoopInput {
  campaignDate: string;
  ledger: DateLedger;
  run: RunRecords;
  /** Run indices to send, in order. */
  toSend: readonly number[];
  config: DeliveryConfig;
  uploader: Uploader;
  signal?: AbortSignal;
  onProgress?: (progress: DeliveryProgress) => void;
}

/**
 * Sends `toSend` in batches of ≤ batch_size with ≤ concurrency requests out, and writes every
 * outcome to the ledger:
 *
 * - before a request leaves, its records are journalled `send` (fsynced): a crash from then on
 *   finds them `in_flight`, and the in-flight policy decides;
 * - 200: records CleverTap accepted → `accept`; `unprocessed` ones are retried (transient code)
 *   or dead-lettered (permanent code); if the answer cannot be matched to the batch, nothing
 *   unlisted is assumed accepted: those records are retried too;
 * - 5xx, timeouts, connection errors → `release` and retry after full-jitter backoff, up to
 *   max_attempts, then `dead` as retries_exhausted;
 * - 429 → the same, but Retry-After (when given) pauses every worker, and no attempt is spent:
 *   rate limiting never dead-letters a record;
 * - every retry spends one of retry_budget;
 * - 400/413 → the batch is split in halves until the offending record is alone, then dead-lettered;
 * - 401/403, another 4xx, `circuit_failures` failed requests in a row, or an exhausted
 *   retry_budget stop the delivery: no new request leaves, those out finish and are recorded,
 *   everything else stays `pending` for the next delivery.
 */
export class DeliveryLoop {
  private readonly stats: LoopStats = {
    accepted: 0,
    deadLetter: 0,
    deadByReason: new Map(),
    requests: 0,
    retries: 0,
    rateLimited: 0,
    ambiguous: 0,
    inFlight: 0,
    stopped: null,
    aborted: false,
  };
  private readonly retryQueue: Unit[] = [];
  private cursor = 0;
  private active = 0;
  private consecutiveFailures = 0;
  private pauseUntil = 0;
  private failure: unknown = null;
  private readonly wakeup = new Wakeup();
  private readonly cancel = new AbortController();
  private readonly started = performance.now();

  constructor(private readonly input: LoopInput) {
    // Every request out listens for cancellation: up to `concurrency` listeners at once, by design.
    setMaxListeners(input.config.concurrency + 5, this.cancel.signal);
  }

  async run(): Promise<LoopStats> {
    const { signal } = this.input;
    const onAbort = (): void => {
      this.stats.aborted = true;
      this.stop('aborted');
      this.cancel.abort();
    };
    if (signal?.aborted === true) onAbort();
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      const workers = Array.from({ length: this.input.config.concurrency }, () => this.worker());
      await Promise.all(workers);
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
    if (this.failure !== null) throw this.failure;
    return this.stats;
  }

  private async worker(): Promise<void> {
    try {
      for (let unit = await this.nextUnit(); unit !== null; unit = await this.nextUnit()) await this.send(unit);
    } catch (err) {
      // A ledger write failed: nothing more may be sent, since its outcome could not be recorded.
      this.failure ??= err;
      this.stop('ledger write failed');
      this.cancel.abort();
    }
  }

  private stop(reason: string): void {
    this.stats.stopped ??= reason;
    this.wakeup.wake();
  }

  private async nextUnit(): Promise<Unit | null> {
    const { toSend, config } = this.input;
    for (;;) {
      if (this.stats.stopped !== null) return null;
      const now = Date.now();
      if (this.pauseUntil > now) {
        await this.wakeup.sleep(this.pauseUntil - now);
        continue;
      }
      let soonest = Infinity;
      for (let i = 0; i < this.retryQueue.length; i++) {
        const unit = this.retryQueue[i]!;
        if (unit.notBefore <= now) {
          this.retryQueue.splice(i, 1);
          return unit;
        }
        soonest = Math.min(soonest, unit.notBefore);
      }
      if (this.cursor < toSend.length) {
        const positions = toSend.slice(this.cursor, this.cursor + config.batch_size);
        this.cursor += positions.length;
        return { positions, attempt: 1, throttles: 0, notBefore: 0 };
      }
      // Nothing ready: wait for the next retry to come due, or for a request out to add work.
      if (soonest < Infinity) await this.wakeup.sleep(soonest - now);
      else if (this.active > 0) await this.wakeup.sleep(60_000);
      else return null;
    }
  }

  private ids(positions: readonly number[]): number[] {
    const { accountIds } = this.input.run;
    return positions.map((p) => accountIds[p]!);
  }

  /** Counted as active from the intent to the recorded outcome: it may still add retries. */
  private async send(unit: Unit): Promise<void> {
    this.active++;
    try {
      await this.sendUnit(unit);
    } finally {
      this.active--;
      this.wakeup.wake();
    }
  }

  private async sendUnit(unit: Unit): Promise<void> {
    const { ledger, run, uploader } = this.input;
    const ids = this.ids(unit.positions);
    await ledger.write([{ op: 'send', ids }]);
    if (this.cancel.signal.aborted) {
      // Cancelled while the intent was being written: nothing left, so nothing is in doubt.
      await ledger.write([{ op: 'release', ids }]);
      return;
    }
    this.stats.inFlight += ids.length;
    const outcome = await uploader.post(run.payloads.body(unit.positions), this.cancel.signal);
    // Aborted mid-request: unknown whether CleverTap got it, so the records stay in_flight for the
    // next delivery's policy.
    if (outcome.kind === 'aborted') return;
    this.stats.inFlight -= ids.length;
    this.stats.requests++;
    await ledger.write(this.handle(unit, outcome));
    this.report();
  }

  /** Turns one request's outcome into ledger operations, queueing retries and tripping the circuit. */
  private handle(unit: Unit, outcome: Exclude<UploadOutcome, { kind: 'aborted' }>): JournalOp[] {
    const { config } = this.input;
    if (outcome.kind === 'timeout') return this.failed(unit, null, `timeout after ${config.timeout_ms} ms`, null);
    if (outcome.kind === 'network') return this.failed(unit, null, `connection error (${outcome.message})`, null);
    const { status } = outcome;
    if (status === 200) {
      const { crmIds, profileIds } = this.input.run;
      const answer = readUploadAnswer(outcome.body, {
        size: unit.positions.length,
        identity: (k) => crmIds[unit.positions[k]!]!,
        profileId: (k) => profileIds[unit.positions[k]!]!,
      });
      if (answer.kind === 'failed') return this.failed(unit, 200, `HTTP 200 without per-record answer: ${answer.message}`, null);
      this.consecutiveFailures = 0;
      return this.recordAnswer(unit, answer.failures, answer.ambiguous);
    }
    if (status === 429) return this.throttled(unit, outcome.retryAfterMs);
    if (status >= 500) return this.failed(unit, status, `HTTP ${status}`, null);
    if (status === 401 || status === 403) {
      this.stop(`CleverTap refused the credentials (HTTP ${status}): check CLEVERTAP_ACCOUNT_ID, CLEVERTAP_PASSCODE and the region/endpoint`);
      return [{ op: 'release', ids: this.ids(unit.positions) }];
    }
    if (status === 400 || status === 413) return this.rejected(unit, status, outcome.body);
    this.stop(`the endpoint answered HTTP ${status}: check CLEVERTAP_ENDPOINT / CLEVERTAP_REGION`);
    return [{ op: 'release', ids: this.ids(unit.positions) }];
  }

  private recordAnswer(unit: Unit, failures: readonly { position: number; code: number | null; message: string; transient: boolean }[], ambiguous: boolean): JournalOp[] {
    const ops: JournalOp[] = [];
    const failed = new Set<number>();
    const dead = new Map<string, { code: number | null; message: string; positions: number[] }>();
    const retry: number[] = [];
    let lastTransient = '';
    let lastCode: number | null = null;
    for (const f of failures) {
      const position = unit.positions[f.position]!;
      failed.add(position);
      if (f.transient) {
        retry.push(position);
        lastTransient = f.code === null ? f.message : `${f.code} ${f.message}`;
        lastCode = f.code;
      } else {
        const key = `${f.code}\u0000${f.message}`;
        (dead.get(key) ?? dead.set(key, { code: f.code, message: f.message, positions: [] }).get(key)!).positions.push(position);
      }
    }
    const rest = unit.positions.filter((p) => !failed.has(p));
    if (ambiguous) {
      // We cannot tell which unlisted record failed: none is called accepted; all go again.
      this.stats.ambiguous++;
      retry.push(...rest);
      lastTransient = 'answer could not be matched to the batch';
    } else if (rest.length > 0) {
      ops.push({ op: 'accept', ids: this.ids(rest) });
      this.stats.accepted += rest.length;
    }
    for (const d of dead.values()) ops.push(this.dead(d.positions, d.code, d.message, `${d.code} ${d.message}`));
    if (retry.length > 0) ops.push(...this.retryLater({ ...unit, positions: retry }, lastCode, lastTransient, null));
    return ops;
  }

  /**
   * 429 means "slow down", not "failing": it neither counts towards the circuit nor spends one of
   * the records' max_attempts (rate limiting must never dead-letter a record), but each retry
   * spends retry_budget, which bounds a storm that never ends. Retry-After pauses every worker.
   */
  private throttled(unit: Unit, retryAfterMs: number | null): JournalOp[] {
    this.stats.rateLimited++;
    if (retryAfterMs !== null) this.pauseUntil = Math.max(this.pauseUntil, Date.now() + Math.min(retryAfterMs, MAX_RETRY_AFTER_MS));
    return this.retryLater(unit, 429, 'HTTP 429 (rate limited)', retryAfterMs, false);
  }

  /** A request that failed as a whole (no per-record answer). */
  private failed(unit: Unit, code: number | null, error: string, retryAfterMs: number | null): JournalOp[] {
    this.consecutiveFailures++;
    if (this.consecutiveFailures >= this.input.config.circuit_failures) {
      this.stop(`the endpoint failed ${this.consecutiveFailures} requests in a row (last: ${error})`);
    }
    return this.retryLater(unit, code, error, retryAfterMs);
  }

  /** Queues the unit again after backoff; `spendsAttempt` is false only for a 429. */
  private retryLater(unit: Unit, code: number | null, error: string, retryAfterMs: number | null, spendsAttempt = true): JournalOp[] {
    const { config } = this.input;
    if (spendsAttempt && unit.attempt >= config.max_attempts) return [this.dead(unit.positions, code, `retries_exhausted: ${error}`, `retries_exhausted: ${error.replace(/ \(.*$/, '')}`)];
    if (this.stats.retries >= config.retry_budget) {
      this.stop(`retry budget of ${config.retry_budget} retries exhausted (last: ${error})`);
      return [{ op: 'release', ids: this.ids(unit.positions) }];
    }
    this.stats.retries++;
    const next = spendsAttempt ? { ...unit, attempt: unit.attempt + 1 } : { ...unit, throttles: unit.throttles + 1 };
    const backoff = fullJitterDelay(next.attempt + next.throttles - 1, config.backoff_base_ms, config.backoff_max_ms);
    this.retryQueue.push({ ...next, notBefore: Date.now() + (retryAfterMs !== null ? Math.min(retryAfterMs, MAX_RETRY_AFTER_MS) : backoff) });
    return [{ op: 'release', ids: this.ids(unit.positions) }];
  }

  /** 400/413 for a whole batch: halve it until the bad record stands alone, then dead-letter it. */
  private rejected(unit: Unit, status: number, body: string): JournalOp[] {
    this.consecutiveFailures++;
    if (this.consecutiveFailures >= this.input.config.circuit_failures) {
      this.stop(`the endpoint failed ${this.consecutiveFailures} requests in a row (last: HTTP ${status})`);
    }
    const detail = body.replace(/\s+/g, ' ').trim().slice(0, 200);
    if (unit.positions.length === 1) return [this.dead(unit.positions, status, `HTTP ${status}${detail === '' ? '' : `: ${detail}`}`, `HTTP ${status}`)];
    if (this.stats.retries >= this.input.config.retry_budget) {
      this.stop(`retry budget of ${this.input.config.retry_budget} retries exhausted (last: HTTP ${status})`);
      return [{ op: 'release', ids: this.ids(unit.positions) }];
    }
    this.stats.retries++;
    const half = Math.ceil(unit.positions.length / 2);
    this.retryQueue.push(
      { ...unit, positions: unit.positions.slice(0, half), notBefore: 0 },
      { ...unit, positions: unit.positions.slice(half), notBefore: 0 },
    );
    return [{ op: 'release', ids: this.ids(unit.positions) }];
  }

  /** `label` groups dead letters in the summary; `reason` is the full story kept in the ledger. */
  private dead(positions: readonly number[], code: number | null, reason: string, label: string): JournalOp {
    this.stats.deadByReason.set(label, (this.stats.deadByReason.get(label) ?? 0) + positions.length);
    this.stats.deadLetter += positions.length;
    return { op: 'dead', ids: this.ids(positions), code, reason };
  }

  private report(): void {
    const { onProgress, toSend, campaignDate } = this.input;
    if (onProgress === undefined) return;
    const s = this.stats;
    onProgress({
      campaign_date: campaignDate,
      to_send: toSend.length,
      accepted: s.accepted,
      dead_letter: s.deadLetter,
      pending: toSend.length - s.accepted - s.deadLetter - s.inFlight,
      in_flight: s.inFlight,
      retries: s.retries,
      rate_limited: s.rateLimited,
      elapsed_ms: Math.round(performance.now() - this.started),
    });
  }
}
