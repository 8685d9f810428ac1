/**
 * The plays cache's rows, both ways: `encodeCachedPlays` turns decoded plays into cache rows
 * (codes in the cache's id lists, days from a base day), `classifyCachedPlays` reads them back as
 * a decode of the lake would, for tonight's profiles, catalog, date and config.
 */

/** A cached play's profile or content leads tonight to a dense index ≥ 0, or to one of these. */
export const UNKNOWN_ID = -1;
export const TOMBSTONED_ID = -2;
/** A row's code before the unknown id it stands for is given its piece-local code. */
export const CODE_PENDING = -2147483648;

/** Slots of the counts `classifyCachedPlays` adds to, in the order the decode checks them (SPEC §3). */
export const COUNT_READ = 0;
export const COUNT_FUTURE = 1;
export const COUNT_TOMBSTONED = 2;
export const COUNT_UNKNOWN_PROFILE = 3;
export const COUNT_UNKNOWN_CONTENT = 4;
export const COUNT_SHORT = 5;
/** Not a count: the latest day (absolute) of a read row before D, as a maximum; start it at -Infinity. */
export const LATEST_DAY = 6;
export const COUNT_SLOTS = 7;

/** Largest day offset a cache row can hold (uint16). */
export const MAX_DAY_OFFSET = 65535;

export interface CacheRows {
  profile: Int32Array;
  content: Int32Array;
  day: Uint16Array;
  seconds: Int32Array;
}

export interface PlaysOut {
  profile: Int32Array;
  content: Int32Array;
  daysAgo: Uint16Array;
  seconds: Int32Array;
}

/**
 * Appends `size` decoded plays at `at` of `out` (with their reader-local file ordinals in
 * `outFile`). Known ids become cache codes through `profileCode` / `contentCode` (dense index →
 * code); an unknown one (dense < 0) gets CODE_PENDING for the caller to resolve from the raw id.
 * A file with a value the cache cannot hold (watch_seconds outside int32, a day beyond
 * baseDay + 65535) is flagged in `badFile`; `maxOffset` keeps each file's largest day offset.
 * Returns the rows left CODE_PENDING.
 * Readable equivalent: out.profile[at+i] = dense[i] >= 0 ? profileCode[dense[i]] : PENDING, etc.
 */
export function encodeCachedPlays(
  size: number,
  profileDense: Int32Array,
  contentDense: Int32Array,
  day: Int32Array,
  seconds: Float64Array | Int32Array,
  file: Int32Array,
  profileCode: Int32Array,
  contentCode: Int32Array,
  baseDay: number,
  out: CacheRows,
  outFile: Int32Array,
  at: number,
  badFile: Uint8Array,
  maxOffset: Int32Array,
): number {
  const { profile, content, day: outDay, seconds: outSeconds } = out;
  let pending = 0;
  for (let i = 0; i < size; i++) {
    const k = at + i;
    const p = profileDense[i]!;
    const c = contentDense[i]!;
    const pc = p >= 0 ? profileCode[p]! : CODE_PENDING;
    const cc = c >= 0 ? contentCode[c]! : CODE_PENDING;
    if (pc === CODE_PENDING || cc === CODE_PENDING) pending++;
    profile[k] = pc;
    content[k] = cc;
    const offset = day[i]! - baseDay;
    const w = seconds[i]!;
    const f = file[i]!;
    // `w | 0` is w itself exactly when w is an int32.
    if (offset < 0 || offset > MAX_DAY_OFFSET || (w | 0) !== w) badFile[f] = 1;
    if (offset > maxOffset[f]!) maxOffset[f] = offset;
    outDay[k] = offset;
    outSeconds[k] = w;
    outFile[k] = f;
  }
  return pending;
}

/**
 * Reads cache rows [start, end) of a piece with base day `baseDay` as the lake's decode would for
 * campaign day `D` (SPEC §3): a row before the window start `from` is not read; a read row is
 * `future` (day ≥ D), else dropped for its profile (TOMBSTONED_ID / UNKNOWN_ID), its content, or
 * as short (watch_seconds < minSeconds), else counted; counts[LATEST_DAY] keeps the latest day of
 * a read row before D (the freshness guard's). Codes lead to dense indexes through
 * `profileMap` (cache code → dense) and `localProfileMap` (code −(k+1) → dense of the piece's k-th
 * unknown id); likewise content. Counted rows are appended to `out` from 0; returns how many.
 */
export function classifyCachedPlays(
  rows: CacheRows,
  start: number,
  end: number,
  baseDay: number,
  profileMap: Int32Array,
  localProfileMap: Int32Array,
  contentMap: Int32Array,
  localContentMap: Int32Array,
  from: number,
  D: number,
  minSeconds: number,
  counts: Float64Array,
  out: PlaysOut,
): number {
  const { profile, content, day, seconds } = rows;
  // Offsets from the base day: compare the stored uint16 directly.
  const fromOffset = from - baseDay;
  const dOffset = D - baseDay;
  let read = 0;
  let future = 0;
  let tombstoned = 0;
  let unknownProfile = 0;
  let unknownContent = 0;
  let short = 0;
  let latest = -1;
  let n = 0;
  for (let i = start; i < end; i++) {
    const d = day[i]!;
    if (d < fromOffset) continue;
    read++;
    if (d >= dOffset) {
      future++;
      continue;
    }
    if (d > latest) latest = d;
    const pc = profile[i]!;
    const p = pc >= 0 ? profileMap[pc]! : localProfileMap[-pc - 1]!;
    if (p < 0) {
      if (p === TOMBSTONED_ID) tombstoned++;
      else unknownProfile++;
      continue;
    }
    const cc = content[i]!;
    const c = cc >= 0 ? contentMap[cc]! : localContentMap[-cc - 1]!;
    if (c < 0) {
      unknownContent++;
      continue;
    }
    const w = seconds[i]!;
    if (w < minSeconds) {
      short++;
      continue;
    }
    out.profile[n] = p;
    out.content[n] = c;
    out.daysAgo[n] = dOffset - d;
    out.seconds[n] = w;
    n++;
  }
  counts[COUNT_READ]! += read;
  counts[COUNT_FUTURE]! += future;
  counts[COUNT_TOMBSTONED]! += tombstoned;
  counts[COUNT_UNKNOWN_PROFILE]! += unknownProfile;
  counts[COUNT_UNKNOWN_CONTENT]! += unknownContent;
  counts[COUNT_SHORT]! += short;
  if (latest >= 0) counts[LATEST_DAY] = Math.max(counts[LATEST_DAY]!, baseDay + latest);
  return n;
}

/** Rows of `rows` in `order`, into new arrays. Readable equivalent: each column c becomes order.map((i) => c[i]). */
export function gatherCacheRows(rows: CacheRows, order: Int32Array, n: number): CacheRows {
  const out: CacheRows = { profile: new Int32Array(n), content: new Int32Array(n), day: new Uint16Array(n), seconds: new Int32Array(n) };
  const { profile, content, day, seconds } = rows;
  for (let k = 0; k < n; k++) {
    const i = order[k]!;
    out.profile[k] = profile[i]!;
    out.content[k] = content[i]!;
    out.day[k] = day[i]!;
    out.seconds[k] = seconds[i]!;
  }
  return out;
}

/**
 * CSR offsets of `keys[0, n)` by key (length groups + 1) when the keys never decrease (rows
 * already grouped, as a one-thread scan of files in order yields them), else null.
 * Readable equivalent: offsets[g] = keys.findIndex((k) => k >= g), when keys is sorted.
 */
export function sortedGroupOffsets(keys: Int32Array, groups: number, n: number): Int32Array | null {
  const offsets = new Int32Array(groups + 1);
  let last = 0;
  for (let i = 0; i < n; i++) {
    const k = keys[i]!;
    if (k < last) return null;
    last = k;
    offsets[k + 1]!++;
  }
  for (let g = 0; g < groups; g++) offsets[g + 1]! += offsets[g]!;
  return offsets;
}
