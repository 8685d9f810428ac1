import { describeInputFiles } from '../../io/input/table-files.js';
import type { InputFile, TableSource } from '../../io/input/table-files.js';
import { groupHistory } from '../load/ingest-history.js';
import type { GroupHistoryTask } from '../load/ingest-history.js';
import { groupPlays } from '../load/ingest-plays.js';
import type { GroupPlaysTask } from '../load/ingest-plays.js';
import { drainIngestQueue } from '../load/ingest-queue.js';
import type { IngestQueueReply, IngestQueueTask } from '../load/ingest-queue.js';
import type { CampaignModel } from '../model/campaign-model.js';
import { validateProfiles } from '../output/validate-outputs.js';
import type { ProfileChecks } from '../output/validate-outputs.js';
import { payloadLines } from '../output/payload-lines.js';
import type { PayloadLinesTask } from '../output/payload-lines.js';
import { writeScenarioFile } from '../output/write-scenario-file.js';
import { writeSelectionFile } from '../output/write-selection-file.js';
import type { SelectionFileTask } from '../output/write-selection-file.js';
import type { ScenarioFileReport, ScenarioFileTask } from '../output/write-scenario-file.js';
import type { CampaignResults } from '../phases/campaign-results.js';
import type { PhaseParams } from '../phases/phase-params.js';
import type { ScenarioPools } from '../phases/pools.js';
import { profilePass } from '../phases/profile-pass.js';
import { currentTaskSignal } from './task-abort.js';
import { recommendPass } from '../phases/recommend-pass.js';
import type { PoolCounts, Shard } from '../phases/shard.js';

/**
 * Each task kind with its message and its reply. Every typed array in a message sits on a
 * SharedArrayBuffer, so posting a task shares the columns instead of copying them. A profile pass
 * answers with its three partial count matrices packed in one buffer, which the worker transfers
 * (not copies) back: cluster, then trending, then avod; a part of the payload lines transfers
 * its bytes the same way (moved-reply.ts).
 */
interface Protocol {
  'profile-pass': {
    task: { model: CampaignModel; params: PhaseParams; results: CampaignResults; shard: Shard };
    reply: { packed: Uint32Array };
  };
  'recommend-pass': {
    task: { model: CampaignModel; params: PhaseParams; results: CampaignResults; pools: ScenarioPools; accountIds: Float64Array; shard: Shard };
    reply: object;
  };
  'validate-profiles': {
    task: { model: CampaignModel; profileIds: Float64Array; showIds: Float64Array; results: CampaignResults; from: number; to: number };
    reply: ProfileChecks;
  };
  'write-scenario': { task: ScenarioFileTask; reply: ScenarioFileReport };
  'write-selection': { task: SelectionFileTask; reply: { rows: number } };
  'payload-lines': { task: PayloadLinesTask; reply: { bytes: Uint8Array; lines: number } };
  'describe-inputs': { task: { dataDir: string; sources: TableSource[] }; reply: { files: InputFile[] } };
  ingest: { task: IngestQueueTask; reply: IngestQueueReply };
  'group-plays': { task: GroupPlaysTask; reply: object };
  'group-history': { task: GroupHistoryTask; reply: object };
}

export type TaskKind = keyof Protocol;

/** What a pool shares with each of its workers when it starts them (Piscina `workerData`). */
export interface PoolWorkerData {
  /** Raised when the run is aborted (task-abort.ts). */
  abortFlag: Int32Array;
  /** Where each worker records that its modules are loaded (worker-loads.ts). */
  loads: Int32Array;
}

/** A task of kind K (any kind by default). */
export type WorkerTask<K extends TaskKind = TaskKind> = { [P in K]: { kind: P } & Protocol[P]['task'] }[K];

/** The reply to a task of kind K: the runner returns exactly this type for the task it was given. */
export type WorkerReply<K extends TaskKind = TaskKind> = { [P in K]: { kind: P } & Protocol[P]['reply'] }[K];

type Handlers = { [P in TaskKind]: (task: WorkerTask<P>) => Promise<WorkerReply<P>> };

const handlers: Handlers = {
  'profile-pass': async (task) => ({ kind: 'profile-pass', packed: packCounts(profilePass(task.model, task.params, task.results, task.shard)) }),
  'recommend-pass': async (task) => {
    recommendPass(task.model, task.params, task.results, task.pools, task.accountIds, task.shard);
    return { kind: 'recommend-pass' };
  },
  'validate-profiles': async (task) => ({ kind: 'validate-profiles', ...validateProfiles(task.model, task.profileIds, task.showIds, task.results, task.from, task.to) }),
  'write-scenario': async (task) => ({ kind: 'write-scenario', ...(await writeScenarioFile(task)) }),
  'write-selection': async (task) => ({ kind: 'write-selection', ...(await writeSelectionFile(task)) }),
  'payload-lines': async (task) => ({ kind: 'payload-lines', ...payloadLines(task) }),
  'describe-inputs': async (task) => ({ kind: 'describe-inputs', files: await describeInputFiles(task.dataDir, task.sources, currentTaskSignal()) }),
  ingest: async (task) => ({ kind: 'ingest', ...(await drainIngestQueue(task)) }),
  'group-plays': async (task) => {
    groupPlays(task);
    return { kind: 'group-plays' };
  },
  'group-history': async (task) => {
    groupHistory(task);
    return { kind: 'group-history' };
  },
};

export function runTask<K extends TaskKind>(task: WorkerTask<K>): Promise<WorkerReply<K>> {
  const handler: Handlers[K] = handlers[task.kind];
  return handler(task);
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
