/** The phases a run reports, in order. */
export const RUN_PHASES = ['load', 'profiles', 'pools', 'recommend', 'validate', 'write', 'deliver'] as const;
export type RunPhase = (typeof RUN_PHASES)[number];

/**
 * Progress of a run: `start` and `end` once per phase, `progress` in between with `done` of
 * `total` units (rows or shards) where the phase can count them.
 */
export interface ProgressEvent {
  phase: RunPhase;
  /** Which run of a command that makes several (a preview: `old`, `new`, or `shared` for the one load); absent for a plain run. */
  run?: string;
  state: 'start' | 'progress' | 'end';
  detail?: string;
  done?: number;
  total?: number;
  elapsedMs?: number;
}

export type ProgressListener = (event: ProgressEvent) => void;
