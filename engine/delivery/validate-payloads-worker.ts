import { parentPort, workerData } from 'node:worker_threads';
import { checkPayloadLines } from './payload-check.js';
import { PayloadLines } from '../../io/clevertap/payload-file.js';
import type { ValidationTask } from './validate-payloads.js';

/** Worker thread entry of validatePayloads: checks one slice and posts its first problem, or null. */
const task = workerData as ValidationTask;
parentPort!.postMessage(checkPayloadLines(PayloadLines.fromShared(task.lines), task.rows, task.expected, task.firstLine, task.totalRows));
