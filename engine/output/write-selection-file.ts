import { writeParquet } from '../../io/parquet/index.js';
import type { CampaignModel } from '../model/campaign-model.js';
import type { CampaignResults } from '../phases/campaign-results.js';
import { selectionTable } from './output-tables.js';
import type { SelectionLabels } from './output-tables.js';

export interface SelectionFileTask {
  model: CampaignModel;
  labels: SelectionLabels;
  results: CampaignResults;
  segmentNames: readonly string[];
  path: string;
}

/**
 * Builds and writes `selection.parquet` on a worker, from the shared columns (checked by
 * validateSelection in the validate phase): its strings (crm_id decoded from the shared bytes,
 * segment, scenario, status) never exist on the main thread nor cross to a worker.
 */
export async function writeSelectionFile(task: SelectionFileTask): Promise<{ rows: number }> {
  const table = selectionTable(task.model, task.labels, task.results, task.segmentNames);
  await writeParquet(task.path, table.fields, table.columns, table.rows);
  return { rows: table.rows };
}
