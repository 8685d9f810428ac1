import { randomBytes } from 'node:crypto';
import { makeVector, Table } from 'apache-arrow';
import { readArrowFile, tableColumn, writeArrowFile } from './arrow-file.js';
import type { StoredFile } from './arrow-file.js';

/**
 * One piece of the plays cache: the plays one reader decoded (every row of its files in the
 * history window, counted or not), rows grouped by source file, as an Arrow IPC file with one
 * record batch:
 *
 * | column | type | meaning |
 * |---|---|---|
 * | `profile` | int32 | code in the cache's profile id list, or −(k+1): the piece's k-th unknown profile id |
 * | `content` | int32 | code in the cache's content id list, or −(k+1): the piece's k-th unknown content id |
 * | `day` | uint16 | UTC day of `ts` minus the piece's base day |
 * | `watch_seconds` | int32 | `watch_seconds` |
 *
 * The schema's metadata `plays-cache` holds the base day, the id lists' lengths its codes are
 * below, and the unknown ids (JSON numbers, exact below 2^53): ids in no table when the piece was
 * written, kept so a profile or show that appears later gets its plays.
 */
export interface PieceRows {
  rows: number;
  profile: Int32Array;
  content: Int32Array;
  day: Uint16Array;
  seconds: Int32Array;
  baseDay: number;
  unknownProfiles: Float64Array;
  unknownContent: Float64Array;
  /** Lengths of the cache's id lists when the piece was written: its codes are below these. */
  profileCodes: number;
  contentCodes: number;
}

/** A piece as the index records it. */
export interface PieceRecord extends StoredFile {
  rows: number;
  base_day: number;
}

const METADATA_KEY = 'plays-cache';

export async function writePiece(dir: string, piece: PieceRows): Promise<PieceRecord> {
  const table = new Table({
    profile: makeVector(piece.profile.subarray(0, piece.rows)),
    content: makeVector(piece.content.subarray(0, piece.rows)),
    day: makeVector(piece.day.subarray(0, piece.rows)),
    watch_seconds: makeVector(piece.seconds.subarray(0, piece.rows)),
  });
  const meta = {
    base_day: piece.baseDay,
    profile_codes: piece.profileCodes,
    content_codes: piece.contentCodes,
    unknown_profile_ids: [...piece.unknownProfiles],
    unknown_content_ids: [...piece.unknownContent],
  };
  table.schema.metadata.set(METADATA_KEY, JSON.stringify(meta));
  const stored = await writeArrowFile(dir, `${randomBytes(8).toString('hex')}.arrow`, table);
  return { ...stored, rows: piece.rows, base_day: piece.baseDay };
}

/** The piece `record` names, checked (size, checksum, columns, rows, base day); a string is the damage found. */
export function readPiece(dir: string, record: PieceRecord): PieceRows | string {
  const table = readArrowFile(dir, record);
  if (typeof table === 'string') return table;
  if (table.numRows !== record.rows) return `holds ${table.numRows} rows where the index records ${record.rows}`;
  const profile = tableColumn(table, 'profile', Int32Array);
  const content = tableColumn(table, 'content', Int32Array);
  const day = tableColumn(table, 'day', Uint16Array);
  const seconds = tableColumn(table, 'watch_seconds', Int32Array);
  for (const c of [profile, content, day, seconds]) if (typeof c === 'string') return c;
  let meta: { base_day?: unknown; profile_codes?: unknown; content_codes?: unknown; unknown_profile_ids?: unknown; unknown_content_ids?: unknown };
  try {
    meta = JSON.parse(table.schema.metadata.get(METADATA_KEY) ?? 'null') as typeof meta;
  } catch {
    return `has unreadable '${METADATA_KEY}' metadata`;
  }
  if (meta?.base_day !== record.base_day || !isCount(meta.profile_codes) || !isCount(meta.content_codes) || !isIdList(meta.unknown_profile_ids) || !isIdList(meta.unknown_content_ids)) {
    return `has no valid '${METADATA_KEY}' metadata`;
  }
  return {
    rows: record.rows,
    profile: profile as Int32Array,
    content: content as Int32Array,
    day: day as Uint16Array,
    seconds: seconds as Int32Array,
    baseDay: record.base_day,
    unknownProfiles: Float64Array.from(meta.unknown_profile_ids),
    unknownContent: Float64Array.from(meta.unknown_content_ids),
    profileCodes: meta.profile_codes,
    contentCodes: meta.content_codes,
  };
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

function isIdList(value: unknown): value is number[] {
  return Array.isArray(value) && value.every((v) => typeof v === 'number' && Number.isSafeInteger(v));
}
