import { StorageError } from '../errors.js';
import { StoreFailure } from './object-store.js';
import type { ObjectStore } from './object-store.js';
import type { StorageOptions } from './storage-options.js';

/** How hard one request is retried; bounded in count and in time. */
export interface RetryPolicy {
  maxRetries: number;
  /** Time one request may spend from its first attempt until a retry would start. */
  retryTimeoutMs: number;
  /** An attempt without a byte (answer or body) for this long is abandoned as a timeout. */
  idleTimeoutMs: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** In [0, 1): the jitter source (tests pass a fixed one). */
  random: () => number;
}

export function retryPolicy(options: StorageOptions): RetryPolicy {
  return {
    maxRetries: options.int('MAX_RETRIES'),
    retryTimeoutMs: options.int('RETRY_TIMEOUT') * 1000,
    idleTimeoutMs: options.int('TIMEOUT') * 1000,
    baseDelayMs: 100,
    maxDelayMs: 15_000,
    random: Math.random,
  };
}

/** An attempt's abort signal, fired by the caller's signal or by `idleTimeoutMs` without a kick. */
export class Watchdog {
  private readonly controller = new AbortController();
  private timer: NodeJS.Timeout | null = null;
  timedOut = false;
  private readonly onOuter = (): void => this.controller.abort();

  constructor(
    private readonly idleMs: number,
    private readonly outer: AbortSignal,
  ) {
    if (outer.aborted) this.controller.abort();
    else outer.addEventListener('abort', this.onOuter, { once: true });
    this.kick();
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** Something arrived: the idle clock starts again. */
  kick(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timedOut = true;
      this.controller.abort();
    }, this.idleMs);
  }

  clear(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.outer.removeEventListener('abort', this.onOuter);
  }
}

export interface RetryContext {
  store: ObjectStore;
  policy: RetryPolicy;
  signal: AbortSignal;
}

/**
 * Runs `attempt` until it succeeds. Retries failures the store marks retryable (5xx, 429, SlowDown
 * and other throttling, timeouts, resets) after a jittered exponential backoff ("full jitter":
 * uniform in [0, min(max, base·2^n)]) or the server's Retry-After, and recoverable ones (expired
 * credentials, a region redirect) once the store has recovered; each attempt is a new request,
 * signed afresh. Bounded by `maxRetries` and `retryTimeoutMs`: then a StorageError (retryable)
 * naming the URL, the attempts and the last answer. A failure that is not retryable is thrown as
 * the StoreFailure it is, for the caller to name (a 404 is a missing file, a 403 a permission).
 */
export async function withRetries<T>(ctx: RetryContext, url: string, what: string, attempt: (watchdog: Watchdog) => Promise<T>): Promise<T> {
  const started = Date.now();
  for (let n = 0; ; n++) {
    const watchdog = new Watchdog(ctx.policy.idleTimeoutMs, ctx.signal);
    let failure: StoreFailure;
    try {
      return await attempt(watchdog);
    } catch (err) {
      if (ctx.signal.aborted) throw ctx.signal.reason ?? err;
      if (watchdog.timedOut) failure = new StoreFailure(`timeout: nothing received for ${ctx.policy.idleTimeoutMs / 1000} s`, { retryable: true, code: 'timeout' });
      else if (err instanceof StoreFailure) failure = err;
      else throw err;
    } finally {
      watchdog.clear();
    }
    if (failure.recoverable && n < ctx.policy.maxRetries && (await ctx.store.recover(failure))) continue;
    if (!failure.retryable) throw failure;
    const elapsed = Date.now() - started;
    const backoff = failure.opts.retryAfterMs ?? Math.floor(ctx.policy.random() * Math.min(ctx.policy.maxDelayMs, ctx.policy.baseDelayMs * 2 ** n));
    if (n >= ctx.policy.maxRetries || elapsed + backoff > ctx.policy.retryTimeoutMs) {
      const why = n >= ctx.policy.maxRetries ? `${n + 1} attempts` : `${n + 1} attempts in ${Math.round(elapsed / 1000)} s (the next after ${Math.round(backoff / 1000)} s would pass RETRY_TIMEOUT)`;
      throw new StorageError(url, `${what} failed after ${why}; last answer: ${failure.answer} (${ctx.store.provider}); nothing was written, run again later`, true);
    }
    await sleep(backoff, ctx.signal);
  }
}

/** A StorageError for a failure that retrying does not fix: the URL, what was asked, the answer, the service and credentials. */
export function storageFailure(store: ObjectStore, url: string, what: string, failure: StoreFailure): StorageError {
  const denied = failure.status === 401 || failure.status === 403 || failure.recoverable || failure.answer.startsWith('no credentials');
  const hint = denied ? `; credentials: ${store.credentialSource()}` : '';
  return new StorageError(url, `${what}: ${failure.answer} (${store.provider}${hint})`);
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(signal.reason as Error);
      return;
    }
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal.reason as Error);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** At most `limit` tasks at once, first come first served. */
export class Limiter {
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly limit: number) {}

  async run<T>(task: () => Promise<T>): Promise<T> {
    // A finishing task hands its slot to the next waiting one, so no newcomer slips in between.
    if (this.active >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.active++;
    try {
      return await task();
    } finally {
      const next = this.waiting.shift();
      if (next === undefined) this.active--;
      else next();
    }
  }
}
