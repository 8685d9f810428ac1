import { parentPort } from 'node:worker_threads';
import { parseUpload } from './sandbox-upload-parse.js';

/** Worker thread entry of the sandbox's parse pool: parses upload bodies it is handed. */
parentPort!.on('message', (job: { id: number; body: Uint8Array }) => {
  parentPort!.postMessage({ id: job.id, parsed: parseUpload(job.body, false) });
});
