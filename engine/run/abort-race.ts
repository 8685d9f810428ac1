import { abortedBy } from '../errors.js';

/**
 * `work`, or its AbortedError the moment `signal` fires, whichever comes first. The work itself is
 * told through the same signal (DuckDB interrupted, workers stopped) and winds down on its own;
 * its later failure is expected and dropped. This is what bounds an abort's latency in a phase
 * that cannot be interrupted at once (a file hashed on a worker, a long synchronous step ends
 * first): the caller's cleanup — terminating the workers, removing the staging directory,
 * releasing the lock — starts without waiting for it.
 */
export function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) {
    work.catch(() => undefined);
    return Promise.reject(abortedBy(signal));
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(abortedBy(signal));
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (err: unknown) => {
        signal.removeEventListener('abort', onAbort);
        // An interrupted step fails with its own error: the abort is the cause to report.
        reject(signal.aborted ? abortedBy(signal) : err);
      },
    );
  });
}
