import { parentPort, workerData } from 'node:worker_threads';
import { encodeRowGroup } from '../../../io/parquet/encode/row-group.js';
import { buildModel } from './dataset-model.js';
import { PlaysGenerator } from './plays.js';
import type { PlaysRequest, PlaysResponse, PlaysWorkerData } from './plays-protocol.js';
import { TABLE_SCHEMAS } from './table-schemas.js';

// Worker thread: rebuilds the dataset model, then generates and encodes plays row groups on request.
const { seed, day, profiles, compression } = workerData as PlaysWorkerData;
const model = buildModel(seed, day, profiles);
const generator = new PlaysGenerator(seed, day, model.catalog, model.taste, model.households, model.ids);
const fields = [...TABLE_SCHEMAS.plays];
const port = parentPort!;

port.on('message', ({ id, from, to }: PlaysRequest) => {
  let response: PlaysResponse;
  try {
    const block = generator.generate(from, to);
    const columns = [{ values: block.profileId }, { values: block.contentId }, { values: block.ts }, { values: block.watchSeconds }];
    response = { id, rows: block.rows, group: encodeRowGroup(fields, columns, block.rows, compression) };
  } catch (err) {
    port.postMessage({ id, error: err instanceof Error ? (err.stack ?? err.message) : String(err) } satisfies PlaysResponse);
    return;
  }
  port.postMessage(response, [response.group.bytes.buffer as ArrayBuffer]);
});
