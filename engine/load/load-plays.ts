import { lookupIds } from '../../kernels/id-index.js';
import { groupOffsets } from '../../kernels/group-offsets.js';
import { streamBound } from '../../io/input/read-table.js';
import { rawTimestampLiteral } from '../../io/input/raw-timestamp.js';
import { sourceSql } from '../../io/input/table-files.js';
import { InputError } from '../errors.js';
import { sharedInt32, sharedUint16, toShared } from '../model/shared-arrays.js';
import { count, table } from './load-context.js';
import type { LoadContext } from './load-context.js';
import type { LoadedCatalog } from './load-catalog.js';
import type { LoadedPeople } from './load-people.js';

export interface LoadedPlays {
  playOffsets: Int32Array;
  playContent: Int32Array;
  playDaysAgo: Uint16Array;
  playSeconds: Int32Array;
}

const CHUNK = 2048;

/**
 * SPEC §3: reads plays of the history window, keeps the counted ones (known profile, known
 * content, watch_seconds ≥ min_play_seconds, before D) and groups them by profile.
 * Ids are mapped to dense indexes chunk by chunk so the raw id columns are never held whole.
 */
export async function loadPlays(ctx: LoadContext, people: LoadedPeople, catalog: LoadedCatalog, onRows?: (rows: number) => void): Promise<LoadedPlays> {
  const { source, columns: bound } = table(ctx, 'plays');
  const D = ctx.day;
  const from = D - ctx.config.history_days;
  const minSeconds = ctx.config.min_play_seconds;
  const ts = bound[2]!;
  // Compare the raw column so DuckDB can skip row groups by their min/max statistics.
  const where = `"ts" >= ${rawTimestampLiteral(ts.sourceType, from)}`;

  // count(*) is answered from Parquet footers: every streamed row fits, so the arrays never grow.
  const [[total]] = (await ctx.session.rows(`SELECT count(*) FROM ${sourceSql(source)}`)) as [[bigint]];
  const capacity = Number(total);
  // Shared from the start: when the plays arrive grouped by profile these are the model's columns.
  const profile = new Int32Array(capacity);
  const content = sharedInt32(capacity);
  const daysAgo = sharedUint16(capacity);
  const seconds = sharedInt32(capacity);
  let n = 0;
  let grouped = true;
  let lastProfile = 0;
  const pBuf = new Int32Array(CHUNK);
  const cBuf = new Int32Array(CHUNK);
  let read = 0;
  let future = 0;
  let unknownProfile = 0;
  let tombstoned = 0;
  let unknownContent = 0;
  let short = 0;
  let badSeconds = -1;

  await streamBound(ctx.session, source, bound, where, '', (chunk) => {
    const size = chunk.size;
    const pid = chunk.f64(0);
    const cid = chunk.f64(1);
    const day = chunk.i32(2);
    const ws = chunk.f64(3);
    lookupIds(people.profileIndex, pid, pBuf, size);
    lookupIds(catalog.contentIndex, cid, cBuf, size);
    for (let i = 0; i < size; i++) {
      const d = day[i]!;
      if (d >= D) {
        future++;
        continue;
      }
      const p = pBuf[i]!;
      if (p < 0) {
        if (people.removedProfileIds.has(pid[i]!)) tombstoned++;
        else unknownProfile++;
        continue;
      }
      const c = cBuf[i]!;
      if (c < 0) {
        unknownContent++;
        continue;
      }
      const w = ws[i]!;
      if (w < minSeconds) {
        short++;
        continue;
      }
      if (w > 2147483647 && badSeconds < 0) badSeconds = w;
      if (p < lastProfile) grouped = false;
      lastProfile = p;
      profile[n] = p;
      content[n] = c;
      daysAgo[n] = D - d;
      seconds[n] = w;
      n++;
    }
    read += size;
    onRows?.(read);
  });
  if (badSeconds >= 0) throw new InputError(source.label, `column 'watch_seconds' has value ${badSeconds}, larger than any real play (2^31 − 1 seconds)`);

  count(ctx, 'plays', 'read_in_history_window', read);
  count(ctx, 'plays', 'counted', n);
  const dropped = { future, unknown_profile: unknownProfile, tombstoned, unknown_content: unknownContent, short };
  for (const [reason, k] of Object.entries(dropped)) count(ctx, 'plays_dropped', reason, k);

  const P = people.profileIds.length;
  if (grouped) {
    // Rows already in profile order: a counting pass gives the offsets, no permutation needed.
    const offsets = sharedInt32(P + 1);
    for (let i = 0; i < n; i++) offsets[profile[i]! + 1]!++;
    for (let p = 0; p < P; p++) offsets[p + 1]! += offsets[p]!;
    return { playOffsets: offsets, playContent: content.subarray(0, n), playDaysAgo: daysAgo.subarray(0, n), playSeconds: seconds.subarray(0, n) };
  }
  const { offsets, order } = groupOffsets(profile, P, n);
  const playContent = sharedInt32(n);
  const playDaysAgo = sharedUint16(n);
  const playSeconds = sharedInt32(n);
  for (let i = 0; i < n; i++) {
    const r = order[i]!;
    playContent[i] = content[r]!;
    playDaysAgo[i] = daysAgo[r]!;
    playSeconds[i] = seconds[r]!;
  }
  return { playOffsets: toShared(offsets), playContent, playDaysAgo, playSeconds };
}
