import { PERMANENT_RECORD_CODES } from '../../../io/clevertap/record-codes.js';

export const MAX_UPLOAD_RECORDS = 1000;

/** A record the sandbox refuses by itself, as CleverTap would, by its index in the body. */
export interface InvalidRecord {
  index: number;
  code: number;
  error: string;
  record: unknown;
}

/** An upload body read and checked record by record. */
export type ParsedUpload =
  | { kind: 'bad'; error: string }
  | {
      kind: 'records';
      count: number;
      /** sandboxRecordKey of each valid record; null for an invalid one. */
      keys: (string | null)[];
      invalid: InvalidRecord[];
      /** The parsed records, when asked for (to echo injected refusals). */
      records: unknown[] | null;
    };

/** How the sandbox tells two records apart: identity, event, timestamp and evtData.profile_id. */
export function sandboxRecordKey(record: { identity?: unknown; evtName?: unknown; ts?: unknown; evtData?: unknown }): string {
  const profileId = (record.evtData as { profile_id?: unknown } | undefined)?.profile_id;
  return `${String(record.identity)}|${String(record.evtName)}|${String(record.ts)}|${String(profileId ?? '')}`;
}

/** Any one of these identifies the user of an uploaded record. */
const IDENTITY_KEYS = ['identity', 'FBID', 'GPID', 'objectId'] as const;

/** Per-record validation as CleverTap does it: the first problem's code and message, or null. */
function recordProblem(record: unknown): { code: number; error: string } | null {
  if (typeof record !== 'object' || record === null || Array.isArray(record)) return { code: 512, error: 'Invalid event structure' };
  const r = record as Record<string, unknown>;
  if (!IDENTITY_KEYS.some((k) => (typeof r[k] === 'string' && r[k] !== '') || typeof r[k] === 'number')) return { code: 523, error: PERMANENT_RECORD_CODES.get(523)! };
  if (r['type'] !== 'event') return { code: 524, error: PERMANENT_RECORD_CODES.get(524)! };
  if (typeof r['evtName'] !== 'string' || r['evtName'] === '') return { code: 509, error: PERMANENT_RECORD_CODES.get(509)! };
  if (typeof r['ts'] !== 'number' || !Number.isInteger(r['ts']) || r['ts'] < 0) return { code: 525, error: PERMANENT_RECORD_CODES.get(525)! };
  const data = r['evtData'];
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return { code: 512, error: 'Invalid event structure' };
  return null;
}

/** Parses an upload body (`{"d":[…]}`, ≤ 1000 records) and checks each record. Pure, so a worker thread can run it. */
export function parseUpload(body: Uint8Array, keepRecords: boolean): ParsedUpload {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8'));
  } catch {
    return { kind: 'bad', error: 'Request body is not valid JSON' };
  }
  const records = (parsed as { d?: unknown } | null)?.d;
  if (!Array.isArray(records)) return { kind: 'bad', error: 'Body must be {"d": [...]}' };
  if (records.length > MAX_UPLOAD_RECORDS) return { kind: 'bad', error: `Max ${MAX_UPLOAD_RECORDS} records per request, got ${records.length}` };
  const keys: (string | null)[] = [];
  const invalid: InvalidRecord[] = [];
  records.forEach((record: unknown, index) => {
    const problem = recordProblem(record);
    if (problem === null) keys.push(sandboxRecordKey(record as Record<string, unknown>));
    else {
      keys.push(null);
      invalid.push({ index, ...problem, record });
    }
  });
  return { kind: 'records', count: records.length, keys, invalid, records: keepRecords ? records : null };
}
