import { ValidationError } from '../errors.js';
import type { ModelLabels } from '../model/campaign-model.js';
import { MAX_REPORTED, VALIDATION_CHECKS, validateSelection } from '../output/validate-outputs.js';
import type { ValidationReport } from '../output/validate-outputs.js';
import type { SelectionLabels } from '../output/output-tables.js';
import type { ShardRunner } from '../pool/shard-runner.js';
import type { RunStaging } from './run-staging.js';
import type { ShardPlan } from './shard-passes.js';

export interface CheckedSelection {
  /** Rows of the selection (one per account that reached rollup). */
  selectionRows: number;
  validation: ValidationReport;
}

/**
 * Phase `validate` (SPEC §10): the workers check the profile ranges while this thread checks the
 * selection's rows (from the model: its strings are only built where it is written); every check
 * re-derives from the model, not from the passes.
 */
export async function validateRun(runner: ShardRunner, plan: ShardPlan, labels: ModelLabels, staging: RunStaging, breathe: () => Promise<void> = async () => undefined): Promise<CheckedSelection> {
  const { model, results } = plan;
  const P = model.profileCount;
  const parts = Math.max(1, runner.threads);
  const profileTasks = Array.from({ length: parts }, (_, k) =>
    runner.run({ kind: 'validate-profiles', model, profileIds: labels.profileIds, showIds: labels.showIds, results, from: Math.floor((P * k) / parts), to: Math.floor((P * (k + 1)) / parts) }),
  );
  const profileChecks = Promise.all(profileTasks);
  staging.track(profileChecks, ...profileTasks);
  // The selection's checks are this thread's one long step: a signal is handled before and after it.
  await breathe();
  const selection = validateSelection(model, labels, results);
  await breathe();
  const validation: ValidationReport = { checks: VALIDATION_CHECKS, rowsChecked: selection.rows, violations: selection.violations };
  for (const reply of await profileChecks) {
    validation.rowsChecked += reply.rowsChecked;
    validation.violations.push(...reply.violations);
  }
  return { selectionRows: selection.rows, validation };
}

/** Nothing is written when validation found a violation: the first MAX_REPORTED are reported. */
export function rejectViolations(validation: ValidationReport): void {
  if (validation.violations.length > 0) throw new ValidationError(validation.violations.slice(0, MAX_REPORTED));
}

/** Just the shared columns of the labels (posting the show strings to a worker would copy them). */
export function selectionLabels(labels: ModelLabels): SelectionLabels {
  return { profileIds: labels.profileIds, accountIds: labels.accountIds, accountCrmIds: labels.accountCrmIds, showIds: labels.showIds };
}
