import { log } from './log.js';

/** The two steps of an interrupt: stop starting work, then cut what is under way. */
export interface Interrupts {
  /** Fires on the first SIGINT or SIGTERM. */
  stop: AbortSignal;
  /** Fires on the second. */
  cut: AbortSignal;
  /** Gives the signals back to their default handlers. */
  dispose(): void;
}

let received: NodeJS.Signals | null = null;

/** The signal that stopped this process's command, if one did: its exit status is 128 + its number. */
export function receivedSignal(): NodeJS.Signals | null {
  return received;
}

/** What a delivery does on the first interrupt. */
export const DRAINING = 'finishing the requests out (each answers or times out); interrupt again to cut them';

/**
 * Catches SIGINT and SIGTERM for a command whose work must end recorded, not cut: the first fires
 * `stop` and prints `onStop`'s hint on stderr, the second fires `cut`, a third gets the default
 * handling (the process dies).
 */
export function catchInterrupts(onStop: (signal: NodeJS.Signals) => string): Interrupts {
  const stop = new AbortController();
  const cut = new AbortController();
  const onSignal = (signal: NodeJS.Signals): void => {
    if (stop.signal.aborted) {
      cut.abort();
      dispose();
      return;
    }
    received = signal;
    // The reason reaches AbortedError.reason: the library's callers see which signal stopped it.
    stop.abort(signal);
    log('info', 'signal', `${signal}: ${onStop(signal)}`, { signal });
  };
  const dispose = (): void => {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return { stop: stop.signal, cut: cut.signal, dispose };
}
