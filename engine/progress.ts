/** The phases a run reports, in order. */
export const RUN_PHASES = ['load', 'profiles', 'pools', 'recommend', 'validate', 'write', 'deliver'] as const;
export type RunPhase = (typeof RUN_PHASES)[number];

/** What a phase counts its progress in. */
export type ProgressUnit = 'rows' | 'accounts' | 'profiles' | 'files' | 'steps' | 'records';

/**
 * Progress of a run: `start` and `end` once per phase, `progress` in between (at most every
 * 100 ms) with `done` of `total` `unit`s — every phase counts: the load its input rows (all tables,
 * totals from the Parquet footers), the passes their accounts, validation its profiles, the write
 * its files. `end` carries the phase's `done` = `total` too.
 */
export interface ProgressEvent {
  phase: RunPhase;
  /** Which run of a command that makes several (a preview: `old`, `new`, or `shared` for the one load); absent for a plain run. */
  run?: string;
  state: 'start' | 'progress' | 'end';
  /** What the phase is doing now (the load: the table being read). */
  detail?: string;
  done?: number;
  total?: number;
  unit?: ProgressUnit;
  /** Since the phase started. */
  elapsedMs?: number;
  /** On `start`: how long this phase took in the previous run under the same output root (its manifest), for an ETA; absent without one. */
  expectedMs?: number;
  /** On `start`: how long the whole previous run took (its manifest's `timings_ms.total`). */
  expectedTotalMs?: number;
  /** Once the run knows its run id (after the load), on the events that follow. */
  runId?: string;
}

export type ProgressListener = (event: ProgressEvent) => void;

/** How a phase counts its progress (internal to the engine): a total, and `done` from the main thread and a counter shared with workers. */
export interface PhaseCounter {
  readonly unit: ProgressUnit;
  total: number;
  /** Adds to `done` (main-thread work). */
  add(n: number): void;
  /** A counter the workers add to (Atomics; 64-bit: a load counts billions of rows), read with the main-thread part. */
  readonly shared: BigInt64Array;
  done(): number;
}
