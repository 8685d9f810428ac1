import { writeParquet } from '../../io/parquet/index.js';
import type { CampaignModel } from '../model/campaign-model.js';
import type { CampaignResults } from '../phases/campaign-results.js';
import { selectionTable } from './output-tables.js';
import type { SelectionLabels } from './output-tables.js';
import { validateSelection } from './validate-outputs.js';

export interface SelectionFileTask {
  model: CampaignModel;
  labels: SelectionLabels;
  results: CampaignResults;
  segmentNames: readonly string[];
  /** Null: build and check the table only (the validate phase, or a preview that keeps no files). */
  path: string | null;
}

export interface SelectionFileReport {
  rows: number;
  violations: string[];
}

/**
 * Builds, checks and (given a path) writes `selection.parquet` on a worker, from the shared columns:
 * its strings (crm_id decoded from the shared bytes, segment, scenario, status) never exist on the
 * main thread nor cross to a worker.
 */
export async function writeSelectionFile(task: SelectionFileTask): Promise<SelectionFileReport> {
  const table = selectionTable(task.model, task.labels, task.results, task.segmentNames);
  const violations = validateSelection(task.model, task.labels, task.results, table);
  if (violations.length === 0 && task.path !== null) await writeParquet(task.path, table.fields, table.columns, table.rows);
  return { rows: table.rows, violations };
}
