import { isTransientRecordCode } from './record-codes.js';
import { serverText } from './server-text.js';

/** A record CleverTap listed in `unprocessed`, by its position in the batch. */
export interface RecordFailure {
  position: number;
  code: number | null;
  message: string;
  transient: boolean;
}

export type UploadAnswer =
  /**
   * Every position not in `failures` was accepted, unless `ambiguous`: then some failure could not
   * be tied to a record (or the counts do not add up) and no unlisted record can be called accepted.
   */
  | { kind: 'records'; failures: RecordFailure[]; ambiguous: boolean }
  /** A 200 that is not a per-record answer (e.g. `{"status":"fail","error":…}`): the batch failed. */
  | { kind: 'failed'; message: string };

function asObject(value: unknown): Record<string, unknown> | null {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
}

/** The identity and evtData.profile_id of each record of the batch, by position. */
export interface BatchIdentities {
  size: number;
  identity(position: number): string;
  profileId(position: number): number;
}

function matchKey(identity: string, profileId: unknown): string {
  return `${identity}\u0000${String(profileId)}`;
}

/**
 * Reads a 200 answer of `/1/upload`: `{"status":"success","processed":N,"unprocessed":[{"status":
 * "fail","code":C,"error":"…","record":{…}}]}`. CleverTap echoes each refused record but not its
 * index, so entries are matched back by the echoed identity and evtData.profile_id (unique per
 * account), falling back to identity alone when it is unique among the unmatched records.
 * Only the `error` fields (and a short `status`) are kept, each through serverText: scrubbed of
 * the credentials by `redact` and cut to length; the echoed records are never kept.
 */
export function readUploadAnswer(body: string, batch: BatchIdentities, redact: (text: string) => string): UploadAnswer {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return { kind: 'failed', message: 'answer is not JSON' };
  }
  const answer = asObject(parsed);
  if (answer === null) return { kind: 'failed', message: 'answer is not a JSON object' };
  const unprocessed = answer['unprocessed'] ?? [];
  if ((answer['status'] !== 'success' && answer['status'] !== 'partial') || !Array.isArray(unprocessed)) {
    const status = typeof answer['status'] === 'string' ? serverText(answer['status'].slice(0, 40), redact) : null;
    return { kind: 'failed', message: serverText(answer['error'], redact) ?? (status === null ? 'no status' : `status "${status}"`) };
  }
  const processed = answer['processed'];
  let ambiguous = typeof processed === 'number' && processed + unprocessed.length !== batch.size;
  if (unprocessed.length === 0) return { kind: 'records', failures: [], ambiguous };

  const byKey = new Map<string, number[]>();
  const byIdentity = new Map<string, number[]>();
  for (let position = 0; position < batch.size; position++) {
    const identity = batch.identity(position);
    const key = matchKey(identity, batch.profileId(position));
    (byKey.get(key) ?? byKey.set(key, []).get(key)!).push(position);
    (byIdentity.get(identity) ?? byIdentity.set(identity, []).get(identity)!).push(position);
  }
  const claimed = new Set<number>();
  const failures: RecordFailure[] = [];
  for (const item of unprocessed) {
    const entry = asObject(item) ?? {};
    const record = asObject(entry['record']);
    const identity = record?.['identity'];
    const profileId = asObject(record?.['evtData'])?.['profile_id'];
    let candidates: number[] = [];
    if (typeof identity === 'string') {
      candidates = (profileId !== undefined ? byKey.get(matchKey(identity, profileId)) : undefined) ?? [];
      if (candidates.length === 0) {
        const sameIdentity = (byIdentity.get(identity) ?? []).filter((p) => !claimed.has(p));
        if (sameIdentity.length === 1) candidates = sameIdentity;
      }
    }
    const position = candidates.find((p) => !claimed.has(p));
    if (position === undefined) {
      ambiguous = true;
      continue;
    }
    claimed.add(position);
    const code = typeof entry['code'] === 'number' && Number.isInteger(entry['code']) ? entry['code'] : null;
    failures.push({ position, code, message: serverText(entry['error'], redact) ?? 'unprocessed', transient: isTransientRecordCode(code) });
  }
  return { kind: 'records', failures, ambiguous };
}

/**
 * The one thing kept from an error answer's body (400, 413): its JSON `error` field, through
 * serverText. Anything else a body holds (an HTML page, an echo of the request) is not kept.
 */
export function readErrorAnswer(body: string, redact: (text: string) => string): string | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return null;
  }
  return serverText(asObject(parsed)?.['error'], redact);
}
