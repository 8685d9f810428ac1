import type { PayloadLines } from '../../io/clevertap/payload-file.js';

/** What every payload line of the run must say. */
export interface ExpectedPayload {
  date: string;
  /** Unix seconds of the date's 00:00 UTC. */
  ts: number;
  eventName: string;
}

/** The selection's send rows the payload lines are checked against, in line order. */
export interface SendRowsView {
  count: number;
  accountIds: Float64Array;
  profileIds: Float64Array;
  showIds: Float64Array;
  crmIds: string[];
  scenarios: string[];
}

export interface LineProblem {
  /** 1-based line number in payloads.ndjson. */
  line: number;
  message: string;
}

/** Lines parsed per JSON.parse call: one call over many lines is markedly cheaper than one per line. */
const LINES_PER_PARSE = 1000;

/**
 * The first line among `lines` that is not a well-formed event record agreeing with its send row
 * (`rows` index k pairs with line k), or null. `firstLine` is the file line number of lines[0] and
 * `totalRows` the selection's send row count, both for messages only.
 */
export function checkPayloadLines(lines: PayloadLines, rows: SendRowsView, expected: ExpectedPayload, firstLine: number, totalRows: number): LineProblem | null {
  for (let from = 0; from < lines.count; from += LINES_PER_PARSE) {
    const to = Math.min(lines.count, from + LINES_PER_PARSE);
    const batch = Array.from({ length: to - from }, (_, k) => from + k);
    let records: unknown[] | null = null;
    try {
      const parsed = (JSON.parse(lines.body(batch).toString('utf8')) as { d: unknown[] }).d;
      if (parsed.length === batch.length) records = parsed;
    } catch {
      // Some line is not JSON: the line-by-line pass below finds which.
    }
    for (let k = from; k < to; k++) {
      const parsed = records === null ? parseLine(lines.text(k)) : { value: records[k - from] };
      const message = lineProblem(parsed, rows, k, expected, firstLine + k, totalRows);
      if (message !== null) return { line: firstLine + k, message };
    }
  }
  return null;
}

function parseLine(line: string): { value: unknown } | { error: string } {
  try {
    return { value: JSON.parse(line) as unknown };
  } catch (err) {
    return { error: (err as Error).message };
  }
}

function lineProblem(parsed: { value: unknown } | { error: string }, rows: SendRowsView, k: number, expected: ExpectedPayload, line: number, totalRows: number): string | null {
  if (k >= rows.count) return `no matching send row in selection.parquet (it has ${totalRows} send rows, fewer than the payload's lines)`;
  if ('error' in parsed) return `not valid JSON (${parsed.error})`;
  const value = parsed.value;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'not a JSON object';
  const record = value as Record<string, unknown>;
  const data = record['evtData'] as Record<string, unknown> | undefined;
  if (typeof record['identity'] !== 'string' || record['identity'] === '') return 'missing identity';
  if (record['type'] !== 'event') return `type must be "event", got ${JSON.stringify(record['type'])}`;
  if (record['evtName'] !== expected.eventName) return `evtName ${JSON.stringify(record['evtName'])} is not delivery.event_name "${expected.eventName}"`;
  if (record['ts'] !== expected.ts) return `ts ${JSON.stringify(record['ts'])} is not ${expected.ts} (${expected.date} 00:00 UTC)`;
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return 'evtData is not an object';
  if (data['campaign_date'] !== expected.date) return `evtData.campaign_date ${JSON.stringify(data['campaign_date'])} is not ${expected.date}`;
  const against = `send row ${line} (account_id ${rows.accountIds[k]}) of selection.parquet`;
  // The crm_id is personal data: the message says that it differs, not what it is.
  if (record['identity'] !== rows.crmIds[k]) return `identity does not match the crm_id of ${against}`;
  if (data['profile_id'] !== rows.profileIds[k]) return `evtData.profile_id ${JSON.stringify(data['profile_id'])} does not match ${rows.profileIds[k]} of ${against}`;
  if (data['show_id'] !== rows.showIds[k]) return `evtData.show_id ${JSON.stringify(data['show_id'])} does not match ${rows.showIds[k]} of ${against}`;
  if (data['scenario'] !== rows.scenarios[k]) return `evtData.scenario ${JSON.stringify(data['scenario'])} does not match "${rows.scenarios[k]}" of ${against}`;
  return null;
}
