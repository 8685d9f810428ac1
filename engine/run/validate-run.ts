import { ValidationError } from '../errors.js';
import type { ModelLabels } from '../model/campaign-model.js';
import { buildSelectionTable } from '../output/output-tables.js';
import type { OutputTable } from '../output/output-tables.js';
import { MAX_REPORTED, VALIDATION_CHECKS, validateSelection } from '../output/validate-outputs.js';
import type { ValidationReport } from '../output/validate-outputs.js';
import type { ShardRunner } from '../pool/shard-runner.js';
import type { RunStaging } from './run-staging.js';
import type { ShardPlan } from './shard-passes.js';

export interface CheckedSelection {
  selection: OutputTable;
  validation: ValidationReport;
}

/**
 * Phase `validate` (SPEC §10): the selection is built and checked on this thread while the
 * workers check the profile ranges; every check re-derives from the model, not from the passes.
 */
export async function validateRun(runner: ShardRunner, plan: ShardPlan, labels: ModelLabels, staging: RunStaging, breathe: () => Promise<void> = async () => undefined): Promise<CheckedSelection> {
  const { model, params, results } = plan;
  const P = model.profileCount;
  const parts = Math.max(1, runner.threads);
  const profileTasks = Array.from({ length: parts }, (_, k) =>
    runner.run({ kind: 'validate-profiles', model, profileIds: labels.profileIds, showIds: labels.showIds, results, from: Math.floor((P * k) / parts), to: Math.floor((P * (k + 1)) / parts) }),
  );
  const profileChecks = Promise.all(profileTasks);
  staging.track(profileChecks, ...profileTasks);
  // Between slices of the long steps on this thread: a signal is handled, and an aborted run stops.
  const building = buildSelectionTable(model, labels, results, params.segmentNames);
  let step = building.next();
  for (; step.done !== true; step = building.next()) await breathe();
  const selection = step.value;
  await breathe();
  const validation: ValidationReport = { checks: VALIDATION_CHECKS, rowsChecked: selection.rows, violations: validateSelection(model, labels, results, selection) };
  for (const reply of await profileChecks) {
    validation.rowsChecked += reply.rowsChecked;
    validation.violations.push(...reply.violations);
  }
  return { selection, validation };
}

/** Nothing is written when validation found a violation: the first MAX_REPORTED are reported. */
export function rejectViolations(validation: ValidationReport): void {
  if (validation.violations.length > 0) throw new ValidationError(validation.violations.slice(0, MAX_REPORTED));
}
