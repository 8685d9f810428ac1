import { setMaxListeners } from 'node:events';
import type { DeliveryConfig } from '../config/config-types.js';
import type { DateLedger } from '../../io/ledger/date-ledger.js';
import type { JournalOp } from '../../io/ledger/journal-ops.js';
import { fullJitterDelay, MAX_RETRY_AFTER_MS, outageWindowMs, Wakeup } from './backoff.js';
import type { DeliveryProgress } from './delivery-types.js';
import type { RunRecords } from './run-records.js';
import type { UploadOutcome } from '../../io/clevertap/upload-client.js';
import { readErrorAnswer, readUploadAnswer } from '../../io/clevertap/upload-response.js';
import { isUnknownOutcome, isUnknownOutcomeReason, unknownOutcomeReason } from './unknown-outcome.js';

/** The part of UploadClient the loop needs (tests may stand in for it). */
export interface Uploader {
  post(body: Buffer, signal?: AbortSignal): Promise<UploadOutcome>;
  /** Blanks the credentials out of a server-provided text before it is stored or printed. */
  redact(text: string): string;
}

/** Records (by run index) that travel together in one request. */
interface Unit {
  positions: number[];
  /** This delivery's attempt number for these records, 1-based (429s excluded). */
  attempt: number;
  /** 429 answers so far: they lengthen the backoff but spend no attempt. */
  throttles: number;
  /**
   * An earlier request carrying these records had an unknown outcome (resend policy): CleverTap
   * may have them, so sending them again may duplicate them, and they stay `in_flight` in the
   * ledger — never `pending` — until an outcome is known.
   */
  unknown: boolean;
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
  /** Requests whose outcome is unknown (see isUnknownOutcome), unmatched 200 answers included. */
  unknownOutcomes: number;
  /** Records held because their request's outcome was unknown (`in_flight_policy: hold`). */
  held: number;
  heldByReason: Map<string, number>;
  /** Record sends that followed an unknown outcome of the same record: at most this many duplicates. */
  possibleDuplicates: number;
  /** Records with a request out (while running); once run() returns, records left `in_flight` in the ledger. */
  inFlight: number;
  /** Once run() returns: records of `toSend` left pending. */
  pending: number;
  stopped: string | null;
  /** The endpoint refused the credentials or the request itself: a person must fix it, retrying later will not help. */
  refused: boolean;
  aborted: boolean;
}

export interface LoopInput {
  campaignDate: string;
  /** The endpoint's host, for messages. */
  endpoint: string;
  ledger: DateLedger;
  run: RunRecords;
  /** Run indices to send, in order. */
  toSend: readonly number[];
  config: DeliveryConfig;
  uploader: Uploader;
  /** Interrupts the delivery: no new request leaves; those out finish (answer or timeout) and are recorded. */
  signal?: AbortSignal;
  /** Cuts the requests still out, once `signal` fired or with it: their outcome is unknown (see `cut`). */
  cutSignal?: AbortSignal;
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
 * - 5xx, a 200 without a per-record answer, and timeouts or connection errors before the request
 *   was whole (refused, reset, DNS, TLS handshake) → `release` and retry after full-jitter
 *   backoff, up to max_attempts; then the records stay pending for the next delivery, which this
 *   one ends by failing (see `giveUp`): a failing endpoint never dead-letters a record;
 * - an unknown outcome (no answer after the whole request left, 502/504, a 200 that cannot be
 *   matched to the batch: CleverTap may have the records) → `hold` with the reason under
 *   `in_flight_policy: hold` (never sent again automatically); under `resend`, retried like a
 *   failure but left `in_flight` until an outcome is known (also once max_attempts are used up),
 *   each re-send counted as a possible duplicate;
 * - 429 → the same, but Retry-After (when given) pauses every worker, and no attempt is spent:
 *   rate limiting never dead-letters a record;
 * - every retry spends one of retry_budget;
 * - 400/413 → the batch is split in halves until the offending record is alone, then dead-lettered;
 * - dead letters are per-record rejections only: that, a permanent `unprocessed` code, or a
 *   transient one that persisted for max_attempts;
 * - 401/403, another 4xx, an outage (see `countFailure`), or an exhausted retry_budget stop the
 *   delivery: no new request leaves, those out finish and are recorded, everything else stays
 *   `pending` for the next delivery.
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
    unknownOutcomes: 0,
    held: 0,
    heldByReason: new Map(),
    possibleDuplicates: 0,
    inFlight: 0,
    pending: 0,
    stopped: null,
    refused: false,
    aborted: false,
  };
  private readonly retryQueue: Unit[] = [];
  private cursor = 0;
  private active = 0;
  /** Failed requests since the last answered one, and when the first of them failed. */
  private readonly streak = { failures: 0, since: 0 };
  /** Records left unsent because every attempt of their request failed, and the last failure. */
  private readonly gaveUp = { records: 0, lastError: '' };
  private readonly outageMs: number;
  private pauseUntil = 0;
  private failure: unknown = null;
  private readonly wakeup = new Wakeup();
  private readonly cancel = new AbortController();
  private readonly started = performance.now();

  constructor(private readonly input: LoopInput) {
    // Every request out listens for cancellation: up to `concurrency` listeners at once, by design.
    setMaxListeners(input.config.concurrency + 5, this.cancel.signal);
    this.outageMs = outageWindowMs(input.config.backoff_base_ms, input.config.backoff_max_ms);
  }

  /**
   * Sends until every record has an outcome or the delivery stops. Interrupted (`signal`), it
   * drains: the requests out get their answer (recorded as usual: accepted when CleverTap says so)
   * or time out (an unknown outcome), so none is left in flight without cause; `cutSignal` cuts
   * them at once instead.
   */
  async run(): Promise<LoopStats> {
    const { signal, cutSignal } = this.input;
    const onInterrupt = (): void => {
      this.stats.aborted = true;
      this.stop('interrupted');
    };
    const onCut = (): void => {
      onInterrupt();
      this.cancel.abort();
    };
    if (signal?.aborted === true) onInterrupt();
    if (cutSignal?.aborted === true) onCut();
    signal?.addEventListener('abort', onInterrupt, { once: true });
    cutSignal?.addEventListener('abort', onCut, { once: true });
    try {
      const workers = Array.from({ length: this.input.config.concurrency }, () => this.worker());
      await Promise.all(workers);
    } finally {
      signal?.removeEventListener('abort', onInterrupt);
      cutSignal?.removeEventListener('abort', onCut);
    }
    if (this.failure !== null) throw this.failure;
    if (this.gaveUp.records > 0) this.stop(`the endpoint ${this.input.endpoint} failed all ${this.input.config.max_attempts} attempts of ${this.gaveUp.records} records (last: ${this.gaveUp.lastError})`);
    this.countLeftOver();
    return this.stats;
  }

  /** What the ledger says of the records this delivery did not finish: pending, or in flight. */
  private countLeftOver(): void {
    const { ledger, run, toSend } = this.input;
    let pending = 0;
    let inFlight = 0;
    for (const position of toSend) {
      const status = ledger.table.status(ledger.table.rowOf(run.accountIds[position]!));
      if (status === 'pending') pending++;
      else if (status === 'in_flight') inFlight++;
    }
    this.stats.pending = pending;
    this.stats.inFlight = inFlight;
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

  private stop(reason: string, refused = false): void {
    if (this.stats.stopped === null) this.stats.refused = refused;
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
        return { positions, attempt: 1, throttles: 0, unknown: false, notBefore: 0 };
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
    if (unit.unknown) this.stats.possibleDuplicates += ids.length;
    const outcome = await uploader.post(run.payloads.body(unit.positions), this.cancel.signal);
    this.stats.inFlight -= ids.length;
    if (outcome.kind !== 'aborted' || outcome.sent) this.stats.requests++;
    await ledger.write(outcome.kind === 'aborted' ? this.cut(unit, outcome.sent) : this.handle(unit, outcome));
    this.report();
  }

  /**
   * A request cut by an abort. Cut before it was whole, it cannot have been processed: pending
   * again. Otherwise its outcome is unknown: held (hold), or left in flight (resend), so the
   * next delivery sends it again and counts it as a possible duplicate.
   */
  private cut(unit: Unit, sent: boolean): JournalOp[] {
    if (!sent) return this.letGo(unit);
    this.stats.unknownOutcomes++;
    return this.input.config.in_flight_policy === 'hold' ? [this.hold(unit.positions, 'interrupted while in flight')] : [];
  }

  /** Puts records back for a later send: pending, or still in flight when CleverTap may have them. */
  private letGo(unit: Unit): JournalOp[] {
    return unit.unknown ? [] : [{ op: 'release', ids: this.ids(unit.positions) }];
  }

  /** Turns one request's outcome into ledger operations, queueing retries and tripping the circuit. */
  private handle(unit: Unit, outcome: Exclude<UploadOutcome, { kind: 'aborted' }>): JournalOp[] {
    const { config } = this.input;
    if (isUnknownOutcome(outcome)) {
      const what =
        outcome.kind === 'timeout'
          ? `timeout after ${config.timeout_ms} ms`
          : outcome.kind === 'network'
            ? `connection lost after the request was sent (${outcome.message})`
            : `HTTP ${outcome.status}`;
      this.countFailure(what);
      return this.unknown(unit, outcome.kind === 'response' ? outcome.status : null, what);
    }
    if (outcome.kind === 'timeout') return this.failed(unit, null, `timeout after ${config.timeout_ms} ms before the request was sent`);
    if (outcome.kind === 'network') return this.failed(unit, null, `connection error (${outcome.message})`);
    const { status } = outcome;
    if (status === 200) {
      const { crmIds, profileIds } = this.input.run;
      const answer = readUploadAnswer(
        outcome.body,
        {
          size: unit.positions.length,
          identity: (k) => crmIds[unit.positions[k]!]!,
          profileId: (k) => profileIds[unit.positions[k]!]!,
        },
        this.input.uploader.redact,
      );
      if (answer.kind === 'failed') return this.failed(unit, 200, `HTTP 200 without per-record answer: ${answer.message}`);
      this.streak.failures = 0;
      return this.recordAnswer(unit, answer.failures, answer.ambiguous);
    }
    if (status === 429) return this.throttled(unit, outcome.retryAfterMs);
    if (status >= 500) return this.failed(unit, status, `HTTP ${status}`);
    if (status === 401 || status === 403) {
      this.stop(`CleverTap refused the credentials (HTTP ${status}): check CLEVERTAP_ACCOUNT_ID, CLEVERTAP_PASSCODE and the region/endpoint`, true);
      return this.letGo(unit);
    }
    if (status === 400 || status === 413) return this.rejected(unit, status, outcome.body);
    this.stop(`the endpoint answered HTTP ${status}: check CLEVERTAP_ENDPOINT / CLEVERTAP_REGION`, true);
    return this.letGo(unit);
  }

  /**
   * Records whose request had an unknown outcome. `hold`: held at once with the reason, never sent
   * again by a delivery (only --retry-dead-letters does). `resend`: retried like a failure, but
   * they stay in flight and every re-send counts as a possible duplicate.
   */
  private unknown(unit: Unit, code: number | null, what: string): JournalOp[] {
    this.stats.unknownOutcomes++;
    if (this.input.config.in_flight_policy === 'hold') return [this.hold(unit.positions, what)];
    return this.retryLater({ ...unit, unknown: true }, code, unknownOutcomeReason(what), { retryAfterMs: null, perRecord: false });
  }

  private hold(positions: readonly number[], what: string): JournalOp {
    this.stats.held += positions.length;
    this.stats.heldByReason.set(what, (this.stats.heldByReason.get(what) ?? 0) + positions.length);
    return { op: 'hold', ids: this.ids(positions), reason: unknownOutcomeReason(what) };
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
      // We cannot tell which unlisted record failed: none is called accepted, and each may be at
      // CleverTap already: an unknown outcome.
      this.stats.ambiguous++;
      if (rest.length > 0) ops.push(...this.unknown({ ...unit, positions: rest }, 200, 'HTTP 200 whose answer could not be matched to the batch'));
    } else if (rest.length > 0) {
      ops.push({ op: 'accept', ids: this.ids(rest) });
      this.stats.accepted += rest.length;
    }
    for (const d of dead.values()) ops.push(this.dead(d.positions, d.code, d.message, `${d.code} ${d.message}`));
    if (retry.length > 0) ops.push(...this.retryLater({ ...unit, positions: retry }, lastCode, lastTransient, { retryAfterMs: null, perRecord: true }));
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
    return this.retryLater(unit, 429, 'HTTP 429 (rate limited)', { retryAfterMs, perRecord: false, spendsAttempt: false });
  }

  /** A request that failed as a whole (no per-record answer), and certainly was not processed. */
  private failed(unit: Unit, code: number | null, error: string): JournalOp[] {
    this.countFailure(error);
    return this.retryLater(unit, code, error, { retryAfterMs: null, perRecord: false });
  }

  /**
   * The circuit: it opens once `circuit_failures` requests in a row failed (no request answered
   * between) AND the streak has outlasted the backoff's first rounds (outageWindowMs). Counting
   * alone opened it on a burst: 15 requests out fail together and the next 5 follow before any
   * backoff acted. Time alone would let batches use up their attempts during a long outage.
   */
  private countFailure(error: string): void {
    const now = performance.now();
    if (this.streak.failures === 0) this.streak.since = now;
    this.streak.failures++;
    if (this.streak.failures >= this.input.config.circuit_failures && now - this.streak.since >= this.outageMs) this.openCircuit(error);
  }

  private openCircuit(lastError: string): void {
    const lasted = (performance.now() - this.streak.since) / 1000;
    this.stop(`the endpoint ${this.input.endpoint} failed ${this.streak.failures} requests in a row over ${lasted.toFixed(1)} s (last: ${lastError})`);
  }

  /**
   * Queues the unit again after backoff. Once it used up max_attempts: records CleverTap refused
   * one by one (`perRecord`: a transient `unprocessed` code that persisted) are dead-lettered;
   * records whose whole request kept failing are not — the endpoint failed, not the records:
   * they are let go (pending, or in flight after an unknown outcome) for the next delivery, and
   * this one ends with the outage as its reason. `spendsAttempt` is false only for a 429.
   */
  private retryLater(unit: Unit, code: number | null, error: string, how: { retryAfterMs: number | null; perRecord: boolean; spendsAttempt?: boolean }): JournalOp[] {
    const { config } = this.input;
    const { retryAfterMs, perRecord, spendsAttempt = true } = how;
    if (spendsAttempt && unit.attempt >= config.max_attempts && !perRecord) {
      // Every request is failing, not just this batch's: the endpoint is down; stop now.
      if (this.streak.failures >= config.circuit_failures) this.openCircuit(error);
      this.gaveUp.records += unit.positions.length;
      this.gaveUp.lastError = error;
      return this.letGo(unit);
    }
    if (spendsAttempt && unit.attempt >= config.max_attempts) {
      // The reason keeps saying so when an earlier attempt's outcome was unknown.
      const reason = unit.unknown && !isUnknownOutcomeReason(error) ? unknownOutcomeReason(error) : error;
      return [this.dead(unit.positions, code, `retries_exhausted: ${reason}`, `retries_exhausted: ${reason.replace(/ \([^)]*\)/g, '')}`)];
    }
    if (this.stats.retries >= config.retry_budget) {
      this.stop(`retry budget of ${config.retry_budget} retries exhausted (last: ${error})`);
      return this.letGo(unit);
    }
    this.stats.retries++;
    const next = spendsAttempt ? { ...unit, attempt: unit.attempt + 1 } : { ...unit, throttles: unit.throttles + 1 };
    const backoff = fullJitterDelay(next.attempt + next.throttles - 1, config.backoff_base_ms, config.backoff_max_ms);
    this.retryQueue.push({ ...next, notBefore: Date.now() + (retryAfterMs !== null ? Math.min(retryAfterMs, MAX_RETRY_AFTER_MS) : backoff) });
    return this.letGo(unit);
  }

  /** 400/413 for a whole batch: halve it until the bad record stands alone, then dead-letter it. */
  private rejected(unit: Unit, status: number, body: string): JournalOp[] {
    this.countFailure(`HTTP ${status}`);
    const detail = readErrorAnswer(body, this.input.uploader.redact);
    if (unit.positions.length === 1) return [this.dead(unit.positions, status, `HTTP ${status}${detail === null ? '' : `: ${detail}`}`, `HTTP ${status}`)];
    if (this.stats.retries >= this.input.config.retry_budget) {
      this.stop(`retry budget of ${this.input.config.retry_budget} retries exhausted (last: HTTP ${status})`);
      return this.letGo(unit);
    }
    this.stats.retries++;
    const half = Math.ceil(unit.positions.length / 2);
    this.retryQueue.push(
      { ...unit, positions: unit.positions.slice(0, half), notBefore: 0 },
      { ...unit, positions: unit.positions.slice(half), notBefore: 0 },
    );
    return this.letGo(unit);
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
      pending: toSend.length - s.accepted - s.deadLetter - s.held - s.inFlight,
      in_flight: s.inFlight,
      retries: s.retries,
      rate_limited: s.rateLimited,
      elapsed_ms: Math.round(performance.now() - this.started),
    });
  }
}
