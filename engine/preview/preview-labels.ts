import type { DriftResult } from '../drift/drift-types.js';
import { scenarioLabel, statusLabel } from '../labels/human-labels.js';
import type { AccountSelection, ConfigSource } from './preview-types.js';

/** Where a side's config came from, in a few words. */
export function sourceText(source: ConfigSource): string {
  switch (source.kind) {
    case 'defaults':
      return 'the defaults';
    case 'object':
      return 'a config object';
    case 'file':
      return source.path;
    case 'run':
      return `the config of run ${source.runId ?? '(no run id)'} (${source.runDir})`;
    case 'override':
      return `override '${source.override}' of ${source.path ?? 'a config object'}, forced on`;
  }
}

/** A config value as a reader writes it: strings bare, `(unset)` for absent or null. */
export function configValueText(value: unknown): string {
  if (value === undefined || value === null) return '(unset)';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** The drift guard's verdict in one phrase. */
export function driftText(drift: DriftResult): string {
  const against = drift.baseline === null ? '' : ` against the run of ${drift.baseline.date}`;
  switch (drift.status) {
    case 'ok':
      return `ok${against}`;
    case 'warned':
      return `warned${against}: ${drift.reasons.length} bound${drift.reasons.length === 1 ? '' : 's'} exceeded`;
    case 'failed':
      return `fails${against}: ${drift.reasons.length} bound${drift.reasons.length === 1 ? '' : 's'} exceeded, the run would not be delivered`;
    case 'no_baseline':
      return 'nothing to compare with (no published run before the date)';
    case 'off':
      return 'drift guard off';
  }
}

/** A selection row as "scenario · show id "title" · status"; `not selected` when the account has none. */
export function selectionText(s: AccountSelection | null): string {
  if (s === null) return 'not selected';
  const show = s.showId === null ? 'no show' : `${s.showId} "${s.title}"`;
  return `${s.scenario === null ? 'no scenario' : scenarioLabel(s.scenario)} · ${show} · ${statusLabel(s.status)}`;
}
