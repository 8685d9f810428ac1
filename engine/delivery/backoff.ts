/** A Retry-After longer than this is cut to it: a nightly job waits, but not indefinitely. */
export const MAX_RETRY_AFTER_MS = 5 * 60_000;

/**
 * "Full jitter" exponential backoff: a uniform delay in [0, min(max, base·2^(attempt−1))).
 * Spreading retries over the whole window keeps 15 workers from hammering a recovering endpoint
 * in lock-step.
 */
export function fullJitterDelay(attempt: number, baseMs: number, maxMs: number, random: () => number = Math.random): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.min(Math.max(attempt - 1, 0), 30));
  return Math.floor(random() * ceiling);
}

/** Retries whose backoff a failure streak must outlast before it counts as an outage. */
const OUTAGE_ROUNDS = 4;

/**
 * How long requests must keep failing, with no answered request between, before the endpoint is
 * taken to be down rather than hit by a burst: the full-jitter ceilings of the first
 * OUTAGE_ROUNDS retries added up (200 + 400 + 800 + 1600 ms = 3 s at the defaults). With 15
 * requests out, a burst of failures is over in a fraction of that, whatever it counted.
 */
export function outageWindowMs(baseMs: number, maxMs: number): number {
  let total = 0;
  for (let round = 1; round <= OUTAGE_ROUNDS; round++) total += Math.min(maxMs, baseMs * 2 ** (round - 1));
  return total;
}

/**
 * Resolves after `ms`, or earlier when `wake` fires (new work, a stop); never rejects.
 */
export class Wakeup {
  private waiters = new Set<() => void>();

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.waiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, Math.max(0, ms));
      this.waiters.add(done);
    });
  }

  wake(): void {
    for (const done of [...this.waiters]) done();
  }
}
