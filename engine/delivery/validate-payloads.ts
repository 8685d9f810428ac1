import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { checkPayloadLines } from './payload-check.js';
import type { ExpectedPayload, LineProblem, SendRowsView } from './payload-check.js';
import type { PayloadLines, SharedPayloadLines } from '../../io/clevertap/payload-file.js';

/** Lines below which threads cost more than they save. */
const LINES_PER_WORKER = 100_000;
const MAX_WORKERS = 8;

/** What one validation worker receives: its slice of the lines and of the send rows. */
export interface ValidationTask {
  lines: SharedPayloadLines;
  rows: SendRowsView;
  expected: ExpectedPayload;
  firstLine: number;
  totalRows: number;
}

function slice(rows: SendRowsView, from: number, to: number): SendRowsView {
  const end = Math.min(to, rows.count);
  const start = Math.min(from, end);
  return {
    count: end - start,
    accountIds: rows.accountIds.slice(start, end),
    profileIds: rows.profileIds.slice(start, end),
    showIds: rows.showIds.slice(start, end),
    crmIds: rows.crmIds.slice(start, end),
    scenarios: rows.scenarios.slice(start, end),
  };
}

function runWorker(task: ValidationTask): Promise<LineProblem | null> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./validate-payloads-worker.js', import.meta.url), { workerData: task });
    worker.once('message', (problem: LineProblem | null) => resolve(problem));
    worker.once('error', reject);
    worker.once('exit', (code) => {
      if (code !== 0) reject(new Error(`payload validation worker exited with ${code}`));
    });
  });
}

/**
 * The first payload line that is malformed or disagrees with its send row, or null. Parsing every
 * line is most of the cost of a delivery's start, so large payloads are split over worker
 * threads that read the shared line bytes in place; the earliest problem wins.
 */
export async function validatePayloads(lines: PayloadLines, rows: SendRowsView, expected: ExpectedPayload): Promise<LineProblem | null> {
  const workers = Math.min(availableParallelism(), MAX_WORKERS, Math.floor(lines.count / LINES_PER_WORKER));
  if (workers < 2) return checkPayloadLines(lines, rows, expected, 1, rows.count);
  const per = Math.ceil(lines.count / workers);
  const tasks: Promise<LineProblem | null>[] = [];
  for (let from = 0; from < lines.count; from += per) {
    const to = Math.min(lines.count, from + per);
    tasks.push(runWorker({ lines: lines.share(from, to), rows: slice(rows, from, to), expected, firstLine: from + 1, totalRows: rows.count }));
  }
  const problems = (await Promise.all(tasks)).filter((p) => p !== null);
  return problems.length === 0 ? null : problems.reduce((a, b) => (a.line <= b.line ? a : b));
}
