import { describeInputFiles } from '../../io/input/table-files.js';
import type { InputFile, TableSource } from '../../io/input/table-files.js';
import { writeParquet } from '../../io/parquet/index.js';
import type { ColumnValues, ParquetField } from '../../io/parquet/index.js';
import { ingestPlaysRange, scatterPlays } from '../load/ingest-plays.js';
import type { PlaysRangeReport, PlaysRangeTask, ScatterPlaysTask } from '../load/ingest-plays.js';
import type { CampaignModel } from '../model/campaign-model.js';
import { validateProfiles } from '../output/validate-outputs.js';
import type { ProfileChecks } from '../output/validate-outputs.js';
import { writeScenarioFile } from '../output/write-scenario-file.js';
import type { ScenarioFileReport, ScenarioFileTask } from '../output/write-scenario-file.js';
import type { CampaignResults } from '../phases/campaign-results.js';
import type { PhaseParams } from '../phases/phase-params.js';
import type { ScenarioPools } from '../phases/pools.js';
import { profilePass } from '../phases/profile-pass.js';
import { recommendPass } from '../phases/recommend-pass.js';
import type { PoolCounts, Shard } from '../phases/shard.js';

/**
 * The messages a shard worker accepts. Every typed array in them sits on a SharedArrayBuffer,
 * so posting a task shares the columns instead of copying them.
 */
export type WorkerTask =
  | { kind: 'profile-pass'; model: CampaignModel; params: PhaseParams; results: CampaignResults; shard: Shard }
  | { kind: 'recommend-pass'; model: CampaignModel; params: PhaseParams; results: CampaignResults; pools: ScenarioPools; accountIds: Float64Array; shard: Shard }
  | { kind: 'validate-profiles'; model: CampaignModel; profileIds: Float64Array; showIds: Float64Array; results: CampaignResults; from: number; to: number }
  | ({ kind: 'write-scenario' } & ScenarioFileTask)
  | { kind: 'write-table'; path: string; fields: ParquetField[]; columns: ColumnValues[]; rows: number }
  | { kind: 'describe-inputs'; dataDir: string; sources: TableSource[] }
  | ({ kind: 'ingest-plays' } & PlaysRangeTask)
  | ({ kind: 'scatter-plays' } & ScatterPlaysTask);

/**
 * A profile pass answers with its three partial count matrices packed in one buffer, which the
 * worker transfers (not copies) back: cluster, then trending, then avod.
 */
export type WorkerReply =
  | { kind: 'profile-pass'; packed: Uint32Array }
  | { kind: 'recommend-pass' }
  | ({ kind: 'validate-profiles' } & ProfileChecks)
  | ({ kind: 'write-scenario' } & ScenarioFileReport)
  | { kind: 'write-table' }
  | { kind: 'describe-inputs'; files: InputFile[] }
  | { kind: 'ingest-plays'; report: PlaysRangeReport }
  | { kind: 'scatter-plays' };

export async function runTask(task: WorkerTask): Promise<WorkerReply> {
  switch (task.kind) {
    case 'profile-pass':
      return { kind: 'profile-pass', packed: packCounts(profilePass(task.model, task.params, task.results, task.shard)) };
    case 'recommend-pass':
      recommendPass(task.model, task.params, task.results, task.pools, task.accountIds, task.shard);
      return { kind: 'recommend-pass' };
    case 'validate-profiles':
      return { kind: 'validate-profiles', ...validateProfiles(task.model, task.profileIds, task.showIds, task.results, task.from, task.to) };
    case 'write-scenario':
      return { kind: 'write-scenario', ...(await writeScenarioFile(task)) };
    case 'write-table':
      await writeParquet(task.path, task.fields, task.columns, task.rows);
      return { kind: 'write-table' };
    case 'describe-inputs':
      return { kind: 'describe-inputs', files: await describeInputFiles(task.dataDir, task.sources) };
    case 'ingest-plays':
      return { kind: 'ingest-plays', report: await ingestPlaysRange(task) };
    case 'scatter-plays':
      scatterPlays(task);
      return { kind: 'scatter-plays' };
  }
}

function packCounts(c: PoolCounts): Uint32Array {
  const packed = new Uint32Array(c.cluster.length + c.trending.length + c.avod.length);
  packed.set(c.cluster, 0);
  packed.set(c.trending, c.cluster.length);
  packed.set(c.avod, c.cluster.length + c.trending.length);
  return packed;
}

export function unpackCounts(model: CampaignModel, packed: Uint32Array): PoolCounts {
  const clusterLength = model.clusterCount * model.showCount;
  const regionLength = model.regionCount * model.showCount;
  return {
    cluster: packed.subarray(0, clusterLength),
    trending: packed.subarray(clusterLength, clusterLength + regionLength),
    avod: packed.subarray(clusterLength + regionLength, clusterLength + 2 * regionLength),
  };
}
