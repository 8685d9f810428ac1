import type { DriftMode } from '../config/config-types.js';

export type DriftStatus = 'ok' | 'warned' | 'failed' | 'no_baseline' | 'off';

/** One bound compared against the baseline run. `change` is signed: relative for counts, share points (0..1) for shares. */
export interface DriftCheck {
  metric: string;
  previous: number;
  current: number;
  change: number;
  limit: number;
  exceeded: boolean;
}

/** The drift guard's verdict on a run, recorded in its manifest under `drift`. */
export interface DriftResult {
  mode: DriftMode;
  status: DriftStatus;
  /** The earlier run compared against, or null (no earlier run, or mode off). */
  baseline: { date: string; run_id: string | null } | null;
  checks: DriftCheck[];
  /** One sentence per exceeded bound, naming the metric and both values. */
  reasons: string[];
  /** Checks that were not made, and why. */
  notes: string[];
  /** Earlier runs passed over as the baseline (unreadable manifest, failed and never delivered), and why. */
  ignored_baselines: string[];
}

/** What the guard compares, as recorded in a manifest's `counts`. */
export interface DriftCounts {
  sendAccounts: number;
  eligibleProfiles: number;
  /** `send` accounts per chosen scenario; null in manifests written before it was recorded. */
  sendScenario: Record<string, number> | null;
}
