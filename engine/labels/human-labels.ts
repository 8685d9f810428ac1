/**
 * The words people read for the engine's machine names: HTML pages and terminal text say
 * "Cluster discovery" and "Control group", while JSON and Parquet keep `cluster_discovery` and
 * `holdout`. A name without a label (a segment a config defines, a future status) reads as its
 * words: `binge_watchers` → "Binge watchers".
 */

const SCENARIO_LABELS: Readonly<Record<string, string>> = {
  cluster_discovery: 'Cluster discovery',
  re_engagement: 'Re-engagement',
  trending: 'Trending',
  avod: 'AVOD',
};

const SEGMENT_LABELS: Readonly<Record<string, string>> = {
  at_risk: 'At risk',
  needs_attention: 'Needs attention',
};

const TREATMENT_LABELS: Readonly<Record<string, string>> = {
  svod: 'Subscription (SVOD)',
  avod: 'Ad-supported (AVOD)',
};

/** `send` is "Targeted": chosen for a push, whatever delivery then did (intent-to-treat). */
const STATUS_LABELS: Readonly<Record<string, string>> = {
  send: 'Targeted',
  holdout: 'Control group',
  frequency_capped: 'Frequency capped',
  no_candidates: 'No candidates',
};

const INELIGIBLE_LABELS: Readonly<Record<string, string>> = {
  inactive: 'inactive profile',
  kids: 'kids profile',
  orphan: 'no account',
  no_crm_id: 'no CleverTap id',
  no_consent: 'no push consent',
};

/** `needs_attention` → "Needs attention": the words of a snake_case name, first letter capital. */
export function wordsOf(name: string): string {
  const words = name.replace(/_/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

function label(table: Readonly<Record<string, string>>, name: string): string {
  return Object.hasOwn(table, name) ? table[name]! : wordsOf(name);
}

export const scenarioLabel = (name: string): string => label(SCENARIO_LABELS, name);
export const segmentLabel = (name: string): string => label(SEGMENT_LABELS, name);
export const treatmentLabel = (name: string): string => label(TREATMENT_LABELS, name);
export const statusLabel = (name: string): string => label(STATUS_LABELS, name);
export const ineligibleLabel = (name: string): string => label(INELIGIBLE_LABELS, name);

/** A labeller by breakdown dimension; regions are data and keep their names. */
export function dimensionLabel(dimension: string): (name: string) => string {
  switch (dimension) {
    case 'scenario':
      return scenarioLabel;
    case 'rfm_segment':
      return segmentLabel;
    case 'treatment':
      return treatmentLabel;
    case 'status':
      return statusLabel;
    default:
      return (name) => name;
  }
}

const DRIFT_STATUS_LABELS: Readonly<Record<string, string>> = {
  ok: 'Within bounds',
  warned: 'Warning',
  failed: 'Would stop delivery',
  no_baseline: 'No earlier run',
  off: 'Off',
};

/** The drift guard's verdict as a heading (`no_baseline` → "No earlier run"). */
export const driftStatusLabel = (name: string): string => label(DRIFT_STATUS_LABELS, name);
